// Memory cgroups for the pressure workload: a cgroup of our own with a memory limit, a child process put in
// it, and what the kernel counted there (peak, OOM kills, dirty and writeback pages, swap).
//
// cgroup v2 is used where its hierarchy has the memory controller, else v1's memory hierarchy. Every cgroup
// made here is named anonmap-pressure.<pid>.<n> directly under the hierarchy's root, and removed by the
// destructor, also when the child died or is still running (it is killed first). Leftovers of a killed
// harness (their <pid> is dead and they hold no task) are removed by the next run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace anonmap::bench {

enum class CgroupVersion { v1, v2 };

struct MemoryController {
  CgroupVersion version = CgroupVersion::v1;
  std::string root;  // where the hierarchy with the memory controller is mounted
};

// The memory controller to use: v2's when the v2 root has it, else v1's. Without one, nullopt and
// `why_not` says what is missing. With `delegate`, v2's controller is also enabled for the root's children
// (cgroup.subtree_control +memory) when it is not yet; v2 is used only if that works.
std::optional<MemoryController> find_memory_controller(std::string* why_not = nullptr, bool delegate = true);

// One line for the JSON context, without changing anything: "v1 /sys/fs/cgroup/memory", "v2 /sys/fs/cgroup",
// or "none: <why>".
std::string describe_memory_cgroup();

// "key value" lines (memory.stat, memory.events, memory.oom_control, /proc/vmstat) as key -> value.
using StatFields = std::map<std::string, std::uint64_t>;
StatFields parse_stat_fields(const std::string& text);
StatFields read_stat_fields(const std::string& path);  // throws Error when it cannot be read

// What memory.stat says about the cgroup's pages now, in bytes, with the names of both versions mapped to one.
struct CgroupMemoryStat {
  std::uint64_t anon = 0;       // v1 rss, v2 anon
  std::uint64_t file = 0;       // page cache, including shmem (v1 cache, v2 file)
  std::uint64_t shmem = 0;
  std::uint64_t dirty = 0;      // v1 dirty, v2 file_dirty
  std::uint64_t writeback = 0;  // v1 writeback, v2 file_writeback
  std::uint64_t swap = 0;       // v1 swap, v2 memory.swap.current
};

class MemoryCgroup {
 public:
  // Makes <root>/anonmap-pressure.<pid>.<n> with the memory limit `limit_bytes`. With `allow_swap` false
  // the cgroup may not swap at all (v1 memory.memsw.limit_in_bytes = limit, v2 memory.swap.max = 0; where
  // swap accounting is off, v1 memory.swappiness = 0), whatever swap the machine has. Throws Error.
  MemoryCgroup(const MemoryController& controller, std::uint64_t limit_bytes, bool allow_swap);
  // Kills whatever is still inside, waits until it is gone, removes the directory.
  ~MemoryCgroup();
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;

  const std::string& path() const noexcept { return path_; }
  CgroupVersion version() const noexcept { return version_; }
  // Whether the cgroup may swap (false when swap was asked for but could not be limited or allowed).
  bool swap_allowed() const noexcept { return swap_allowed_; }

  // Moves `pid` into the cgroup (cgroup.procs). Throws Error.
  void add(pid_t pid) const;
  std::vector<pid_t> processes() const;

  std::uint64_t peak_bytes() const;   // v1 memory.max_usage_in_bytes, v2 memory.peak (0 when absent)
  std::uint64_t oom_kills() const;    // v1 memory.oom_control oom_kill, v2 memory.events oom_kill
  std::uint64_t limit_hits() const;   // v1 memory.failcnt + memory.memsw.failcnt, v2 memory.events max
  CgroupMemoryStat memory_stat() const;
  // v1: the cgroup's memory.swappiness; v2 has none per cgroup: /proc/sys/vm/swappiness.
  std::uint64_t swappiness() const;

  // Removes cgroups named anonmap-pressure.<pid>.* whose <pid> is dead and which hold no task. Returns how
  // many were removed. Called by the constructor once per process.
  static int remove_stale(const MemoryController& controller);

 private:
  std::string file(const char* name) const { return path_ + "/" + name; }

  std::string path_;
  CgroupVersion version_;
  bool swap_allowed_ = false;
};

}  // namespace anonmap::bench
