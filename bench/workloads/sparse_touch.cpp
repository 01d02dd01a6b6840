// Sparse first touch: a big mapping of a new backing, one page in every `stride` touched. This is how
// Windows programs use their large reservations, and where a disk file's block allocation shows.
#include "harness.hpp"
#include "touch.hpp"

namespace anonmap::bench {

template <Access access>
void sparse_touch(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const auto stride = static_cast<std::size_t>(state.range(1));
  const std::uint64_t pages = pages_touched(bytes, stride, page_size());
  TouchCounters counters;
  for (auto _ : state) {
    auto mapped = new_mapped_backing(state, bytes, pages);
    if (!mapped) break;
    const MemorySnapshot before = take_snapshot(mapped->backing.fd());
    const Stopwatch clock;
    const auto sigbus = run_catching_sigbus([&] {
      benchmark::DoNotOptimize(touch_pages<access>(mapped->view.data(), bytes, stride, page_size()));
    });
    const double seconds = clock.seconds();
    state.SetIterationTime(seconds);
    if (sigbus) {
      skip_with_sigbus(state, *sigbus, mapped->view);
      break;
    }
    counters.add(before, take_snapshot(mapped->backing.fd()), seconds, pages);
  }
  counters.publish(state, /*with_bandwidth=*/false);
}

void sparse_touch_args(benchmark::internal::Benchmark* bench) {
  bench->ArgNames({"MiB", "stride"})->ArgsProduct({{64, 1024, 16384}, {16, 64, 512}});
  bench->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(sparse_touch<Access::write>)->Name("sparse_touch/write")->Apply(sparse_touch_args);
BENCHMARK(sparse_touch<Access::read>)->Name("sparse_touch/read")->Apply(sparse_touch_args);

}  // namespace anonmap::bench
