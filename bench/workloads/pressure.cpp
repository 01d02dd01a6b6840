// Memory pressure: does a memfd get OOM-killed where a disk file survives?
//
// A child process in a memory cgroup of limit L maps M = k x L bytes of a new backing and writes every page
// of it (dense) or every 16th (sparse). memfd and tmpfs pages can only go to swap; a disk file's dirty pages
// can be written back and dropped. So past the limit a memfd child should be OOM-killed without swap, where
// a disk-file child only slows down while its pages are written back. The result of each case is its
// outcome, as a label (completed, oom_killed, sigbus, timeout, killed) and as 0/1 counters, with the time the
// touch took (to its end, or to the child's death), the cgroup's peak memory, and the pages written back.
//
//   pressure/...       the cgroup may not swap, whatever swap the machine has
//   pressure_swap/...  a swap file of 2 x M is switched on for the case (and off after it), and the cgroup
//                      may swap: memfd's "it goes to swap", measured
//
// Needs root and a memory cgroup controller (v2, else v1); without them every case is skipped with why.
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "anonmap/error.hpp"
#include "anonmap/metrics.hpp"
#include "cgroup.hpp"
#include "harness.hpp"
#include "pressure.hpp"
#include "pressure_swap.hpp"
#include "touch.hpp"

namespace anonmap::bench {
namespace {

enum class Density { dense, sparse };
enum class Swap { none, file };

constexpr std::size_t kSparseStride = 16;  // pages
constexpr std::chrono::seconds kTimeLimit{60};
constexpr const char* kSwapDir = "/var/tmp";

std::optional<MemoryController> pressure_controller(benchmark::State& state) {
  if (::geteuid() != 0) {
    state.SkipWithError("pressure: not root");
    return std::nullopt;
  }
  std::string why_not;
  auto controller = find_memory_controller(&why_not);
  if (!controller) state.SkipWithError(("pressure: " + why_not).c_str());
  return controller;
}

// Constructs `made` in place; when that throws, skips with the reason and returns false.
template <class Made, class... Args>
bool make_or_skip(benchmark::State& state, std::optional<Made>& made, const char* what, Args&&... args) {
  try {
    made.emplace(std::forward<Args>(args)...);
    return true;
  } catch (const Error& error) {
    state.SkipWithError((std::string("pressure: ") + what + ": " + error.what()).c_str());
    return false;
  }
}

void publish(benchmark::State& state, const ChildTouch& child, const MemoryCgroup& cgroup,
             const SystemActivity& before, const SystemActivity& after, std::uint64_t limit, std::uint64_t bytes) {
  const auto MiB = [](double value) { return value / static_cast<double>(kMiB); };
  const auto is = [&](PressureOutcome outcome) { return child.outcome == outcome ? 1.0 : 0.0; };
  const double page = static_cast<double>(page_size());
  state.SetLabel(std::string(to_string(child.outcome)));
  state.counters["completed"] = is(PressureOutcome::completed);
  state.counters["oom_killed"] = is(PressureOutcome::oom_killed);
  state.counters["sigbus"] = is(PressureOutcome::sigbus);
  state.counters["timeout"] = is(PressureOutcome::timeout);
  state.counters["killed"] = is(PressureOutcome::killed);
  state.counters["seconds"] = child.seconds;
  state.counters["limit_MiB"] = MiB(static_cast<double>(limit));
  state.counters["mapping_MiB"] = MiB(static_cast<double>(bytes));
  state.counters["touched_MiB"] = MiB(static_cast<double>(child.touched_pages) * page);
  if (child.outcome == PressureOutcome::sigbus) state.counters["fault_offset_MiB"] = MiB(static_cast<double>(child.fault_offset));
  state.counters["peak_MiB"] = MiB(static_cast<double>(cgroup.peak_bytes()));
  state.counters["limit_hits"] = static_cast<double>(cgroup.limit_hits());
  state.counters["oom_kills"] = static_cast<double>(cgroup.oom_kills());
  // The cgroup's pages once the child is gone and before the backing is closed: what was left dirty, under
  // writeback, in swap.
  const CgroupMemoryStat end = cgroup.memory_stat();
  state.counters["end_file_MiB"] = MiB(static_cast<double>(end.file));
  state.counters["end_shmem_MiB"] = MiB(static_cast<double>(end.shmem));
  state.counters["end_dirty_MiB"] = MiB(static_cast<double>(end.dirty));
  state.counters["end_writeback_MiB"] = MiB(static_cast<double>(end.writeback));
  state.counters["end_swap_MiB"] = MiB(static_cast<double>(end.swap));
  // System-wide (the cgroup counts no writeback total): includes what anything else wrote meanwhile.
  state.counters["written_back_MiB"] = MiB(static_cast<double>(after.written_pages - before.written_pages) * page);
  state.counters["swapped_out_MiB"] =
      MiB(static_cast<double>(after.swapped_out_pages - before.swapped_out_pages) * page);
  state.counters["swap_MiB"] = MiB(static_cast<double>(after.swap_total));
  state.counters["cgroup_swap"] = cgroup.swap_allowed() ? 1.0 : 0.0;
  state.counters["swappiness"] = static_cast<double>(cgroup.swappiness());
  state.counters["cgroup_v2"] = cgroup.version() == CgroupVersion::v2 ? 1.0 : 0.0;
}

template <Density density, Swap swap>
void pressure(benchmark::State& state) {
  const std::uint64_t limit = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const std::uint64_t bytes = limit * static_cast<std::uint64_t>(state.range(1)) / 100;
  const std::size_t stride = density == Density::dense ? 1 : kSparseStride;
  for (auto _ : state) {
    const auto controller = pressure_controller(state);
    if (!controller) break;
    std::optional<ScopedSwapFile> swap_file;
    if constexpr (swap == Swap::file) {
      if (free_bytes(kSwapDir) < 2 * bytes + 1024 * kMiB) {
        state.SkipWithError("pressure: not enough room in /var/tmp for a swap file");
        break;
      }
      if (!make_or_skip(state, swap_file, "swap file", kSwapDir, std::max(2 * bytes, 64 * kMiB))) break;
    }
    std::optional<MemoryCgroup> cgroup;
    if (!make_or_skip(state, cgroup, "cgroup", *controller, limit, swap == Swap::file)) break;
    auto mapped = new_mapped_backing(state, bytes, pages_touched(bytes, stride, page_size()));
    if (!mapped) break;

    const SystemActivity before = system_activity();
    const ChildTouch child = touch_in_child(*cgroup, mapped->view, stride, page_size(), kTimeLimit);
    const SystemActivity after = system_activity();
    state.SetIterationTime(child.seconds);
    if (child.outcome == PressureOutcome::failed) {
      state.SkipWithError(("pressure: " + child.error).c_str());
      break;
    }
    publish(state, child, *cgroup, before, after, limit, bytes);
    // Closing the last fd frees the pages; a disk file's wait for the writeback still under way.
    const Stopwatch release;
    mapped.reset();
    state.counters["release_seconds"] = release.seconds();
  }
}

void pressure_args(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"limit_MiB", "k_pct"});
  for (const int k_pct : {50, 100, 200, 400}) bench->Args({64, k_pct});
  // Each case is one child, and heavy: --benchmark_repetitions repeats it.
  bench->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(pressure<Density::dense, Swap::none>)->Name("pressure/dense")->Apply(pressure_args);
BENCHMARK(pressure<Density::sparse, Swap::none>)->Name("pressure/sparse")->Apply(pressure_args);
BENCHMARK(pressure<Density::dense, Swap::file>)->Name("pressure_swap/dense")->Apply(pressure_args);
BENCHMARK(pressure<Density::sparse, Swap::file>)->Name("pressure_swap/sparse")->Apply(pressure_args);

}  // namespace anonmap::bench
