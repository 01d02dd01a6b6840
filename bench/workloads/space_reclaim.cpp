// Space reclaim: when does a backing give its space back? After a dense write of every page of a new
// backing, the space it holds is read after the touch, after unmapping it, and after closing its fd; and,
// in the decommit variants, after punching the whole range out first (fallocate PUNCH_HOLE|KEEP_SIZE, or
// madvise MADV_REMOVE on the mapping, which does the same through the mapping) while it is still mapped.
// This answers the review's question, "are the blocks freed before the fd is closed?", on whatever
// filesystem it runs on: an unlinked file keeps its blocks as long as any fd or mapping holds it, so
// wineserver's file backings cost disk space until the last client lets go, unless they are decommitted.
// Held space, in KiB, from three sources:
//   held_after_{touch,decommit,unmap}_KiB  st_blocks of the fd: exact, this file only (needs the fd open)
//   fs_held_{touch,decommit,unmap,close}_KiB  free space (statvfs f_bavail) below the baseline taken before the
//       backing was made, after syncfs() of the directory (btrfs and ext4 account freed and delayed-allocated
//       blocks lazily; syncfs commits the transaction): the only witness after close; other writers to the
//       same filesystem add noise. tmpfs and disk only.
//   shmem_{touch,decommit,unmap,close}_KiB  /proc/meminfo Shmem above its baseline: system-wide, noisy; the
//       only witness after close for memfd. memfd and tmpfs only.
//   held_after_close_KiB  fs_held_close_KiB for tmpfs and disk, shmem_close_KiB for memfd.
//   fs_held_settled_KiB, settle_ms  free space polled after close until it is back (xfs frees the blocks of
//       an unlinked file in the background after the last close); settle_ms counts from close, -1: not
//       back within 10 s.
// Not a speed benchmark: one iteration; the time reported is the decommit, munmap and close together,
// and each is also a counter (decommit_us, unmap_us, close_us). Reading the space is outside the clock.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "anonmap/error.hpp"
#include "harness.hpp"
#include "touch.hpp"

namespace anonmap::bench {
namespace {

enum class Decommit { none, punch_hole, madv_remove };

// Where held space is read from, with its baselines.
class SpaceWitness {
 public:
  SpaceWitness() {
    if (Strategy::name() != "memfd") {
      directory_.reset(::open(strategy().options().dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!directory_) throw_errno("open " + strategy().options().dir);
    }
    baseline_free_ = free_now();
    baseline_shmem_ = shmem_now();
  }
  // Records fs_held_<step>_KiB and/or shmem_<step>_KiB; returns the one that survives close.
  double record(benchmark::State& state, const std::string& step) {
    double held = 0;
    if (directory_) {
      held = (static_cast<double>(baseline_free_) - static_cast<double>(free_now())) / 1024;
      state.counters["fs_held_" + step + "_KiB"] = held;
    }
    if (Strategy::name() != "disk") {
      const double shmem = (static_cast<double>(shmem_now()) - static_cast<double>(baseline_shmem_)) / 1024;
      state.counters["shmem_" + step + "_KiB"] = shmem;
      if (!directory_) held = shmem;
    }
    return held;
  }
  // After close: a filesystem may free the blocks of the last reference in the background (xfs's inode
  // garbage collection does). Polls free space until it is back within 1% of `bytes` of the baseline, for
  // up to 10 s; records fs_held_settled_KiB and settle_ms (how long that took after close; -1: never).
  void settle(benchmark::State& state, std::uint64_t bytes, const Stopwatch& since_close) {
    if (!directory_) return;
    double held = 0;
    const double tolerance = static_cast<double>(bytes) / 100;
    do {
      held = static_cast<double>(baseline_free_) - static_cast<double>(free_now());
      if (held <= tolerance) break;
      ::usleep(10000);
    } while (since_close.seconds() < 10);
    state.counters["fs_held_settled_KiB"] = held / 1024;
    state.counters["settle_ms"] = held <= tolerance ? since_close.seconds() * 1e3 : -1;
  }

 private:
  std::uint64_t free_now() const {
    if (!directory_) return 0;
    ::syncfs(directory_.get());
    return free_bytes(strategy().options().dir);
  }
  static std::uint64_t shmem_now() {
    if (Strategy::name() == "disk") return 0;
    return read_kb_fields("/proc/meminfo").at("Shmem");
  }

  UniqueFd directory_;
  std::uint64_t baseline_free_ = 0, baseline_shmem_ = 0;
};

double file_kib(int fd) { return static_cast<double>(allocated_bytes(fd)) / 1024; }

}  // namespace

template <Decommit decommit>
void space_reclaim(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const std::uint64_t pages = bytes / page_size();
  for (auto _ : state) {
    try {
      SpaceWitness witness;
      auto mapped = new_mapped_backing(state, bytes, pages);
      if (!mapped) break;
      const int fd = mapped->backing.fd();
      if (const auto sigbus = run_catching_sigbus([&] { touch_pages<Access::write>(mapped->view.data(), bytes, 1, page_size()); })) {
        skip_with_sigbus(state, *sigbus, mapped->view);
        break;
      }
      state.counters["held_after_touch_KiB"] = file_kib(fd);
      witness.record(state, "touch");

      const Stopwatch decommit_clock;
      int decommitted = 0;
      if constexpr (decommit == Decommit::punch_hole)
        decommitted = ::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes));
      if constexpr (decommit == Decommit::madv_remove) decommitted = ::madvise(mapped->view.data(), bytes, MADV_REMOVE);
      const double decommit_seconds = decommit_clock.seconds();
      if (decommitted != 0) {
        state.SkipWithError(errno_message(decommit == Decommit::punch_hole ? "fallocate PUNCH_HOLE" : "madvise MADV_REMOVE", errno).c_str());
        break;
      }
      if constexpr (decommit != Decommit::none) {
        state.counters["held_after_decommit_KiB"] = file_kib(fd);
        witness.record(state, "decommit");
      }

      const Stopwatch unmap_clock;
      mapped->view.reset();
      const double unmap_seconds = unmap_clock.seconds();
      state.counters["held_after_unmap_KiB"] = file_kib(fd);
      witness.record(state, "unmap");

      const Stopwatch close_clock;
      mapped->backing.close();
      const double close_seconds = close_clock.seconds();
      state.counters["held_after_close_KiB"] = witness.record(state, "close");
      witness.settle(state, bytes, close_clock);

      state.SetIterationTime(decommit_seconds + unmap_seconds + close_seconds);
      state.counters["decommit_us"] = decommit_seconds * 1e6;
      state.counters["unmap_us"] = unmap_seconds * 1e6;
      state.counters["close_us"] = close_seconds * 1e6;
      state.counters["touched_KiB"] = static_cast<double>(bytes) / 1024;
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
}

void space_reclaim_args(benchmark::internal::Benchmark* bench) {
  bench->ArgName("MiB")->Arg(64)->Arg(256)->Iterations(1);
  bench->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(space_reclaim<Decommit::none>)->Name("space/reclaim/plain")->Apply(space_reclaim_args);
BENCHMARK(space_reclaim<Decommit::punch_hole>)->Name("space/reclaim/punch_hole")->Apply(space_reclaim_args);
BENCHMARK(space_reclaim<Decommit::madv_remove>)->Name("space/reclaim/madv_remove")->Apply(space_reclaim_args);

}  // namespace anonmap::bench
