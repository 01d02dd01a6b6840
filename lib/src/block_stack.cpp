// The block devices under a filesystem, bottom to top, read from sysfs: "vda", "loop",
// "nvme0n1>part2>dm-crypt(aes-xts-plain64)". This is what tells a btrfs-on-dm-crypt result from a plain one.
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "anonmap/fs_facts.hpp"
#include "anonmap/system_facts.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {
namespace {

namespace fs = std::filesystem;

// The device-mapper table of `dm_name`: target type and its first parameter (for crypt, the cipher).
// Needs CAP_SYS_ADMIN; returns false when the ioctl is refused.
bool dm_first_target(const std::string& dm_name, std::string& target_type, std::string& first_param) {
  UniqueFd control(::open("/dev/mapper/control", O_RDWR | O_CLOEXEC));
  if (!control) return false;
  alignas(dm_ioctl) char buffer[16 * 1024] = {};
  auto* request = reinterpret_cast<dm_ioctl*>(buffer);
  request->version[0] = DM_VERSION_MAJOR;
  request->data_size = sizeof buffer;
  request->data_start = sizeof(dm_ioctl);
  request->flags = DM_STATUS_TABLE_FLAG;  // the table as loaded, not the runtime status
  std::strncpy(request->name, dm_name.c_str(), sizeof request->name - 1);
  if (::ioctl(control.get(), DM_TABLE_STATUS, request) != 0 || request->target_count == 0) return false;
  const auto* target = reinterpret_cast<const dm_target_spec*>(buffer + request->data_start);
  target_type.assign(target->target_type, strnlen(target->target_type, sizeof target->target_type));
  const char* params = reinterpret_cast<const char*>(target + 1);
  const std::size_t room = sizeof buffer - static_cast<std::size_t>(params - buffer);
  const std::string all(params, strnlen(params, room));
  first_param = all.substr(0, all.find(' '));
  return true;
}

std::string describe_dm(const fs::path& device) {
  const std::string name = read_first_line(device / "dm" / "name", "");
  const std::string uuid = read_first_line(device / "dm" / "uuid", "");
  std::string type, param;
  if (dm_first_target(name, type, param))
    return type == "crypt" ? "dm-crypt(" + param + ")" : "dm-" + type;
  // Without the table (not root), the uuid prefix that cryptsetup and LVM set still tells the kind.
  if (uuid.starts_with("CRYPT-")) return "dm-crypt";
  if (uuid.starts_with("LVM-")) return "dm-lvm";
  return "dm";
}

std::string describe(const fs::path& device, int depth);

// What lies under a device (its slaves), joined with '+' when there are several (md RAID, multi-device dm).
std::string lower_layers(const fs::path& device, int depth) {
  std::vector<std::string> lowers;
  std::error_code error;
  for (const auto& slave : fs::directory_iterator(device / "slaves", error))
    lowers.push_back(describe(fs::canonical(slave.path(), error), depth + 1));
  std::string joined;
  for (const auto& lower : lowers) joined += (joined.empty() ? "" : "+") + lower;
  return lowers.size() > 1 ? "(" + joined + ")" : joined;
}

std::string describe(const fs::path& device, int depth) {
  if (depth > 16) return "?";  // a cycle would be a kernel bug; do not loop on it
  const std::string name = device.filename();
  std::string self;
  std::error_code error;
  if (fs::exists(device / "partition", error)) {
    // A partition's sysfs directory sits inside its disk's.
    return describe(device.parent_path(), depth + 1) + ">part" + read_first_line(device / "partition", "?");
  }
  if (fs::exists(device / "dm", error)) {
    self = describe_dm(device);
  } else if (fs::exists(device / "loop", error)) {
    self = read_first_line(device / "loop" / "dio", "0") == "1" ? "loop(dio)" : "loop";
  } else if (fs::exists(device / "md", error)) {
    self = "md(" + read_first_line(device / "md" / "level", "?") + ")";
  } else {
    self = name;  // a disk: vda, sda, nvme0n1
  }
  const std::string lower = lower_layers(device, depth);
  return lower.empty() ? self : lower + ">" + self;
}

}  // namespace

std::string block_stack_of_device(unsigned major, unsigned minor) {
  std::error_code error;
  const fs::path device =
      fs::canonical("/sys/dev/block/" + std::to_string(major) + ":" + std::to_string(minor), error);
  if (error) return "none";
  return describe(device, 0);
}

}  // namespace anonmap
