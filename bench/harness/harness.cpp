#include "harness.hpp"

#include <unistd.h>

#include <string>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/system_facts.hpp"

namespace anonmap::bench {
namespace {

std::unique_ptr<Strategy>& configured_strategy() {
  static std::unique_ptr<Strategy> instance;
  return instance;
}

}  // namespace

// What the backing may take from its filesystem (and, for memory filesystems, from RAM) without harm.
std::uint64_t room_for_backing() {
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  const std::uint64_t memory = meminfo.count("MemAvailable") ? meminfo.at("MemAvailable") : 0;
  if (Strategy::name() == "memfd") return memory;
  const std::uint64_t filesystem = free_bytes(strategy().options().dir);
  return Strategy::name() == "tmpfs" ? std::min(filesystem, memory) : filesystem;
}

// How much one touched page may make the kernel allocate. A disk filesystem with large folios (ext4 and
// xfs on recent kernels) fills and allocates a whole folio, up to the PMD size, around one touched page: a
// sparse touch of a disk file can allocate the whole file. Shmem does so only with huge pages enabled.
std::uint64_t population_granule() {
  static const std::uint64_t granule = [] {
    const std::uint64_t pmd = std::stoull(read_first_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "2097152"));
    if (Strategy::name() == "disk") return pmd;
    const std::string shmem = selected_choice(read_first_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled", ""));
    if (shmem == "force") return pmd;
    if (Strategy::name() == "memfd") return (shmem == "always" || shmem == "within_size") ? pmd : page_size();
    const std::string options = probe_filesystem(strategy().options().dir).super_options;
    const bool huge_mount = has_mount_option(options, "huge=always") || has_mount_option(options, "huge=within_size");
    return huge_mount ? pmd : page_size();
  }();
  return granule;
}

std::string size_text(std::uint64_t bytes) {
  return bytes >= 1024 * kMiB && bytes % (1024 * kMiB) == 0 ? fmt::format("{} GiB", bytes / (1024 * kMiB))
                                                             : fmt::format("{} MiB", bytes / kMiB);
}

// Never fill the target: keep a tenth of what is free, and at least 256 MiB, out of reach.
bool check_room(benchmark::State& state, std::uint64_t needed, const std::string& what) {
  if (!harness_options().space_guard) return true;
  const std::uint64_t room = room_for_backing();
  const std::uint64_t margin = std::max<std::uint64_t>(room / 10, 256 * kMiB);
  if (needed + margin <= room) return true;
  state.SkipWithError(fmt::format("{}: needs {}, {} free and {} kept as margin", what, size_text(needed),
                                  size_text(room), size_text(margin))
                          .c_str());
  return false;
}


const Strategy& strategy() { return *configured_strategy(); }

SpaceGuardRefusals& space_guard_refusals() {
  static SpaceGuardRefusals refusals;
  return refusals;
}

HarnessOptions& harness_options() {
  static HarnessOptions options;
  return options;
}
void install_strategy(std::unique_ptr<Strategy> configured) { configured_strategy() = std::move(configured); }

std::size_t page_size() {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

void warm_up_memory(std::uint64_t bytes) {
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  const std::uint64_t available = meminfo.count("MemAvailable") ? meminfo.at("MemAvailable") : 0;
  bytes = std::min(bytes, available / 4) / page_size() * page_size();
  if (bytes == 0) return;
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory != MAP_FAILED) ::munmap(memory, bytes);
}

std::optional<MappedBacking> new_mapped_backing(benchmark::State& state, std::uint64_t bytes,
                                                std::uint64_t touched_pages) {
  // fallocate allocates everything up front; the other methods allocate what is touched, folio by folio.
  const std::uint64_t needed = strategy().options().sizing == Sizing::fallocate
                                   ? bytes
                                   : std::min(bytes, touched_pages * population_granule());
  if (!check_room(state, needed)) {
    SpaceGuardRefusals& refusals = space_guard_refusals();
    if (refusals.count++ == 0)
      refusals.first = fmt::format("a backing of {} needs {} in {}", size_text(bytes), size_text(needed),
                                   strategy().options().dir.empty() ? "memory" : strategy().options().dir);
    return std::nullopt;
  }
  try {
    Backing backing = strategy().create(bytes);
    Mapping view(backing.fd(), bytes, PROT_READ | PROT_WRITE, MAP_SHARED);
    return MappedBacking{std::move(backing), std::move(view)};
  } catch (const Error& error) {
    state.SkipWithError(error.what());
    return std::nullopt;
  }
}

void skip_with_sigbus(benchmark::State& state, std::uintptr_t fault_address, const Mapping& view) {
  const auto start = reinterpret_cast<std::uintptr_t>(view.data());
  const std::uintptr_t offset = fault_address >= start ? fault_address - start : 0;
  state.SkipWithError(fmt::format("SIGBUS: filesystem full after {0} MiB (at offset {0} MiB of {1} MiB: the "
                                  "filesystem could not back the page; full, or no huge pages)",
                                  offset / kMiB, view.size() / kMiB)
                          .c_str());
}

void TouchCounters::add(const MemorySnapshot& before, const MemorySnapshot& after, double seconds,
                        std::uint64_t pages) {
  const auto delta = [](std::uint64_t later, std::uint64_t earlier) {
    return static_cast<double>(later) - static_cast<double>(earlier);
  };
  ++iterations_;
  pages_ += pages;
  seconds_ += seconds;
  minor_faults_ += static_cast<double>(after.faults.minor - before.faults.minor);
  major_faults_ += static_cast<double>(after.faults.major - before.faults.major);
  file_allocated_ += static_cast<double>(after.file_allocated);
  shmem_delta_ += delta(after.shmem, before.shmem);
  page_cache_delta_ += delta(after.page_cache, before.page_cache);
  rss_delta_ += delta(after.rss, before.rss);
  pss_shmem_delta_ += delta(after.pss_shmem, before.pss_shmem);
}

void TouchCounters::publish(benchmark::State& state, bool with_bandwidth) const {
  if (iterations_ == 0) return;
  const double pages = static_cast<double>(pages_);
  const double per_iteration = static_cast<double>(iterations_);
  state.counters["pages"] = pages / per_iteration;
  state.counters["ns_per_page"] = seconds_ * 1e9 / pages;
  state.counters["minflt_per_page"] = minor_faults_ / pages;
  state.counters["majflt_per_page"] = major_faults_ / pages;
  state.counters["fs_KiB"] = file_allocated_ / 1024 / per_iteration;
  state.counters["shmem_delta_KiB"] = shmem_delta_ / 1024 / per_iteration;
  state.counters["cache_delta_KiB"] = page_cache_delta_ / 1024 / per_iteration;
  state.counters["rss_delta_KiB"] = rss_delta_ / 1024 / per_iteration;
  state.counters["pss_shmem_delta_KiB"] = pss_shmem_delta_ / 1024 / per_iteration;
  if (with_bandwidth) {
    const double bytes = pages * static_cast<double>(page_size());
    state.counters["GiB_per_s"] = bytes / double(1 << 30) / seconds_;
  }
}

}  // namespace anonmap::bench
