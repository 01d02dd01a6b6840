// What every workload shares: the strategy this binary was built with, a new mapped backing per iteration,
// the clock, and the counters recorded around the timed loop. Workloads stay as plain as the loop they time.
#pragma once

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "anonmap/mapping.hpp"
#include "anonmap/metrics.hpp"
#include "anonmap/sigbus.hpp"
#include "anonmap/strategy.hpp"

namespace anonmap::bench {

inline constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
// Bytes as MiB, for a counter.
inline double to_MiB(std::uint64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(kMiB); }

// The strategy configured from the command line, set once by main() before any benchmark runs.
const Strategy& strategy();
void install_strategy(std::unique_ptr<Strategy> configured);

// The harness's own options (not the strategy's), set once by main().
struct HarnessOptions {
  // Skip a benchmark that could leave its target with less than a tenth (at least 256 MiB) of its free
  // space. --allow-fill turns this off, for the out-of-space cases on a tiny filesystem made for them.
  bool space_guard = true;
};
HarnessOptions& harness_options();

std::size_t page_size();

// What a backing may take from its target without harm: MemAvailable for memfd, the filesystem's free
// space for a disk file, the smaller of the two for a tmpfs file.
std::uint64_t room_for_backing();
// How much one touched page may make the kernel allocate: a whole folio (up to the PMD size) on a disk
// filesystem with large folios, or on shmem with huge pages; one page otherwise.
std::uint64_t population_granule();
// The space guard: when `needed` bytes could eat into the target's margin (a tenth of its room, at least
// 256 MiB), skips the benchmark with "<what>: needs X, Y free and Z kept as margin" and returns false.
// --allow-fill turns it off.
bool check_room(benchmark::State& state, std::uint64_t needed, const std::string& what = "not enough room");
// How many benchmarks the space guard refused in new_mapped_backing (the workloads' own sizes did not fit
// the target), and the first one's reason: main() exits 2 with it at the end. The limit explorations of
// huge_mapping and huge_pages call check_room() directly and are not counted: they are meant to find edges.
struct SpaceGuardRefusals {
  int count = 0;
  std::string first;
};
SpaceGuardRefusals& space_guard_refusals();
// "16 GiB", "64 MiB".
std::string size_text(std::uint64_t bytes);

// Touches `bytes` of anonymous memory (capped at a quarter of MemAvailable) and frees it, so the pages the
// benchmarks get next are ones the hypervisor has already backed.
void warm_up_memory(std::uint64_t bytes);

struct MappedBacking {
  Backing backing;
  Mapping view;
};

// A new backing of `bytes`, mapped MAP_SHARED read-write: the untimed setup of a first-touch iteration.
// When it cannot be had (no space, EPERM, an unsupported flag), or when touching `touched_pages` of it could
// eat into the target's safety margin, calls state.SkipWithError(why) and returns nothing.
std::optional<MappedBacking> new_mapped_backing(benchmark::State& state, std::uint64_t bytes,
                                                std::uint64_t touched_pages);

// Real (wall-clock) time: the kernel may sleep on I/O or reclaim during a touch, and that is part of it.
class Stopwatch {
 public:
  Stopwatch() noexcept : start_(std::chrono::steady_clock::now()) {}
  double seconds() const noexcept {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// Turns a SIGBUS during a touch into the benchmark's reported result.
void skip_with_sigbus(benchmark::State& state, std::uintptr_t fault_address, const Mapping& view);

// Sums what each iteration measured around its timed loop and publishes it as per-page counters.
class TouchCounters {
 public:
  void add(const MemorySnapshot& before, const MemorySnapshot& after, double seconds, std::uint64_t pages);
  // `with_bandwidth` adds GiB_per_s (mapping bytes over time), meaningful for dense touches only.
  void publish(benchmark::State& state, bool with_bandwidth) const;

 private:
  std::uint64_t iterations_ = 0;
  std::uint64_t pages_ = 0;
  double seconds_ = 0;
  double minor_faults_ = 0, major_faults_ = 0;
  double file_allocated_ = 0, shmem_delta_ = 0, page_cache_delta_ = 0, rss_delta_ = 0;
  double pss_shmem_delta_ = 0;
};

}  // namespace anonmap::bench
