// What a benchmark result depends on about the filesystem under a directory.
#pragma once

#include <string>

namespace anonmap {

// The answer to wineserver's probe: can a file in this directory be mapped PROT_EXEC?
struct ExecProbe {
  bool allowed = false;
  std::string detail;  // "yes", or why not: "no: mmap PROT_EXEC: Operation not permitted (EPERM)"
};

struct FsFacts {
  std::string dir;            // canonical path
  std::string fs_type;        // from mountinfo: "tmpfs", "ext4", "btrfs", "xfs", ...
  std::string mount_point;    // where that filesystem is mounted
  std::string mount_source;   // "/dev/loop3", "tmpfs", ...
  std::string mount_options;  // per-mount options: rw/ro, noexec, nosuid, relatime, ...
  std::string super_options;  // the filesystem's own: size=, huge=, compress=, ...
  std::string block_stack;    // bottom to top, e.g. "vda", "loop", "nvme0n1>part2>dm-crypt(aes-xts-plain64)"; "none"
  std::string fscrypt;        // "off", "v2 AES-256-XTS/AES-256-CTS", "unsupported"
  ExecProbe exec;
};

// Gathers the facts for `dir`. Throws Error when `dir` does not exist or is not a directory.
// The exec probe needs to create (and at once unlink) a file in `dir`; when it cannot, exec.detail says why.
FsFacts probe_filesystem(const std::string& dir);

// The pieces, for callers that need only one (and for tests):
std::string statfs_type_name(long f_type);     // TMPFS_MAGIC -> "tmpfs", ...
std::string block_stack_of_device(unsigned major, unsigned minor);  // walks /sys/dev/block
std::string fscrypt_policy_of(const std::string& dir);
ExecProbe probe_exec_in_dir(const std::string& dir);
ExecProbe probe_exec_of_fd(int fd);            // PROT_READ|PROT_EXEC, MAP_PRIVATE of one page of `fd`
bool has_mount_option(const std::string& options, const std::string& option);

}  // namespace anonmap
