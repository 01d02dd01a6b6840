#include "cgroup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/system_facts.hpp"

namespace anonmap::bench {
namespace {

constexpr const char* kNamePrefix = "anonmap-pressure.";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(errno_message("read " + path, errno), errno);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `value` with one write(2): cgroup files take one value per write, and report errors on it.
void write_value(const std::string& path, const std::string& value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + path);
  const ssize_t written = ::write(fd, value.data(), value.size());
  const int saved = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(value.size()))
    throw Error(errno_message("write " + value + " to " + path, written < 0 ? saved : EIO), saved);
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::uint64_t field_or_zero(const StatFields& fields, const char* key) {
  const auto found = fields.find(key);
  return found == fields.end() ? 0 : found->second;
}

std::uint64_t read_number(const std::string& path) {
  const std::string line = read_first_line(path, "");
  if (line.empty() || line == "max") return 0;
  return std::stoull(line);
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> result;
  std::istringstream in(line);
  for (std::string word; in >> word;) result.push_back(word);
  return result;
}

// The mount points of cgroup2 and of the v1 hierarchy carrying "memory", from /proc/self/mounts.
struct CgroupMounts {
  std::string v2, v1_memory;
};
CgroupMounts find_mounts() {
  CgroupMounts mounts;
  std::ifstream in("/proc/self/mounts");
  for (std::string line; std::getline(in, line);) {
    const auto fields = words(line);
    if (fields.size() < 4) continue;
    if (fields[2] == "cgroup2" && mounts.v2.empty()) mounts.v2 = fields[1];
    if (fields[2] == "cgroup" && mounts.v1_memory.empty()) {
      std::istringstream options(fields[3]);
      for (std::string option; std::getline(options, option, ',');)
        if (option == "memory") mounts.v1_memory = fields[1];
    }
  }
  return mounts;
}

bool lists_memory(const std::string& path) {
  for (const std::string& word : words(read_first_line(path, "")))
    if (word == "memory") return true;
  return false;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

std::vector<pid_t> read_pids(const std::string& procs_file) {
  std::vector<pid_t> pids;
  std::ifstream in(procs_file);
  for (long pid = 0; in >> pid;) pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

}  // namespace

std::optional<MemoryController> find_memory_controller(std::string* why_not, bool delegate) {
  const CgroupMounts mounts = find_mounts();
  if (!mounts.v2.empty() && lists_memory(mounts.v2 + "/cgroup.controllers")) {
    // Children of the root get the controller only when the root delegates it; turn that on if needed
    // (systemd machines have it on already). It stays on: other cgroups may have come to rely on it.
    const std::string subtree = mounts.v2 + "/cgroup.subtree_control";
    if (!delegate) return MemoryController{CgroupVersion::v2, mounts.v2};
    if (!lists_memory(subtree)) {
      try {
        write_value(subtree, "+memory");
      } catch (const Error&) {
      }
    }
    if (lists_memory(subtree)) return MemoryController{CgroupVersion::v2, mounts.v2};
    if (why_not != nullptr) *why_not = "no memory cgroup controller: could not write +memory to " + subtree;
    if (mounts.v1_memory.empty()) return std::nullopt;
  }
  if (!mounts.v1_memory.empty() && exists(mounts.v1_memory + "/memory.limit_in_bytes"))
    return MemoryController{CgroupVersion::v1, mounts.v1_memory};
  if (why_not != nullptr) {
    *why_not = mounts.v2.empty() ? "no memory cgroup controller (no v1 memory hierarchy, no cgroup2 mount)"
                                 : "no memory cgroup controller (v1 memory hierarchy or v2 memory controller; " +
                                       mounts.v2 + "/cgroup.controllers lacks memory)";
  }
  return std::nullopt;
}

std::string describe_memory_cgroup() {
  std::string why_not;
  const auto controller = find_memory_controller(&why_not, /*delegate=*/false);
  if (!controller) return "none: " + why_not;
  return fmt::format("{} {}", controller->version == CgroupVersion::v2 ? "v2" : "v1", controller->root);
}

StatFields parse_stat_fields(const std::string& text) {
  StatFields fields;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto parts = words(line);
    if (parts.size() != 2) continue;
    try {
      fields[parts[0]] = std::stoull(parts[1]);
    } catch (const std::exception&) {
    }
  }
  return fields;
}

StatFields read_stat_fields(const std::string& path) { return parse_stat_fields(read_text(path)); }

MemoryCgroup::MemoryCgroup(const MemoryController& controller, std::uint64_t limit_bytes, bool allow_swap)
    : version_(controller.version) {
  static std::once_flag stale_removed;
  std::call_once(stale_removed, [&] { remove_stale(controller); });
  static std::atomic<unsigned> serial{0};
  for (;;) {
    path_ = fmt::format("{}/{}{}.{}", controller.root, kNamePrefix, ::getpid(), serial++);
    if (::mkdir(path_.c_str(), 0755) == 0) break;
    if (errno != EEXIST) {
      const int saved = errno;
      path_.clear();
      throw Error(errno_message("mkdir " + fmt::format("{}/{}{}.*", controller.root, kNamePrefix, ::getpid()),
                                saved),
                  saved);
    }
  }
  try {
    const std::string limit = std::to_string(limit_bytes);
    if (version_ == CgroupVersion::v2) {
      write_value(file("memory.max"), limit);
      if (exists(file("memory.swap.max"))) {
        write_value(file("memory.swap.max"), allow_swap ? "max" : "0");
        swap_allowed_ = allow_swap;
      }
    } else {
      write_value(file("memory.limit_in_bytes"), limit);
      if (exists(file("memory.memsw.limit_in_bytes"))) {
        // memory + swap: the limit itself forbids swap; unlimited (the default) allows it.
        if (!allow_swap) write_value(file("memory.memsw.limit_in_bytes"), limit);
        swap_allowed_ = allow_swap;
      } else if (!allow_swap) {
        write_value(file("memory.swappiness"), "0");
      } else {
        swap_allowed_ = true;
      }
    }
  } catch (...) {
    ::rmdir(path_.c_str());
    throw;
  }
}

MemoryCgroup::~MemoryCgroup() {
  if (path_.empty()) return;
  using namespace std::chrono_literals;
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (::rmdir(path_.c_str()) != 0 && errno != ENOENT) {
    if (std::chrono::steady_clock::now() > give_up) {
      std::fprintf(stderr, "anonmap: could not remove cgroup %s: %s\n", path_.c_str(), std::strerror(errno));
      return;
    }
    if (version_ == CgroupVersion::v2 && exists(file("cgroup.kill"))) {
      try {
        write_value(file("cgroup.kill"), "1");
      } catch (const Error&) {
      }
    }
    for (const pid_t pid : processes()) ::kill(pid, SIGKILL);
    std::this_thread::sleep_for(10ms);
  }
}

void MemoryCgroup::add(pid_t pid) const { write_value(file("cgroup.procs"), std::to_string(pid)); }

std::vector<pid_t> MemoryCgroup::processes() const { return read_pids(file("cgroup.procs")); }

std::uint64_t MemoryCgroup::peak_bytes() const {
  return read_number(file(version_ == CgroupVersion::v2 ? "memory.peak" : "memory.max_usage_in_bytes"));
}

std::uint64_t MemoryCgroup::oom_kills() const {
  return field_or_zero(read_stat_fields(file(version_ == CgroupVersion::v2 ? "memory.events" : "memory.oom_control")),
                       "oom_kill");
}

std::uint64_t MemoryCgroup::limit_hits() const {
  if (version_ == CgroupVersion::v2) return field_or_zero(read_stat_fields(file("memory.events")), "max");
  // A charge is tried against memory + swap first where that is limited: its failures count too.
  return read_number(file("memory.failcnt")) + read_number(file("memory.memsw.failcnt"));
}

CgroupMemoryStat MemoryCgroup::memory_stat() const {
  const StatFields stat = read_stat_fields(file("memory.stat"));
  CgroupMemoryStat result;
  const bool v2 = version_ == CgroupVersion::v2;
  result.anon = field_or_zero(stat, v2 ? "anon" : "rss");
  result.file = field_or_zero(stat, v2 ? "file" : "cache");
  result.shmem = field_or_zero(stat, "shmem");
  result.dirty = field_or_zero(stat, v2 ? "file_dirty" : "dirty");
  result.writeback = field_or_zero(stat, v2 ? "file_writeback" : "writeback");
  result.swap = v2 ? read_number(file("memory.swap.current")) : field_or_zero(stat, "swap");
  return result;
}

std::uint64_t MemoryCgroup::swappiness() const {
  return read_number(version_ == CgroupVersion::v2 ? "/proc/sys/vm/swappiness" : file("memory.swappiness"));
}

int MemoryCgroup::remove_stale(const MemoryController& controller) {
  DIR* dir = ::opendir(controller.root.c_str());
  if (dir == nullptr) return 0;
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.rfind(kNamePrefix, 0) != 0) continue;
    const std::string rest = name.substr(std::char_traits<char>::length(kNamePrefix));
    const auto dot = rest.find('.');
    if (dot == std::string::npos || dot == 0) continue;
    pid_t owner = 0;
    try {
      owner = static_cast<pid_t>(std::stol(rest.substr(0, dot)));
    } catch (const std::exception&) {
      continue;
    }
    if (owner <= 0 || owner == ::getpid() || process_alive(owner)) continue;
    const std::string path = controller.root + "/" + name;
    if (read_pids(path + "/cgroup.procs").empty()) stale.push_back(path);
  }
  ::closedir(dir);
  int removed = 0;
  for (const std::string& path : stale) removed += ::rmdir(path.c_str()) == 0 ? 1 : 0;
  return removed;
}

}  // namespace anonmap::bench
