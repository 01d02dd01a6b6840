// Tiny Google Benchmark program used to produce test data for anonmap-compare.
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

static void BM_memcpy(benchmark::State& state) {
  std::vector<char> src(static_cast<size_t>(state.range(0)), 'x'), dst(src.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::DoNotOptimize(dst.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.counters["ns_per_page"] = benchmark::Counter(static_cast<double>(state.range(0)) / 4096.0,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["minflt_per_page"] = 0.25;
}
BENCHMARK(BM_memcpy)->Arg(4096)->Arg(65536);

static void BM_manual(benchmark::State& state) {
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(std::rand());
    auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count() + 1e-6);
  }
}
BENCHMARK(BM_manual)->UseManualTime()->Unit(benchmark::kMicrosecond);

static void BM_fails(benchmark::State& state) {
  state.SkipWithError("mmap failed: ENOMEM");
  for (auto _ : state) {}
}
BENCHMARK(BM_fails);

static void BM_threads(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(std::string(64, 'a'));
}
BENCHMARK(BM_threads)->Threads(2)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("anonmap_strategy", std::getenv("S") ? std::getenv("S") : "memfd");
  benchmark::AddCustomContext("fs_type", std::getenv("FS") ? std::getenv("FS") : "tmpfs");
  benchmark::AddCustomContext("virt", "none");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
