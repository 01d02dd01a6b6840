// The pressure workload's child: a forked process, moved into a memory cgroup before it touches anything,
// that writes one byte per page (or per `stride` pages) of a mapping it inherited from the harness. Pages it
// faults in, of a memfd, a tmpfs file or a disk file alike, are charged to its cgroup. What becomes of it
// (it completes, the cgroup's OOM killer kills it, it takes SIGBUS, it runs out of time) is the result; the
// harness never dies with it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "anonmap/mapping.hpp"
#include "cgroup.hpp"

namespace anonmap::bench {

enum class PressureOutcome {
  completed,   // every page touched
  oom_killed,  // SIGKILL, and the cgroup counted an OOM kill
  sigbus,      // a page could not be backed (a full filesystem)
  timeout,     // still touching at the time limit: killed by us
  killed,      // died of a signal otherwise (SIGKILL without an OOM kill in the cgroup: the global OOM killer)
  failed,      // could not be run at all (fork, cgroup.procs); `error` says why
};
std::string_view to_string(PressureOutcome outcome);

struct ChildTouch {
  PressureOutcome outcome = PressureOutcome::failed;
  double seconds = 0;               // from the first touch to the last one, or to the child's death
  std::uint64_t touched_pages = 0;  // pages written before the end
  std::uint64_t fault_offset = 0;   // sigbus: where, from the start of the mapping
  int signal = 0;                   // killed, oom_killed, timeout: the signal it died of
  std::string error;                // failed: why
};

// Forks a child, adds it to `cgroup`, then lets it write one byte every `stride_pages` pages of `view`.
// Waits at most `time_limit` before killing it. The child dies with the harness (PR_SET_PDEATHSIG).
ChildTouch touch_in_child(const MemoryCgroup& cgroup, const Mapping& view, std::size_t stride_pages,
                          std::size_t page, std::chrono::seconds time_limit);

// System-wide counters from /proc/vmstat and /proc/meminfo, read around a child's run.
struct SystemActivity {
  std::uint64_t written_pages = 0;     // vmstat nr_written: pages written back, by anyone
  std::uint64_t swapped_out_pages = 0; // vmstat pswpout
  std::uint64_t swap_total = 0;        // meminfo SwapTotal, bytes
};
SystemActivity system_activity();

}  // namespace anonmap::bench
