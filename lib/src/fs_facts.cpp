#include "anonmap/fs_facts.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "anonmap/error.hpp"
#include "mountinfo.hpp"

namespace anonmap {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string block_stack_of_source(const std::string& source) {
  struct stat info {};
  if (source.rfind("/dev/", 0) != 0 || ::stat(source.c_str(), &info) != 0 || !S_ISBLK(info.st_mode)) return "none";
  return block_stack_of_device(major(info.st_rdev), minor(info.st_rdev));
}

}  // namespace

std::string statfs_type_name(long f_type) {
  switch (static_cast<unsigned long>(f_type)) {
    case 0x01021994: return "tmpfs";
    case 0xEF53: return "ext2/3/4";
    case 0x9123683E: return "btrfs";
    case 0x58465342: return "xfs";
    case 0x958458f6: return "hugetlbfs";
    case 0x858458f6: return "ramfs";
    case 0xF2F52010: return "f2fs";
    case 0x2FC12FC1: return "zfs";
    case 0x6969: return "nfs";
    case 0x794c7630: return "overlayfs";
    case 0x65735546: return "fuse";
    case 0x01021997: return "9p";
    default: {
      std::ostringstream hex;
      hex << "0x" << std::hex << static_cast<unsigned long>(f_type);
      return hex.str();
    }
  }
}

bool has_mount_option(const std::string& options, const std::string& option) {
  std::istringstream list(options);
  std::string item;
  while (std::getline(list, item, ','))
    if (item == option) return true;
  return false;
}

FsFacts probe_filesystem(const std::string& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) throw Error(errno_message(dir, errno), errno);
  if (!S_ISDIR(info.st_mode)) throw Error(dir + ": not a directory", ENOTDIR);
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) == nullptr) throw Error(errno_message("realpath " + dir, errno), errno);

  FsFacts facts;
  facts.dir = resolved;
  const MountEntry mount = mount_containing(parse_mountinfo(read_all("/proc/self/mountinfo")), facts.dir);
  facts.fs_type = mount.fs_type;
  facts.mount_point = mount.mount_point;
  facts.mount_source = mount.source;
  facts.mount_options = mount.mount_options;
  facts.super_options = mount.super_options;
  facts.block_stack = block_stack_of_source(mount.source);
  facts.fscrypt = fscrypt_policy_of(facts.dir);
  facts.exec = probe_exec_in_dir(facts.dir);
  return facts;
}

}  // namespace anonmap
