#include "anonmap/scratch_dir.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "anonmap/error.hpp"
#include "fs_magic.hpp"
#include "pid_names.hpp"

namespace anonmap {
namespace {

constexpr std::string_view kScratchPrefix = "anonmap-scratch.";

void remove_stale_scratch_dirs(const std::string& parent) {
  for (const std::string& name : names_of_dead_pids(parent, kScratchPrefix)) {
    // rmdir() removes only an empty directory: a scratch dir that still holds something is left for a human.
    ::rmdir((parent + "/" + name).c_str());
  }
}

bool is_disk_filesystem(const std::string& path) {
  struct statfs info {};
  if (::statfs(path.c_str(), &info) != 0) return false;
  return !is_memory_filesystem(info.f_type);
}

}  // namespace

ScratchDir::ScratchDir(const std::string& parent) {
  remove_stale_scratch_dirs(parent);
  std::string pattern = parent + "/" + std::string(kScratchPrefix) + std::to_string(::getpid()) + ".XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw_errno("cannot make a scratch directory in " + parent);
  path_ = buffer.data();
}

ScratchDir::~ScratchDir() {
  // Every backing file is unlinked at creation, so the directory is empty by now.
  ::rmdir(path_.c_str());
}

std::string default_disk_parent() {
  if (const char* tmpdir = std::getenv("TMPDIR"); tmpdir != nullptr && *tmpdir != '\0' && is_disk_filesystem(tmpdir))
    return tmpdir;
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd) == nullptr) throw_errno("getcwd");
  if (is_disk_filesystem(cwd)) return cwd;
  throw Error(std::string("no disk filesystem for the default disk directory: neither $TMPDIR nor the current "
                          "directory (") + cwd + ") is on one; pass --dir=PATH");
}

}  // namespace anonmap
