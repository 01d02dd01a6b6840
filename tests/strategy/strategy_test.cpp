// Compiled once per strategy library (like the benchmarks): the same checks on memfd, tmpfs and disk.
#include "anonmap/strategy.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "anonmap/mapping.hpp"
#include "strategy_test_support.hpp"
#include "test_support.hpp"

namespace anonmap {
namespace {

using test::list_directory;
using test::TempDir;


// A directory of the right kind for this strategy, made for one test and removed after it.
class StrategyTest : public ::testing::TestWithParam<Sizing> {
 protected:
  StrategyTest() : dir_(kIsTmpfs ? "/dev/shm" : "/var/tmp") {}
  BackingOptions options() const {
    BackingOptions options;
    if (!kIsMemfd) options.dir = dir_.path();
    options.sizing = GetParam();
    return options;
  }
  TempDir dir_;
};

TEST_P(StrategyTest, BackingIsUnlinkedAndSizedAsAsked) {
  const Strategy strategy(options());
  const Backing backing = strategy.create(64 * kPage);
  EXPECT_TRUE(list_directory(dir_.path()).empty()) << "the backing file kept a name";
  struct stat info {};
  ASSERT_EQ(::fstat(backing.fd(), &info), 0);
  EXPECT_EQ(info.st_nlink, 0u);
  EXPECT_EQ(static_cast<std::uint64_t>(info.st_size), 64 * kPage);
  if (GetParam() == Sizing::fallocate) {
    EXPECT_GE(static_cast<std::uint64_t>(info.st_blocks) * 512, 64 * kPage);
  }
  if (GetParam() == Sizing::ftruncate) {
    EXPECT_EQ(info.st_blocks, 0);
  }
}

TEST_P(StrategyTest, WritesThroughOneMappingAreSeenThroughAnotherAndInAChild) {
  const Strategy strategy(options());
  const Backing backing = strategy.create(16 * kPage);
  Mapping writer(backing.fd(), 16 * kPage, PROT_READ | PROT_WRITE, MAP_SHARED);
  Mapping reader(backing.fd(), 16 * kPage, PROT_READ, MAP_SHARED);
  std::memcpy(writer.data() + 5 * kPage, "anonmap", 8);
  EXPECT_STREQ(reinterpret_cast<const char*>(reader.data() + 5 * kPage), "anonmap");

  const pid_t child = ::fork();
  if (child == 0) {
    // The child sees the parent's write and answers through the same pages.
    const bool saw = std::strcmp(reinterpret_cast<const char*>(reader.data() + 5 * kPage), "anonmap") == 0;
    std::memcpy(writer.data() + 9 * kPage, "child", 6);
    ::_exit(saw ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child did not see the parent's write";
  EXPECT_STREQ(reinterpret_cast<const char*>(reader.data() + 9 * kPage), "child");
}

TEST_P(StrategyTest, SizeZeroAndPartialPagesAreRefused) {
  const Strategy strategy(options());
  EXPECT_THROW(strategy.create(0), Error);
  try {
    strategy.create(kPage + 1);
    FAIL() << "a size that is not a page multiple was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("not a multiple"), std::string::npos) << error.what();
  }
}

INSTANTIATE_TEST_SUITE_P(EachSizing, StrategyTest,
                         ::testing::Values(Sizing::ftruncate, Sizing::grow_file, Sizing::fallocate),
                         [](const auto& test_info) { return std::string(to_string(test_info.param)); });

TEST(StrategyDefaults, DefaultDirectoryIsTheDocumentedOne) {
  const Strategy strategy{BackingOptions{}};
  if (kIsMemfd) {
    EXPECT_TRUE(strategy.options().dir.empty());
  } else if (kIsTmpfs) {
    EXPECT_EQ(strategy.options().dir, "/dev/shm");
  } else {
    EXPECT_NE(strategy.options().dir.find("/anonmap-scratch."), std::string::npos) << strategy.options().dir;
  }
}

}  // namespace
}  // namespace anonmap
