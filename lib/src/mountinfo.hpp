// /proc/self/mountinfo, parsed (internal header).
#pragma once

#include <string>
#include <vector>

namespace anonmap {

struct MountEntry {
  unsigned major = 0, minor = 0;  // st_dev of the filesystem (btrfs subvolumes report another one)
  std::string root;               // the part of the filesystem mounted here
  std::string mount_point;
  std::string mount_options;      // per-mount: rw, noexec, nosuid, relatime, ...
  std::string fs_type;
  std::string source;
  std::string super_options;
};

// Parses mountinfo text (fields are documented in proc(5)); unparsable lines are skipped.
std::vector<MountEntry> parse_mountinfo(const std::string& text);

// The mount that holds `canonical_path`: the longest mount point that is a path prefix of it, the last one
// listed winning among equals (a later mount on the same point hides the earlier one). Throws Error if none.
MountEntry mount_containing(const std::vector<MountEntry>& mounts, const std::string& canonical_path);

}  // namespace anonmap
