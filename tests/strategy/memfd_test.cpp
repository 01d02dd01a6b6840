// memfd only: no directory, and the memfd_create() flags.
#include "anonmap/strategy.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "anonmap/error.hpp"
#include "anonmap/mapping.hpp"
#include "strategy_test_support.hpp"
#include "test_support.hpp"

namespace anonmap {
namespace {

using test::list_directory;
using test::TempDir;


TEST(Memfd, TakesNoDirectory) {
  EXPECT_NE(error_of(in_dir("/tmp")).find("memfd takes no directory"), std::string::npos);
}

TEST(MemfdFlags, ExecFlagsAreSupportedOrReportedAsUnsupported) {
  for (MemfdExec flag : {MemfdExec::exec, MemfdExec::noexec_seal}) {
    BackingOptions options;
    options.memfd_exec = flag;
    const std::string message = error_of(options);
    EXPECT_TRUE(message.empty() || message.find("unsupported by this kernel (EINVAL)") != std::string::npos)
        << message;
  }
}

// MFD_NOEXEC_SEAL takes the x bits away for good (F_SEAL_EXEC): the memfd can never be execve()d. It does
// not forbid PROT_EXEC mappings: mmap() checks the mount's noexec, not the file's mode.
TEST(MemfdFlags, NoexecSealForbidsExecveNotExecMappings) {
  BackingOptions options;
  options.memfd_exec = MemfdExec::noexec_seal;
  if (!error_of(options).empty()) GTEST_SKIP() << "kernel lacks MFD_NOEXEC_SEAL (before 6.3)";
  const Strategy strategy(options);
  const Backing backing = strategy.create(kPage);
  struct stat info {};
  ASSERT_EQ(::fstat(backing.fd(), &info), 0);
  EXPECT_EQ(info.st_mode & 0111, 0u);
  constexpr int kSealExec = 0x0020;  // F_SEAL_EXEC, Linux 6.3
  EXPECT_NE(::fcntl(backing.fd(), F_GET_SEALS) & kSealExec, 0);
  EXPECT_NE(::fchmod(backing.fd(), 0700), 0);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NO_THROW(Mapping(backing.fd(), kPage, PROT_READ | PROT_EXEC, MAP_SHARED));
}

TEST(MemfdFlags, ExecFlagKeepsTheExecBits) {
  BackingOptions options;
  options.memfd_exec = MemfdExec::exec;
  if (!error_of(options).empty()) GTEST_SKIP() << "kernel lacks MFD_EXEC (before 6.3)";
  const Strategy strategy(options);
  const Backing backing = strategy.create(kPage);
  struct stat info {};
  ASSERT_EQ(::fstat(backing.fd(), &info), 0);
  EXPECT_NE(info.st_mode & 0111, 0u);
}

TEST(MemfdFlags, HugetlbNeedsHugePageMultiples) {
  BackingOptions options;
  options.memfd_hugetlb = true;
  options.sizing = Sizing::fallocate;
  if (const std::string message = error_of(options); !message.empty()) GTEST_SKIP() << message;
  const Strategy strategy(options);
  EXPECT_GT(strategy.size_granule(), kPage);
  EXPECT_THROW(strategy.create(kPage), Error);
}

}  // namespace
}  // namespace anonmap
