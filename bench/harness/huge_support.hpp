// What the huge-mapping and huge-page workloads share beyond harness.hpp: a mapping placed on a PMD
// boundary (a huge page can only be mapped by one page-table entry at a 2 MiB-aligned address).
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "harness.hpp"

namespace anonmap::bench {

inline constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
inline constexpr std::uint64_t kHuge = 2 * kMiB;  // the PMD size on x86-64 and arm64 with 4 KiB pages



// A MAP_SHARED read-write view of `fd` placed at a 2 MiB-aligned address; unmapped by the destructor.
class AlignedView {
 public:
  AlignedView(int fd, std::size_t length);  // throws anonmap::Error
  ~AlignedView() { reset(); }
  AlignedView(const AlignedView&) = delete;
  AlignedView& operator=(const AlignedView&) = delete;
  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return length_; }
  void reset() noexcept;

 private:
  std::byte* data_ = nullptr;
  std::size_t length_ = 0;
};

// What a huge-page benchmark records around sizing + touch: faults, the file's blocks, the system's huge
// page counters (/proc/meminfo) and this process's PMD-mapped memory (/proc/self/smaps_rollup).
struct HugeSnapshot {
  FaultCounts faults;
  std::uint64_t file_allocated = 0;
  KbFields meminfo;
  KbFields rollup;
};
HugeSnapshot take_huge_snapshot(int fd);

// Sums what each iteration measured and publishes it per 2 MiB of the mapping: ns_per_2MiB (sizing +
// touch), sizing_ns_per_2MiB, touch_ns_per_2MiB, minflt_per_2MiB, majflt_per_2MiB, fs_KiB_per_2MiB; per
// iteration, system-wide: AnonHugePages/ShmemHugePages/FileHugePages/Hugetlb _delta_KiB; per iteration, this
// process: pmd_mapped_KiB (ShmemPmdMapped + FilePmdMapped + Shared_Hugetlb + AnonHugePages of the mapping,
// read while it is mapped) and huge_fraction (pmd_mapped over the mapping's size: 1 = all huge pages).
class HugePageCounters {
 public:
  void add(const HugeSnapshot& before, const HugeSnapshot& after, double sizing_seconds, double touch_seconds,
           std::uint64_t bytes);
  void publish(benchmark::State& state) const;

 private:
  std::uint64_t iterations_ = 0, bytes_ = 0;
  double sizing_ = 0, touch_ = 0, minor_ = 0, major_ = 0, allocated_ = 0;
  double anon_huge_ = 0, shmem_huge_ = 0, file_huge_ = 0, hugetlb_ = 0, pmd_mapped_ = 0;
};

}  // namespace anonmap::bench
