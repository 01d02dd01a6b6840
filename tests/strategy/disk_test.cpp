// disk only: the default scratch directory is the harness's own and goes away with it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "strategy_test_support.hpp"

namespace anonmap {
namespace {

TEST(StrategyDefaults, DiskScratchDirectoryIsRemovedAtTheEnd) {
  std::string scratch;
  {
    const Strategy strategy{BackingOptions{}};
    scratch = strategy.options().dir;
    const Backing backing = strategy.create(kPage);
  }
  struct stat info {};
  EXPECT_NE(::stat(scratch.c_str(), &info), 0) << scratch << " is still there";
}

}  // namespace
}  // namespace anonmap
