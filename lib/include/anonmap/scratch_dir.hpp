// ScratchDir: a directory the harness makes for itself and removes when done.
#pragma once

#include <string>

namespace anonmap {

class ScratchDir {
 public:
  // Makes `parent`/anonmap-scratch.<pid>.XXXXXX. First removes the empty scratch directories that runs which
  // died (their pid is gone) left in `parent`: rmdir() only, so nothing but an empty directory of ours goes.
  explicit ScratchDir(const std::string& parent);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// Where the disk strategy makes its scratch directory by default: $TMPDIR when that is on a disk
// filesystem, else the current directory. Throws Error when neither is a disk filesystem.
std::string default_disk_parent();

}  // namespace anonmap
