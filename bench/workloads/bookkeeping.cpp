// The harness's own bookkeeping, timed by itself: what each touch iteration does outside its clock. A
// snapshot (getrusage, fstat, /proc/meminfo, /proc/self/smaps_rollup) is taken before and after every timed
// loop, and the space guard (statvfs, /proc/meminfo) runs before every new backing. Shown here so that a
// reader can see what the touch workloads keep out of their clock; fidelity/write shows that they do.
#include "harness.hpp"

namespace anonmap::bench {

// One snapshot of the counters, on a fresh mapped backing of 64 MiB with its first 16 MiB touched (the
// smaps_rollup walk costs more when the mapping has pages).
void bookkeeping_snapshot(benchmark::State& state) {
  constexpr std::uint64_t bytes = 64 * kMiB;
  auto mapped = new_mapped_backing(state, bytes, bytes / page_size());
  if (!mapped) return;
  for (std::uint64_t offset = 0; offset < bytes / 4; offset += page_size()) mapped->view.data()[offset] = std::byte{1};
  for (auto _ : state) {
    const Stopwatch clock;
    benchmark::DoNotOptimize(take_snapshot(mapped->backing.fd()));
    state.SetIterationTime(clock.seconds());
  }
}

// The space guard's check before a new backing: the room left on the target and what one would take.
void bookkeeping_space_guard(benchmark::State& state) {
  for (auto _ : state) {
    const Stopwatch clock;
    benchmark::DoNotOptimize(room_for_backing());
    state.SetIterationTime(clock.seconds());
  }
}

BENCHMARK(bookkeeping_snapshot)->Name("bookkeeping/snapshot")->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(bookkeeping_space_guard)->Name("bookkeeping/space_guard")->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace anonmap::bench
