// RAII helpers the tests share: temporary directories, mounts, loop-mounted images, child commands.
// Everything a test makes is named anonmap-test-* and removed by a destructor, also when the test fails.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace anonmap::test {

inline bool running_as_root() { return ::geteuid() == 0; }

// The names in a directory (without . and ..).
std::vector<std::string> list_directory(const std::string& dir);

class TempDir {
 public:
  explicit TempDir(const std::string& parent = "/tmp");
  ~TempDir();  // removes the tree below it
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string output;  // stdout and stderr together
  std::string stdout_text;
};
// Runs argv[0] (looked up in PATH) with a clean stdin, waits, and captures what it printed.
CommandResult run_command(const std::vector<std::string>& argv);
bool have_program(const std::string& name);

// mount(2) of a tmpfs at `where` with `options` (root only); unmounted by the destructor.
class ScopedTmpfsMount {
 public:
  ScopedTmpfsMount(const std::string& where, const std::string& options, unsigned long flags = 0);
  ~ScopedTmpfsMount();
  ScopedTmpfsMount(const ScopedTmpfsMount&) = delete;
  ScopedTmpfsMount& operator=(const ScopedTmpfsMount&) = delete;

 private:
  std::string where_;
};

// An image file made with `mkfs_argv` + image path, loop-mounted at `where` (root only). The destructor
// unmounts; the loop device goes with it (mount -o loop sets autoclear). The image lives in `where`'s parent.
class ScopedLoopMount {
 public:
  ScopedLoopMount(const std::string& image, const std::string& where, std::uint64_t size_mib,
                  const std::vector<std::string>& mkfs_argv);
  ~ScopedLoopMount();
  ScopedLoopMount(const ScopedLoopMount&) = delete;
  ScopedLoopMount& operator=(const ScopedLoopMount&) = delete;
  bool mounted() const noexcept { return mounted_; }
  const std::string& error() const noexcept { return error_; }

 private:
  std::string image_, where_, error_;
  bool mounted_ = false;
};

// Runs `body` in a forked child whose uid and gid are `uid` (root only); returns the child's exit code.
template <class Body>
int run_as_user(uid_t uid, Body&& body);

}  // namespace anonmap::test

#include "test_support_inl.hpp"
