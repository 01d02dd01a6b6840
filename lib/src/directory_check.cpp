#include "directory_check.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "fs_magic.hpp"

namespace anonmap {

std::string checked_directory(const std::string& dir, WantedFilesystem wanted, std::string_view strategy) {
  const std::string who = std::string(strategy) + ": " + dir;
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    if (errno == ENOENT) throw Error(who + ": directory does not exist", ENOENT);
    throw Error(errno_message(who, errno), errno);
  }
  if (!S_ISDIR(info.st_mode)) throw Error(who + ": not a directory", ENOTDIR);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    if (errno == EROFS) throw Error(who + ": on a read-only filesystem", EROFS);
    throw Error(who + ": not writable by this user", errno);
  }
  struct statvfs volume {};
  if (::statvfs(dir.c_str(), &volume) == 0 && (volume.f_flag & ST_RDONLY) != 0)
    throw Error(who + ": on a read-only filesystem", EROFS);

  struct statfs filesystem {};
  if (::statfs(dir.c_str(), &filesystem) != 0) throw Error(errno_message(who + ": statfs", errno), errno);
  const bool in_memory = is_memory_filesystem(filesystem.f_type);
  const std::string type = statfs_type_name(filesystem.f_type);
  if (wanted == WantedFilesystem::tmpfs && filesystem.f_type != TMPFS_MAGIC)
    throw Error(who + ": on " + type + ", not tmpfs (the tmpfs strategy needs a tmpfs directory; "
                "use anonmap-bench-disk for disk filesystems)", EINVAL);
  if (wanted == WantedFilesystem::disk && in_memory)
    throw Error(who + ": on " + type + ", a memory filesystem (the disk strategy needs a disk filesystem; "
                "use anonmap-bench-tmpfs for tmpfs)", EINVAL);

  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) == nullptr) throw Error(errno_message(who + ": realpath", errno), errno);
  return resolved;
}

}  // namespace anonmap
