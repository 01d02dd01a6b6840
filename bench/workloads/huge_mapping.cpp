// Huge sparse mappings: a backing of 16 GiB to 1 TiB, far past this machine's RAM, of which only a few
// hundred pages are ever touched. Windows programs reserve (and commit) address space like this, and Wine
// backs every such section with one of these files: what a giant mapping costs to size, touch, unmap and
// close, and how large each strategy lets it be, decides whether that is safe.
#include <sys/statvfs.h>

#include <fmt/format.h>

#include <optional>

#include "anonmap/error.hpp"
#include "huge_support.hpp"
#include "touch.hpp"

namespace anonmap::bench {
namespace {

// Touched pages per mapping, whatever its size: the stride grows with it. On a disk file every touch may
// allocate a whole 2 MiB folio, so 512 touches stay within 1 GiB of disk and page cache.
constexpr std::uint64_t kTouches = 512;

// The phases of one giant mapping's life, each on its own clock, summed over the iterations.
struct Phases {
  double sizing = 0, map = 0, touch = 0, munmap = 0, close = 0;
  double total() const { return sizing + map + touch + munmap + close; }
};

}  // namespace

// The whole life of a giant sparse mapping after its fd exists: size it (the backing is created at one
// page, so memfd_create or open+unlink are not in it), map it, write one byte to each of kTouches pages
// spread evenly over it, unmap it, close it. The iteration time is the sum of the five phases; each is
// also a counter.
void huge_mapping_sparse(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kGiB;
  const std::size_t stride = bytes / kTouches / page_size();
  const Sizing sizing = strategy().options().sizing;
  const std::uint64_t needed = sizing == Sizing::fallocate ? bytes : kTouches * population_granule();
  Phases phases;
  TouchCounters touch_counters;
  for (auto _ : state) {
    if (!check_room(state, needed, fmt::format("{} of {}", to_string(sizing), size_text(bytes)))) break;
    try {
      Backing backing = strategy().create(strategy().size_granule());
      const Stopwatch sizing_clock;
      apply_sizing(backing.fd(), bytes, sizing);
      const double sized = sizing_clock.seconds();
      const Stopwatch map_clock;
      Mapping view(backing.fd(), bytes, PROT_READ | PROT_WRITE, MAP_SHARED);
      const double mapped = map_clock.seconds();

      const MemorySnapshot before = take_snapshot(backing.fd());
      const Stopwatch touch_clock;
      const auto sigbus = run_catching_sigbus([&] {
        benchmark::DoNotOptimize(touch_pages<Access::write>(view.data(), bytes, stride, page_size()));
      });
      const double touched = touch_clock.seconds();
      if (sigbus) {
        skip_with_sigbus(state, *sigbus, view);
        break;
      }
      touch_counters.add(before, take_snapshot(backing.fd()), touched, kTouches);

      const Stopwatch munmap_clock;
      view.reset();
      const double unmapped = munmap_clock.seconds();
      const Stopwatch close_clock;
      backing.close();
      const double closed = close_clock.seconds();
      state.SetIterationTime(sized + mapped + touched + unmapped + closed);
      phases.sizing += sized, phases.map += mapped, phases.touch += touched;
      phases.munmap += unmapped, phases.close += closed;
    } catch (const Error& error) {
      state.SkipWithError(fmt::format("{} of {}: {}", to_string(sizing), size_text(bytes), error.what()).c_str());
      break;
    }
  }
  touch_counters.publish(state, /*with_bandwidth=*/false);  // pages, ns_per_page, faults, fs_KiB, ... of the touch
  const double iterations = static_cast<double>(state.iterations());
  if (iterations == 0) return;
  state.counters["GiB"] = static_cast<double>(bytes) / static_cast<double>(kGiB);
  state.counters["stride_MiB"] = to_MiB(stride * page_size());
  state.counters["accepted"] = 1;
  state.counters["sizing_ms"] = phases.sizing * 1e3 / iterations;
  state.counters["mmap_ms"] = phases.map * 1e3 / iterations;
  state.counters["touch_ms"] = phases.touch * 1e3 / iterations;
  state.counters["munmap_ms"] = phases.munmap * 1e3 / iterations;
  state.counters["close_ms"] = phases.close * 1e3 / iterations;
}

BENCHMARK(huge_mapping_sparse)
    ->Name("huge_mapping/sparse")
    ->ArgName("GiB")
    ->RangeMultiplier(4)
    ->Range(16, 1024)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

namespace {

// The largest power-of-two size, from 1 TiB up to 2^62 bytes, that `sizing` (ftruncate: no allocation)
// accepts on `fd`; 0 when not even 1 TiB is.
std::uint64_t largest_accepted_size(int fd) {
  std::uint64_t largest = 0;
  for (unsigned shift = 40; shift <= 62; ++shift) {
    if (::ftruncate(fd, static_cast<off_t>(std::uint64_t{1} << shift)) != 0) break;
    largest = std::uint64_t{1} << shift;
  }
  return largest;
}

// The size limit of the filesystem under `fd` (tmpfs size=, a disk's capacity); 0 when it has none
// (a memfd's internal mount).
std::uint64_t filesystem_size(int fd) {
  struct statvfs info {};
  if (::fstatvfs(fd, &info) != 0) return 0;
  return static_cast<std::uint64_t>(info.f_blocks) * info.f_frsize;
}

// Touching until the filesystem refuses only where that is harmless: a tiny target made to be filled.
constexpr std::uint64_t kLargestFillable = 4 * kGiB;

}  // namespace

// What each strategy allows: is a 1 TiB backing accepted (ftruncate, then a 1 TiB shared mapping of it),
// the largest size ftruncate accepts, the filesystem's own size limit, and, on a tiny target run with
// --allow-fill, how much of the 1 TiB can be touched before the kernel answers with SIGBUS. memfd has no
// size limit, so filling it would only end in the OOM killer: never tried. The iteration time is the
// ftruncate to 1 TiB plus the fill, when there is one.
void huge_mapping_limits(benchmark::State& state) {
  const std::uint64_t bytes = std::uint64_t{1} << 40;
  for (auto _ : state) {
    std::optional<Backing> backing;
    try {
      backing.emplace(strategy().create(strategy().size_granule()));
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
    const std::uint64_t limit = filesystem_size(backing->fd());
    state.counters["fs_limit_MiB"] = to_MiB(limit);
    state.counters["max_size_TiB"] = static_cast<double>(largest_accepted_size(backing->fd()) >> 40);

    const Stopwatch sizing_clock;
    const bool accepted = ::ftruncate(backing->fd(), static_cast<off_t>(bytes)) == 0;
    double seconds = sizing_clock.seconds();
    state.counters["accepted"] = accepted ? 1 : 0;
    if (!accepted) {
      state.SetLabel(errno_message("ftruncate to 1 TiB", errno));
      state.SetIterationTime(seconds);
      continue;
    }
    void* view = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, backing->fd(), 0);
    state.counters["mmap_accepted"] = view != MAP_FAILED ? 1 : 0;
    if (view == MAP_FAILED) {
      state.SetLabel(errno_message("mmap of 1 TiB", errno));
      state.SetIterationTime(seconds);
      continue;
    }
    if (Strategy::name() == "memfd") {
      state.SetLabel("touchable: not probed (memfd has no size limit: filling it would end in the OOM killer)");
    } else if (harness_options().space_guard || limit == 0 || limit > kLargestFillable) {
      state.SetLabel(fmt::format("touchable: not probed (needs --allow-fill and a target of at most {}; this one "
                                 "has {})",
                                 size_text(kLargestFillable), size_text(limit)));
    } else {
      // Dense from the start: every page until the filesystem cannot back one more.
      auto* base = static_cast<std::byte*>(view);
      const std::uint64_t room = limit + 256 * kMiB;  // past the limit: a SIGBUS must come before
      const Stopwatch fill_clock;
      const auto sigbus = run_catching_sigbus([&] {
        benchmark::DoNotOptimize(touch_pages<Access::write>(base, room, 1, page_size()));
      });
      seconds += fill_clock.seconds();
      const std::uint64_t touchable = sigbus ? *sigbus - reinterpret_cast<std::uintptr_t>(base) : room;
      state.counters["touchable_MiB"] = to_MiB(touchable);
      state.counters["fs_used_at_fault_MiB"] = to_MiB(allocated_bytes(backing->fd()));
      state.counters["sigbus"] = sigbus ? 1 : 0;
    }
    ::munmap(view, bytes);
    state.SetIterationTime(seconds);
  }
}

BENCHMARK(huge_mapping_limits)->Name("huge_mapping/limits")->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace anonmap::bench
