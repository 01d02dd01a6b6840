// The smallest function a JIT could emit, `uint32_t f(void) { return value; }`, as machine code for this
// architecture: what the exec workloads write through a writable view and call through an executable one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include "anonmap/error.hpp"
#include "anonmap/mapping.hpp"
#include "harness.hpp"

namespace anonmap::bench {

// x86-64: mov eax, imm32; ret. Tested here.
// aarch64: movz w0, #lo16; movk w0, #hi16, lsl #16; ret. Compiled in but NOT tested on this machine (x86-64).
#if defined(__x86_64__)
inline constexpr bool kHaveMachineCode = true;
inline constexpr std::size_t kReturnCodeBytes = 6;
inline void write_return_code(std::byte* at, std::uint32_t value) {
  const unsigned char code[kReturnCodeBytes] = {0xb8, static_cast<unsigned char>(value),
                                                static_cast<unsigned char>(value >> 8),
                                                static_cast<unsigned char>(value >> 16),
                                                static_cast<unsigned char>(value >> 24), 0xc3};
  std::memcpy(at, code, sizeof code);
}
#elif defined(__aarch64__)
inline constexpr bool kHaveMachineCode = true;
inline constexpr std::size_t kReturnCodeBytes = 12;
inline void write_return_code(std::byte* at, std::uint32_t value) {
  const std::uint32_t code[3] = {0x52800000u | ((value & 0xffffu) << 5),          // movz w0, #lo16
                                 0x72a00000u | (((value >> 16) & 0xffffu) << 5),  // movk w0, #hi16, lsl #16
                                 0xd65f03c0u};                                     // ret
  std::memcpy(at, code, sizeof code);
}
#else
inline constexpr bool kHaveMachineCode = false;
inline constexpr std::size_t kReturnCodeBytes = 0;
inline void write_return_code(std::byte*, std::uint32_t) {}
#endif

inline constexpr const char* kNoMachineCode = "exec: no machine code for this architecture";

// Calls the code at `code` (an executable view) after it was written through another view of the same
// pages at `written`. x86 keeps its instruction cache coherent with stores to any alias; aarch64 needs the
// data cache cleaned and the instruction cache invalidated for the executed range, which is what
// __builtin___clear_cache does (by physical line, so the executable view's addresses serve).
inline std::uint32_t call_code(const std::byte* code) {
  auto* begin = const_cast<char*>(reinterpret_cast<const char*>(code));
  __builtin___clear_cache(begin, begin + kReturnCodeBytes);
  // The store through the writable view must not be reordered past the call through the other alias.
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  using Function = std::uint32_t (*)();
  return reinterpret_cast<Function>(reinterpret_cast<std::uintptr_t>(code))();
}

// A value that differs per iteration, so a stale view would return the wrong one.
inline std::uint32_t code_value(std::uint64_t iteration) {
  return 0x5a000000u ^ static_cast<std::uint32_t>(iteration * 2654435761u);
}

// The error message of a benchmark whose executable view was refused: "exec denied: EPERM (mmap ...)".
// A noexec mount makes mmap(PROT_EXEC) fail with EPERM and mprotect(PROT_EXEC) with EACCES.
inline std::string exec_denied(int errno_value, const std::string& call) {
  return std::string("exec denied: ") + errno_name(errno_value) + " (" + call + ")";
}

}  // namespace anonmap::bench

namespace anonmap::bench {

// The timed part every exec workload shares: map the first page of `fd` PROT_READ|PROT_EXEC with `flags`
// (MAP_SHARED or MAP_PRIVATE), then call the code there once, its page fault included. Throws Error when
// the kernel refuses the executable mapping (a noexec mount, a memfd sealed against exec).
struct ExecCall {
  Mapping view;
  double map_seconds;
  double call_seconds;
  std::uint32_t returned;
};
inline ExecCall map_and_call(int fd, int flags) {
  const Stopwatch clock;
  Mapping view(fd, page_size(), PROT_READ | PROT_EXEC, flags);
  const double mapped_at = clock.seconds();
  const std::uint32_t returned = call_code(view.data());
  return {std::move(view), mapped_at, clock.seconds() - mapped_at, returned};
}

// The part of an iteration that exec/dual_view and exec/private share: a new one-page backing with the code
// (returning `value`) written through its RW view, then map_and_call with `flags`, timed as the iteration.
// Returns nothing after skipping the benchmark: no room, or "exec denied: EPERM (...)" when the kernel refuses
// the executable view.
struct ExecIteration {
  MappedBacking mapped;
  ExecCall call;
};
inline std::optional<ExecIteration> write_map_and_call(benchmark::State& state, std::uint32_t value, int flags) {
  auto mapped = new_mapped_backing(state, page_size(), 1);
  if (!mapped) return std::nullopt;
  write_return_code(mapped->view.data(), value);
  try {
    ExecCall call = map_and_call(mapped->backing.fd(), flags);
    state.SetIterationTime(call.map_seconds + call.call_seconds);
    return ExecIteration{std::move(*mapped), std::move(call)};
  } catch (const Error& error) {
    const char* how = flags == MAP_PRIVATE ? "MAP_PRIVATE" : "MAP_SHARED";
    state.SkipWithError(exec_denied(error.code(), std::string("mmap PROT_READ|PROT_EXEC, ") + how).c_str());
    return std::nullopt;
  }
}

// Sums of the ExecCall times over iterations, reported as exec_allowed, map_rx_us and first_call_us.
struct ExecTimes {
  double map_seconds = 0, call_seconds = 0;
  std::uint64_t iterations = 0;

  void add(const ExecCall& call) {
    map_seconds += call.map_seconds;
    call_seconds += call.call_seconds;
    ++iterations;
  }
  // exec_allowed stays 0 unless at least one call went through.
  void report(benchmark::State& state) const {
    state.counters["exec_allowed"] = iterations > 0 ? 1 : 0;
    if (iterations == 0) return;
    state.counters["map_rx_us"] = map_seconds * 1e6 / static_cast<double>(iterations);
    state.counters["first_call_us"] = call_seconds * 1e6 / static_cast<double>(iterations);
  }
};

}  // namespace anonmap::bench
