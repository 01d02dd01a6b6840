// Fidelity: does the harness add anything to what it measures? Each iteration times the same first touch
// twice, alternating which goes first: once the way the touch workloads do it (new_mapped_backing, the
// /proc snapshots around the clock, the SIGBUS guard, the Stopwatch) and once bare (the same strategy's
// create(), a raw mmap, clock_gettime around the store loop, munmap). Both run the one touch_pages loop
// (touch.hpp): where a fault's cost depends on the address of the faulting store, two copies of the loop
// would compare code placements, not the harness.
//
// harness_over_bare is the median, over pairs of consecutive iterations (one harness-first, one bare-first),
// of the pair's harness time over its bare time. Pairing cancels what going first or second does (the
// second touch gets the pages the first one just freed): a median of single-iteration ratios does not, as
// they then form two clusters and the median lands anywhere between them. 1.00 means the harness's numbers
// are the kernel's.
#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "anonmap/error.hpp"
#include "harness.hpp"
#include "touch.hpp"

namespace anonmap::bench {
namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// The harness's way, exactly as dense_touch and sparse_touch do it. Returns seconds, or a negative value
// after skipping the benchmark.
double harness_touch(benchmark::State& state, std::uint64_t bytes, std::size_t stride, std::uint64_t pages) {
  auto mapped = new_mapped_backing(state, bytes, pages);
  if (!mapped) return -1;
  const MemorySnapshot before = take_snapshot(mapped->backing.fd());
  const Stopwatch clock;
  const auto sigbus = run_catching_sigbus([&] {
    benchmark::DoNotOptimize(touch_pages<Access::write>(mapped->view.data(), bytes, stride, page_size()));
  });
  const double seconds = clock.seconds();
  if (sigbus) {
    skip_with_sigbus(state, *sigbus, mapped->view);
    return -1;
  }
  // The snapshots are taken, as the workloads take them, but not used here.
  benchmark::DoNotOptimize(before);
  benchmark::DoNotOptimize(take_snapshot(mapped->backing.fd()));
  return seconds;
}

// The bare way: nothing but the kernel work and clock_gettime.
ANONMAP_UNINSTRUMENTED double bare_touch(std::uint64_t bytes, std::size_t stride) {
  const Backing backing = strategy().create(bytes);
  void* view = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, backing.fd(), 0);
  if (view == MAP_FAILED) return -1;
  const std::size_t page = page_size();
  timespec start{}, end{};
  ::clock_gettime(CLOCK_MONOTONIC, &start);
  benchmark::DoNotOptimize(touch_pages<Access::write>(static_cast<std::byte*>(view), bytes, stride, page));
  ::clock_gettime(CLOCK_MONOTONIC, &end);
  ::munmap(view, bytes);
  return static_cast<double>(end.tv_sec - start.tv_sec) + static_cast<double>(end.tv_nsec - start.tv_nsec) * 1e-9;
}

void fidelity(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const auto stride = static_cast<std::size_t>(state.range(1));
  const std::uint64_t pages = pages_touched(bytes, stride, page_size());
  std::vector<double> harness_seconds, bare_seconds, pair_ratios;
  for (auto _ : state) {
    double harness = 0, bare = 0;
    try {
      if (harness_seconds.size() % 2 == 0) {
        harness = harness_touch(state, bytes, stride, pages);
        bare = harness < 0 ? -1 : bare_touch(bytes, stride);
      } else {
        bare = bare_touch(bytes, stride);
        harness = bare < 0 ? -1 : harness_touch(state, bytes, stride, pages);
      }
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
    if (harness < 0 || bare < 0) {
      if (!state.error_occurred()) state.SkipWithError("fidelity: mmap of the bare backing failed");
      break;
    }
    state.SetIterationTime(harness);
    harness_seconds.push_back(harness);
    bare_seconds.push_back(bare);
    if (const std::size_t n = harness_seconds.size(); n % 2 == 0)
      pair_ratios.push_back((harness_seconds[n - 2] + harness) / (bare_seconds[n - 2] + bare));
  }
  if (harness_seconds.empty()) return;
  // Google Benchmark's first, one-iteration probe of a benchmark has no pair: its single ratio stands in.
  if (pair_ratios.empty()) pair_ratios.push_back(harness_seconds[0] / bare_seconds[0]);
  state.counters["harness_ns_per_page"] = median(harness_seconds) * 1e9 / static_cast<double>(pages);
  state.counters["bare_ns_per_page"] = median(bare_seconds) * 1e9 / static_cast<double>(pages);
  state.counters["harness_over_bare"] = median(pair_ratios);
}

}  // namespace

BENCHMARK(fidelity)
    ->Name("fidelity/write")
    ->ArgNames({"MiB", "stride"})
    ->Args({64, 1})
    ->Args({64, 16})
    // Its own minimum, whatever the runner's --min-time: enough pairs for a stable median ratio in every round
    // (here about 12 dense and 260 sparse on shmem, 20 of each on ext4), few enough that the quick matrix stays
    // under two minutes.
    ->MinTime(0.5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace anonmap::bench
