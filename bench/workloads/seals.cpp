// Seals: a memfd made with MFD_ALLOW_SEALING can be sealed against shrinking, growing, writing (now, or
// only through new writable mappings and write(2)) and exec-bit changes. The proposed wineserver change
// names them as one gain of memfd over a file; these benchmarks say what adding one costs (F_SEAL_WRITE
// must check for writable mappings and pinned pages, so it is timed on an empty and on a resident memfd),
// and record whether the kernel enforces each. The file strategies have none: a tmpfs file is created
// sealed against sealing (F_SEAL_SEAL), a disk filesystem does not implement F_ADD_SEALS.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <string>

#include "anonmap/error.hpp"
#include "harness.hpp"

// Debian 12's glibc headers have the first five; F_SEAL_EXEC is Linux 6.3.
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

namespace anonmap::bench {
namespace {

// Seals exist only on a memfd: on the file strategies, says so (with what F_ADD_SEALS answers on one of
// their files) and returns false.
bool memfd_only(benchmark::State& state) {
  if (Strategy::name() == "memfd") return true;
  std::string answer = "?";
  try {
    const Backing backing = strategy().create(strategy().size_granule());
    answer = ::fcntl(backing.fd(), F_ADD_SEALS, F_SEAL_SHRINK) == 0 ? "accepted" : errno_name(errno);
  } catch (const Error& error) {
    answer = error.what();
  }
  state.SkipWithError(fmt::format("seals: unsupported by the {} strategy (only memfd has seals; F_ADD_SEALS on "
                                  "its file: {})",
                                  Strategy::name(), answer)
                          .c_str());
  return false;
}

// A new sealable memfd of `bytes`, with this binary's exec flag; `resident` ones have every page allocated.
UniqueFd sealable_memfd(std::uint64_t bytes, bool resident) {
  UniqueFd fd(::memfd_create("anonmap-seals", strategy().memfd_flags() | MFD_ALLOW_SEALING));
  if (!fd) throw_errno("memfd_create(MFD_ALLOW_SEALING)");
  if (::ftruncate(fd.get(), static_cast<off_t>(bytes)) != 0) throw_errno("ftruncate");
  if (resident) {
    const int error = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes));
    if (error != 0) throw Error(errno_message("posix_fallocate", error), error);
  }
  return fd;
}

constexpr std::uint64_t kSealedSize = 64 * kMiB;

}  // namespace

// The cost of one F_ADD_SEALS of `seal` on a new 64 MiB memfd, untouched or with every page resident
// (range 0). Only the fcntl is timed.
template <int seal>
void seals_add(benchmark::State& state) {
  const bool resident = state.range(0) != 0;
  for (auto _ : state) {
    if (!memfd_only(state)) break;
    try {
      const UniqueFd fd = sealable_memfd(kSealedSize, resident);
      const Stopwatch clock;
      const int result = ::fcntl(fd.get(), F_ADD_SEALS, seal);
      state.SetIterationTime(clock.seconds());
      if (result != 0) {
        const int error = errno;
        state.SkipWithError((error == EINVAL ? fmt::format("F_ADD_SEALS {:#x}: unsupported by this kernel (EINVAL)", seal)
                                             : errno_message(fmt::format("F_ADD_SEALS {:#x}", seal), error))
                                .c_str());
        break;
      }
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
  state.counters["resident_MiB"] = resident ? to_MiB(kSealedSize) : 0;
}

// The setup (a new memfd, fallocate of 64 MiB) dwarfs the timed fcntl: fixed iteration counts keep the run
// short.
void seals_add_empty(benchmark::internal::Benchmark* bench) {
  bench->ArgName("resident")->Arg(0)->Iterations(1000)->UseManualTime()->Unit(benchmark::kMicrosecond);
}
void seals_add_resident(benchmark::internal::Benchmark* bench) {
  bench->ArgName("resident")->Arg(1)->Iterations(20)->UseManualTime()->Unit(benchmark::kMicrosecond);
}

BENCHMARK(seals_add<F_SEAL_SEAL>)->Name("seals/add/seal")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_SEAL>)->Name("seals/add/seal")->Apply(seals_add_resident);
BENCHMARK(seals_add<F_SEAL_SHRINK>)->Name("seals/add/shrink")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_SHRINK>)->Name("seals/add/shrink")->Apply(seals_add_resident);
BENCHMARK(seals_add<F_SEAL_GROW>)->Name("seals/add/grow")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_GROW>)->Name("seals/add/grow")->Apply(seals_add_resident);
BENCHMARK(seals_add<F_SEAL_WRITE>)->Name("seals/add/write")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_WRITE>)->Name("seals/add/write")->Apply(seals_add_resident);
BENCHMARK(seals_add<F_SEAL_FUTURE_WRITE>)->Name("seals/add/future_write")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_FUTURE_WRITE>)->Name("seals/add/future_write")->Apply(seals_add_resident);
// On a memfd with exec bits, the kernel adds F_SEAL_WRITE (and SHRINK, GROW, FUTURE_WRITE) with F_SEAL_EXEC:
// it costs what F_SEAL_WRITE costs.
BENCHMARK(seals_add<F_SEAL_EXEC>)->Name("seals/add/exec")->Apply(seals_add_empty);
BENCHMARK(seals_add<F_SEAL_EXEC>)->Name("seals/add/exec")->Apply(seals_add_resident);

namespace {

constexpr std::uint64_t kSmall = std::uint64_t{64} * 1024;

// The errno a call left, 0 when it succeeded.
int outcome(bool failed) { return failed ? errno : 0; }
int try_ftruncate(int fd, std::uint64_t size) { return outcome(::ftruncate(fd, static_cast<off_t>(size)) != 0); }
int try_pwrite(int fd, std::uint64_t offset) {
  const char byte = 1;
  return outcome(::pwrite(fd, &byte, 1, static_cast<off_t>(offset)) != 1);
}
int try_writable_mapping(int fd) {
  void* view = ::mmap(nullptr, kSmall, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) return errno;
  ::munmap(view, kSmall);
  return 0;
}
// A read-only shared view made writable later, as Wine's VirtualProtect would.
int try_mprotect_writable(int fd) {
  void* view = ::mmap(nullptr, kSmall, PROT_READ, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) return errno;
  const int result = outcome(::mprotect(view, kSmall, PROT_READ | PROT_WRITE) != 0);
  ::munmap(view, kSmall);
  return result;
}
// chmod that flips the exec bits (adds them to a MFD_NOEXEC_SEAL memfd, removes them from the others).
int try_toggle_exec_bits(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return errno;
  return outcome(::fchmod(fd, (info.st_mode & 07777) ^ 0111) != 0);
}
int add_seals(int fd, int seals) { return outcome(::fcntl(fd, F_ADD_SEALS, seals) != 0); }

// Each check becomes a counter, 1 when the kernel answered as the seal promises, 0 when not; the label
// lists the misses with what the kernel answered instead.
class Enforcement {
 public:
  explicit Enforcement(benchmark::State& state) : state_(state) {}
  void expect(const char* counter, int expected_errno, int got) {
    state_.counters[counter] = got == expected_errno ? 1 : 0;
    if (got != expected_errno) misses_ += fmt::format("{}{}: {} (expected {})", misses_.empty() ? "" : "; ", counter,
                                                      got ? errno_name(got) : "allowed",
                                                      expected_errno ? errno_name(expected_errno) : "allowed");
  }
  void finish() {
    state_.counters["all_enforced"] = misses_.empty() ? 1 : 0;
    state_.SetLabel(misses_.empty() ? "every seal enforced" : "not as documented: " + misses_);
  }

 private:
  benchmark::State& state_;
  std::string misses_;
};

UniqueFd sealed(int seals) {
  UniqueFd fd = sealable_memfd(kSmall, /*resident=*/false);
  if (::fcntl(fd.get(), F_ADD_SEALS, seals) != 0) throw_errno(fmt::format("F_ADD_SEALS {:#x}", seals));
  return fd;
}

}  // namespace

// Whether each seal is enforced, as memfd_create(2) and fcntl(2) document it: EPERM for what a seal forbids,
// EBUSY for F_SEAL_WRITE while a writable shared mapping exists, EACCES for mprotect(PROT_WRITE) of a
// read-only view of a write-sealed memfd; an unsealed memfd (the control) allows all of it. Counters, 1/0.
void seals_enforced(benchmark::State& state) {
  for (auto _ : state) {
    if (!memfd_only(state)) break;
    try {
      Enforcement check(state);
      {
        const UniqueFd fd = sealable_memfd(kSmall, false);
        const bool all_allowed = try_pwrite(fd.get(), 0) == 0 && try_writable_mapping(fd.get()) == 0 &&
                                 try_mprotect_writable(fd.get()) == 0 && try_ftruncate(fd.get(), 2 * kSmall) == 0 &&
                                 try_ftruncate(fd.get(), kSmall) == 0;
        check.expect("unsealed_all_allowed", 0, all_allowed ? 0 : EPERM);
      }
      {
        const UniqueFd fd = sealed(F_SEAL_SHRINK);
        check.expect("shrink_ftruncate_refused", EPERM, try_ftruncate(fd.get(), kSmall / 2));
        check.expect("shrink_grow_allowed", 0, try_ftruncate(fd.get(), 2 * kSmall));
      }
      {
        const UniqueFd fd = sealed(F_SEAL_GROW);
        check.expect("grow_ftruncate_refused", EPERM, try_ftruncate(fd.get(), 2 * kSmall));
        check.expect("grow_write_past_end_refused", EPERM, try_pwrite(fd.get(), kSmall));
        check.expect("grow_write_inside_allowed", 0, try_pwrite(fd.get(), 0));
      }
      {
        const UniqueFd fd = sealed(F_SEAL_WRITE);
        check.expect("write_write_refused", EPERM, try_pwrite(fd.get(), 0));
        check.expect("write_mmap_refused", EPERM, try_writable_mapping(fd.get()));
        check.expect("write_mprotect_refused", EACCES, try_mprotect_writable(fd.get()));
      }
      {
        const UniqueFd fd = sealable_memfd(kSmall, false);
        const Mapping view(fd.get(), kSmall, PROT_READ | PROT_WRITE, MAP_SHARED);
        check.expect("write_busy_while_mapped", EBUSY, add_seals(fd.get(), F_SEAL_WRITE));
      }
      {
        // F_SEAL_FUTURE_WRITE may be added while a writable view exists, and that view stays writable.
        const UniqueFd fd = sealable_memfd(kSmall, false);
        const Mapping view(fd.get(), kSmall, PROT_READ | PROT_WRITE, MAP_SHARED);
        check.expect("future_write_added_while_mapped", 0, add_seals(fd.get(), F_SEAL_FUTURE_WRITE));
        *reinterpret_cast<volatile char*>(view.data()) = 1;
        check.expect("future_write_write_refused", EPERM, try_pwrite(fd.get(), 0));
        check.expect("future_write_mmap_refused", EPERM, try_writable_mapping(fd.get()));
        check.expect("future_write_mprotect_refused", EACCES, try_mprotect_writable(fd.get()));
      }
      {
        const UniqueFd fd = sealable_memfd(kSmall, false);
        const int exec = add_seals(fd.get(), F_SEAL_EXEC);
        state.counters["exec_supported"] = exec == EINVAL ? 0 : 1;
        if (exec != EINVAL) {
          check.expect("exec_added", 0, exec);
          check.expect("exec_chmod_refused", EPERM, try_toggle_exec_bits(fd.get()));
          // Not a promise of F_SEAL_EXEC's, a fact of it: on a memfd with exec bits it write-seals too.
          state.counters["exec_implies_write"] = (::fcntl(fd.get(), F_GET_SEALS) & F_SEAL_WRITE) != 0 ? 1 : 0;
        }
      }
      {
        const UniqueFd fd = sealed(F_SEAL_SEAL);
        check.expect("seal_add_refused", EPERM, add_seals(fd.get(), F_SEAL_SHRINK));
      }
      check.finish();
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
}

BENCHMARK(seals_enforced)->Name("seals/enforced")->Iterations(1);

}  // namespace anonmap::bench
