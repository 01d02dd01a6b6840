#include "mountinfo.hpp"

#include <sstream>

#include "anonmap/error.hpp"

namespace anonmap {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo octal.
std::string unescape(const std::string& field) {
  const auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) && is_octal(field[i + 2]) &&
        is_octal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

bool is_path_prefix(const std::string& prefix, const std::string& path) {
  if (prefix == "/") return true;
  return path.compare(0, prefix.size(), prefix) == 0 && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

std::vector<MountEntry> parse_mountinfo(const std::string& text) {
  std::vector<MountEntry> mounts;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point, options;
    if (!(fields >> id >> parent >> device >> root >> mount_point >> options)) continue;
    // Optional fields (shared:N, master:N, ...) run up to a lone "-".
    std::string field;
    while (fields >> field && field != "-") {}
    MountEntry entry;
    if (!(fields >> entry.fs_type >> entry.source)) continue;
    fields >> entry.super_options;
    const auto colon = device.find(':');
    if (colon == std::string::npos) continue;
    entry.major = static_cast<unsigned>(std::stoul(device.substr(0, colon)));
    entry.minor = static_cast<unsigned>(std::stoul(device.substr(colon + 1)));
    entry.root = unescape(root);
    entry.mount_point = unescape(mount_point);
    entry.mount_options = options;
    entry.source = unescape(entry.source);
    mounts.push_back(std::move(entry));
  }
  return mounts;
}

MountEntry mount_containing(const std::vector<MountEntry>& mounts, const std::string& canonical_path) {
  const MountEntry* best = nullptr;
  for (const MountEntry& entry : mounts) {
    if (!is_path_prefix(entry.mount_point, canonical_path)) continue;
    if (best == nullptr || entry.mount_point.size() >= best->mount_point.size()) best = &entry;
  }
  if (best == nullptr) throw Error("no mount in /proc/self/mountinfo holds " + canonical_path);
  return *best;
}

}  // namespace anonmap
