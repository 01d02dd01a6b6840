// Huge pages: populate a new backing through a 2 MiB-aligned mapping, every 4 KiB page written once, as
// base pages (MADV_NOHUGEPAGE), as the kernel chooses by default, with MADV_HUGEPAGE (shmem THP, which
// `shmem_enabled` or a tmpfs `huge=` mount allows or not; large folios on a disk file), and from reserved
// hugetlb pages (memfd only: MFD_HUGETLB, sized with posix_fallocate as hugetlbfs requires). Wine maps
// large-page sections and big reservations this way; the counters show which strategy really got huge
// pages (huge_fraction, the *HugePages deltas) and what that saves per 2 MiB (time, faults).
#include <sys/mman.h>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/system_facts.hpp"
#include "huge_support.hpp"
#include "touch.hpp"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)  // MFD_HUGE_SHIFT 26: log2 of the huge page size
#endif

namespace anonmap::bench {
namespace {

// What the run depends on, as the benchmark's label: the shmem THP setting, a tmpfs mount's huge= option.
std::string huge_page_setting() {
  std::string shmem =  // not const: it is returned, and moved
      "shmem_enabled=" + selected_choice(read_first_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled", ""));
  if (Strategy::name() == "memfd") return shmem;
  if (Strategy::name() == "disk") return "large folios of " + probe_filesystem(strategy().options().dir).fs_type;
  std::string huge = "huge=never";
  for (const char* option : {"huge=always", "huge=within_size", "huge=advise"})
    if (has_mount_option(probe_filesystem(strategy().options().dir).super_options, option)) huge = option;
  return shmem + " " + huge;
}

// The timed part every variant shares: size the backing, map it on a PMD boundary, advise, write every page.
// Sizing and touch are timed separately; the iteration time is their sum (hugetlb pays at fallocate what
// the others pay at the touch).
template <class Size>
bool populate(benchmark::State& state, int fd, std::uint64_t bytes, int advice, Size&& size,
              HugePageCounters& counters) {
  const HugeSnapshot before = take_huge_snapshot(fd);
  const Stopwatch sizing_clock;
  size();
  const double sized = sizing_clock.seconds();
  AlignedView view(fd, bytes);
  if (advice != MADV_NORMAL && ::madvise(view.data(), bytes, advice) != 0) throw_errno("madvise");
  const Stopwatch touch_clock;
  const auto sigbus = run_catching_sigbus([&] {
    benchmark::DoNotOptimize(touch_pages<Access::write>(view.data(), bytes, 1, page_size()));
  });
  const double touched = touch_clock.seconds();
  if (sigbus) {
    state.SkipWithError(fmt::format("SIGBUS at offset {} MiB of {} MiB: no page to back it",
                                    (*sigbus - reinterpret_cast<std::uintptr_t>(view.data())) / kMiB, bytes / kMiB)
                            .c_str());
    return false;
  }
  state.SetIterationTime(sized + touched);
  counters.add(before, take_huge_snapshot(fd), sized, touched, bytes);  // read while still mapped
  return true;
}

}  // namespace

// The strategy's own backing, with `advice` on the mapping.
template <int advice>
void huge_pages(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  state.SetLabel(huge_page_setting());
  HugePageCounters counters;
  for (auto _ : state) {
    if (!check_room(state, bytes, fmt::format("populating {}", size_text(bytes)))) break;
    try {
      Backing backing = strategy().create(strategy().size_granule());
      const auto size = [&] { apply_sizing(backing.fd(), bytes, strategy().options().sizing); };
      if (!populate(state, backing.fd(), bytes, advice, size, counters)) break;
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
  counters.publish(state);
}

// A memfd of reserved 2 MiB hugetlb pages, whatever the binary's options: the baseline the others are
// compared with, in the same run.
void huge_pages_hugetlb(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  state.SetLabel("MFD_HUGETLB|MFD_HUGE_2MB, posix_fallocate");
  HugePageCounters counters;
  for (auto _ : state) {
    if (Strategy::name() != "memfd") {
      state.SkipWithError(fmt::format("hugetlb: unsupported by the {} strategy (only memfd has MFD_HUGETLB)",
                                      Strategy::name())
                              .c_str());
      break;
    }
    const SystemFacts system = probe_system();
    if (system.hugepages_total == 0) {
      state.SkipWithError("hugetlb: no hugepages reserved (vm.nr_hugepages is 0)");
      break;
    }
    if (system.hugepage_size != kHuge || system.hugepages_free * kHuge < bytes) {
      state.SkipWithError(fmt::format("hugetlb: needs {} huge pages of 2 MiB, {} free of {} KiB",
                                      bytes / kHuge, system.hugepages_free, system.hugepage_size / 1024)
                              .c_str());
      break;
    }
    try {
      const UniqueFd fd(::memfd_create("anonmap-hugetlb", MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB));
      if (!fd) throw_errno("memfd_create(MFD_HUGETLB|MFD_HUGE_2MB)");
      const auto size = [&] { apply_sizing(fd.get(), bytes, Sizing::fallocate); };
      if (!populate(state, fd.get(), bytes, MADV_NORMAL, size, counters)) break;
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
  counters.publish(state);
}

void huge_pages_args(benchmark::internal::Benchmark* bench) {
  bench->ArgName("MiB")->Arg(64)->Arg(256)->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(huge_pages<MADV_NOHUGEPAGE>)->Name("huge_pages/nohugepage")->Apply(huge_pages_args);
BENCHMARK(huge_pages<MADV_NORMAL>)->Name("huge_pages/default")->Apply(huge_pages_args);
BENCHMARK(huge_pages<MADV_HUGEPAGE>)->Name("huge_pages/madv_hugepage")->Apply(huge_pages_args);
BENCHMARK(huge_pages_hugetlb)->Name("huge_pages/hugetlb")->Apply(huge_pages_args);

}  // namespace anonmap::bench
