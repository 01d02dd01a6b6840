// W^X by mprotect: one MAP_SHARED view of a backing toggled RW -> RX -> RW, a function written while it is
// writable and called while it is executable: what a JIT (or Wine's VirtualProtect on a section view) does
// when it has only one view. Timed, per iteration: the write, mprotect to RX, the call, mprotect back to RW.
// The write after making the view writable again may fault: a disk filesystem tracks dirty pages, so its
// shared mappings come back write-protected (write-notify) and the write goes through page_mkwrite.
// On a noexec mount mprotect(PROT_EXEC) is refused (EACCES): the mapping was made without VM_MAYEXEC.
#include <fmt/format.h>

#include "exec_code.hpp"
#include "harness.hpp"

namespace anonmap::bench {

void exec_mprotect_toggle(benchmark::State& state) {
  state.counters["exec_allowed"] = 0;
  if (!kHaveMachineCode) {
    state.SkipWithError(kNoMachineCode);
    return;
  }
  auto mapped = new_mapped_backing(state, page_size(), 1);
  if (!mapped) return;
  std::byte* view = mapped->view.data();
  double write_seconds = 0, to_rx_seconds = 0, call_seconds = 0, to_rw_seconds = 0;
  std::uint64_t iterations = 0;
  const FaultCounts faults_before = thread_faults();
  for (auto _ : state) {
    const std::uint32_t value = code_value(iterations);
    const Stopwatch clock;
    write_return_code(view, value);
    const double written = clock.seconds();
    const int to_rx = ::mprotect(view, page_size(), PROT_READ | PROT_EXEC);
    const double executable = clock.seconds();
    if (to_rx != 0) {
      state.SkipWithError(exec_denied(errno, "mprotect PROT_READ|PROT_EXEC of a MAP_SHARED view").c_str());
      break;
    }
    const std::uint32_t returned = call_code(view);
    const double called = clock.seconds();
    const int to_rw = ::mprotect(view, page_size(), PROT_READ | PROT_WRITE);
    const double seconds = clock.seconds();
    state.SetIterationTime(seconds);
    if (to_rw != 0) {
      state.SkipWithError(errno_message("mprotect PROT_READ|PROT_WRITE", errno).c_str());
      break;
    }
    if (returned != value) {
      state.SkipWithError(fmt::format("exec: the view returned {:#x}, expected {:#x}", returned, value).c_str());
      break;
    }
    write_seconds += written;
    to_rx_seconds += executable - written;
    call_seconds += called - executable;
    to_rw_seconds += seconds - called;
    ++iterations;
  }
  if (iterations == 0) return;
  const auto per_iteration = static_cast<double>(iterations);
  state.counters["exec_allowed"] = 1;
  state.counters["write_ns"] = write_seconds * 1e9 / per_iteration;
  state.counters["to_rx_ns"] = to_rx_seconds * 1e9 / per_iteration;
  state.counters["call_ns"] = call_seconds * 1e9 / per_iteration;
  state.counters["to_rw_ns"] = to_rw_seconds * 1e9 / per_iteration;
  state.counters["ns_per_toggle"] = (to_rx_seconds + to_rw_seconds) * 1e9 / (2 * per_iteration);
  state.counters["minflt_per_iteration"] =
      static_cast<double>(thread_faults().minor - faults_before.minor) / per_iteration;
}

BENCHMARK(exec_mprotect_toggle)->Name("exec/mprotect_toggle")->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace anonmap::bench
