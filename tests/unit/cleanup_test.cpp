// What a killed run leaves (a backing file between create and unlink, an empty scratch directory) is
// removed by the next run, and nothing that is not ours is touched.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "anonmap/scratch_dir.hpp"
#include "anonmap/unlinked_file.hpp"
#include "test_support.hpp"

namespace anonmap {
namespace {

using test::list_directory;
using test::TempDir;

// A pid that surely does not exist now: a child that has been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

void make_file(const std::string& path) { std::ofstream(path) << "x"; }

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(UnlinkedFile, LeavesNoEntryInTheDirectory) {
  TempDir dir;
  UniqueFd fd = create_unlinked_file(dir.path());
  ASSERT_TRUE(fd);
  EXPECT_TRUE(list_directory(dir.path()).empty());
  struct stat info {};
  ASSERT_EQ(::fstat(fd.get(), &info), 0);
  EXPECT_EQ(info.st_nlink, 0u);
}

TEST(UnlinkedFile, StaleFilesOfDeadRunsGoOthersStay) {
  TempDir dir;
  const std::string dead = "anonmap." + std::to_string(dead_pid()) + ".abcdefgh";
  const std::string alive = "anonmap." + std::to_string(::getpid()) + ".abcdefgh";
  const std::string wineserver = "anonmap.123456";  // wineserver's own mkstemps() name
  const std::string other = "unrelated.1.x";
  for (const auto& name : {dead, alive, wineserver, other}) make_file(dir.path() + "/" + name);
  EXPECT_EQ(remove_stale_unlinked_files(dir.path()), 1);
  const auto left = list_directory(dir.path());
  EXPECT_FALSE(contains(left, dead));
  EXPECT_TRUE(contains(left, alive));
  EXPECT_TRUE(contains(left, wineserver));
  EXPECT_TRUE(contains(left, other));
}

TEST(ScratchDir, IsMadeAndRemoved) {
  TempDir parent;
  std::string path;
  {
    ScratchDir scratch(parent.path());
    path = scratch.path();
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
  }
  EXPECT_TRUE(list_directory(parent.path()).empty());
}

TEST(ScratchDir, RemovesEmptyScratchDirsOfDeadRunsOnly) {
  TempDir parent;
  const std::string dead_empty = parent.path() + "/anonmap-scratch." + std::to_string(dead_pid()) + ".aaaaaa";
  const std::string dead_full = parent.path() + "/anonmap-scratch." + std::to_string(dead_pid()) + ".bbbbbb";
  ASSERT_EQ(::mkdir(dead_empty.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(dead_full.c_str(), 0700), 0);
  make_file(dead_full + "/something-a-human-put-here");
  {
    ScratchDir scratch(parent.path());
    const auto names = list_directory(parent.path());
    EXPECT_EQ(names.size(), 2u);  // ours and the non-empty one
  }
  struct stat info {};
  EXPECT_NE(::stat(dead_empty.c_str(), &info), 0);
  EXPECT_EQ(::stat(dead_full.c_str(), &info), 0);
}

}  // namespace
}  // namespace anonmap
