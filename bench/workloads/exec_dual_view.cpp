// Exec through a second view: write a function through the writable MAP_SHARED view of a new backing, map
// the same fd again PROT_READ|PROT_EXEC and call it. This is how JITs keep W^X (one RW view, one RX view of
// one memfd) and how Wine maps image sections; on a noexec mount the RX view is refused (EPERM), which is
// why wineserver probes the directory and falls back to $WINEPREFIX. Timed: mapping the RX view and the
// first call through it (its page fault included). Then, with both views still mapped, a new value is
// written through the RW view and called again: the views must agree, or the benchmark fails.
#include <fmt/format.h>

#include "exec_code.hpp"
#include "harness.hpp"

namespace anonmap::bench {

void exec_dual_view(benchmark::State& state) {
  if (!kHaveMachineCode) {
    state.SkipWithError(kNoMachineCode);
    return;
  }
  ExecTimes times;
  for (auto _ : state) {
    const std::uint32_t value = code_value(times.iterations);
    auto iteration = write_map_and_call(state, value, MAP_SHARED);
    if (!iteration) break;
    const ExecCall& call = iteration->call;
    write_return_code(iteration->mapped.view.data(), ~value);
    const std::uint32_t rewritten = call_code(call.view.data());
    if (call.returned != value || rewritten != ~value) {
      state.SkipWithError(fmt::format("exec: the RX view returned {:#x} and {:#x}, expected {:#x} and {:#x}: the "
                                      "views of one fd disagree",
                                      call.returned, rewritten, value, ~value)
                              .c_str());
      break;
    }
    times.add(call);
  }
  times.report(state);
}

BENCHMARK(exec_dual_view)->Name("exec/dual_view")
    ->MinTime(0.01)  // a new backing per iteration costs far more than the timed part
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace anonmap::bench
