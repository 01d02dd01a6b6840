// Dense first touch: every page of a new backing, written or read once. The cost of populating a mapping
// page by page: the fault path, page allocation, and on a disk file the block reservation too.
#include "harness.hpp"
#include "touch.hpp"

namespace anonmap::bench {

template <Access access>
void dense_touch(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const std::uint64_t pages = bytes / page_size();
  TouchCounters counters;
  for (auto _ : state) {
    auto mapped = new_mapped_backing(state, bytes, pages);
    if (!mapped) break;
    const MemorySnapshot before = take_snapshot(mapped->backing.fd());
    const Stopwatch clock;
    const auto sigbus = run_catching_sigbus([&] {
      benchmark::DoNotOptimize(touch_pages<access>(mapped->view.data(), bytes, 1, page_size()));
    });
    const double seconds = clock.seconds();
    state.SetIterationTime(seconds);
    if (sigbus) {
      skip_with_sigbus(state, *sigbus, mapped->view);
      break;
    }
    counters.add(before, take_snapshot(mapped->backing.fd()), seconds, pages);
  }
  counters.publish(state, /*with_bandwidth=*/true);
}

void dense_touch_args(benchmark::internal::Benchmark* bench) {
  bench->ArgName("MiB")->RangeMultiplier(4)->Range(4, 1024);
  bench->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(dense_touch<Access::write>)->Name("dense_touch/write")->Apply(dense_touch_args);
BENCHMARK(dense_touch<Access::read>)->Name("dense_touch/read")->Apply(dense_touch_args);

}  // namespace anonmap::bench
