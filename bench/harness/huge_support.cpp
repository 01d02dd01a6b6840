#include "huge_support.hpp"

#include <sys/mman.h>

#include <algorithm>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/metrics.hpp"
#include "anonmap/system_facts.hpp"

namespace anonmap::bench {

AlignedView::AlignedView(int fd, std::size_t length) {
  // Reserve length + 2 MiB of address space, then map the file over its first aligned part.
  void* reserved = ::mmap(nullptr, length + kHuge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) throw_errno("mmap (address reservation)");
  const auto start = reinterpret_cast<std::uintptr_t>(reserved);
  const std::uintptr_t aligned = (start + kHuge - 1) & ~(std::uintptr_t{kHuge} - 1);
  void* view = ::mmap(reinterpret_cast<void*>(aligned), length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
  if (view == MAP_FAILED) {
    const int error = errno;
    ::munmap(reserved, length + kHuge);
    throw Error(errno_message("mmap", error), error);
  }
  // Give back the reservation around the view.
  if (aligned > start) ::munmap(reserved, aligned - start);
  const std::uintptr_t end = aligned + length, reserved_end = start + length + kHuge;
  if (reserved_end > end) ::munmap(reinterpret_cast<void*>(end), reserved_end - end);
  data_ = static_cast<std::byte*>(view);
  length_ = length;
}

void AlignedView::reset() noexcept {
  if (data_ != nullptr) ::munmap(data_, length_);
  data_ = nullptr;
  length_ = 0;
}

namespace {

double field(const KbFields& fields, const char* key) {
  const auto found = fields.find(key);
  return found == fields.end() ? 0.0 : static_cast<double>(found->second);
}

double delta(const HugeSnapshot& before, const HugeSnapshot& after, const char* key, bool rollup = false) {
  return rollup ? field(after.rollup, key) - field(before.rollup, key)
                : field(after.meminfo, key) - field(before.meminfo, key);
}

}  // namespace

HugeSnapshot take_huge_snapshot(int fd) {
  HugeSnapshot snapshot;
  snapshot.faults = thread_faults();
  snapshot.file_allocated = allocated_bytes(fd);
  snapshot.meminfo = read_kb_fields("/proc/meminfo");
  snapshot.rollup = read_kb_fields("/proc/self/smaps_rollup");
  return snapshot;
}

void HugePageCounters::add(const HugeSnapshot& before, const HugeSnapshot& after, double sizing_seconds,
                           double touch_seconds, std::uint64_t bytes) {
  ++iterations_;
  bytes_ += bytes;
  sizing_ += sizing_seconds;
  touch_ += touch_seconds;
  minor_ += static_cast<double>(after.faults.minor - before.faults.minor);
  major_ += static_cast<double>(after.faults.major - before.faults.major);
  allocated_ += static_cast<double>(after.file_allocated);
  anon_huge_ += delta(before, after, "AnonHugePages");
  shmem_huge_ += delta(before, after, "ShmemHugePages");
  file_huge_ += delta(before, after, "FileHugePages");
  // HugePages_Free is a count of pages, Hugepagesize their size.
  hugetlb_ += -delta(before, after, "HugePages_Free") * field(after.meminfo, "Hugepagesize");
  for (const char* key : {"AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb"})
    pmd_mapped_ += delta(before, after, key, /*rollup=*/true);
}

void HugePageCounters::publish(benchmark::State& state) const {
  if (iterations_ == 0) return;
  const double units = static_cast<double>(bytes_) / static_cast<double>(kHuge);  // 2 MiB units, all iterations
  const double iterations = static_cast<double>(iterations_);
  state.counters["MiB"] = to_MiB(bytes_ / iterations_);
  state.counters["ns_per_2MiB"] = (sizing_ + touch_) * 1e9 / units;
  state.counters["sizing_ns_per_2MiB"] = sizing_ * 1e9 / units;
  state.counters["touch_ns_per_2MiB"] = touch_ * 1e9 / units;
  state.counters["minflt_per_2MiB"] = minor_ / units;
  state.counters["majflt_per_2MiB"] = major_ / units;
  state.counters["fs_KiB_per_2MiB"] = allocated_ / 1024 / units;
  state.counters["AnonHugePages_delta_KiB"] = anon_huge_ / 1024 / iterations;
  state.counters["ShmemHugePages_delta_KiB"] = shmem_huge_ / 1024 / iterations;
  state.counters["FileHugePages_delta_KiB"] = file_huge_ / 1024 / iterations;
  state.counters["Hugetlb_delta_KiB"] = hugetlb_ / 1024 / iterations;
  state.counters["pmd_mapped_KiB"] = pmd_mapped_ / 1024 / iterations;
  state.counters["huge_fraction"] = pmd_mapped_ / static_cast<double>(bytes_);
}

}  // namespace anonmap::bench
