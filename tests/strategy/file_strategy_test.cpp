// The file strategies (tmpfs, disk): their directory is checked once, up front, with a clear message.
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


TEST(StrategyDirectory, BadDirectoriesGiveClearErrors) {
  EXPECT_NE(error_of(in_dir("/nonexistent-anonmap")).find("directory does not exist"), std::string::npos);
  EXPECT_NE(error_of(in_dir("/proc/self/status")).find("not a directory"), std::string::npos);
}

TEST(StrategyDirectory, WrongFilesystemTypeIsRefused) {
  if (kIsTmpfs) {
    const std::string message = error_of(in_dir("/var/tmp"));
    EXPECT_NE(message.find("not tmpfs"), std::string::npos) << message;
  } else {
    const std::string message = error_of(in_dir("/dev/shm"));
    EXPECT_NE(message.find("a memory filesystem"), std::string::npos) << message;
  }
}

TEST(StrategyDirectory, UnwritableDirectoryIsRefused) {
  TempDir dir(kIsTmpfs ? "/dev/shm" : "/var/tmp");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  if (::geteuid() != 0) {
    EXPECT_NE(error_of(in_dir(dir.path())).find("not writable by this user"), std::string::npos);
    return;
  }
  // Root may write anywhere: check as an unprivileged user (nobody) in a child.
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const int verdict = test::run_as_user(65534, [&] {
    return error_of(in_dir(dir.path())).find("not writable by this user") != std::string::npos ? 0 : 1;
  });
  EXPECT_EQ(verdict, 0);
}

TEST(MemfdFlags, OptionsOfMemfdAreRefusedByFileStrategies) {
  BackingOptions options;
  options.memfd_allow_sealing = true;
  EXPECT_NE(error_of(options).find("memfd options do not apply"), std::string::npos);
}

}  // namespace
}  // namespace anonmap
