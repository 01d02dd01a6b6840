// Private exec: write a function through the writable MAP_SHARED view of a new backing, map the fd
// MAP_PRIVATE PROT_READ|PROT_EXEC (how a loader maps code from a file) and call it. Timed: the private map
// and the first call through it. Then a new value is written through the shared view: a private page that
// was never written to is still the file's page, so the call returns the new value on Linux (POSIX leaves
// it unspecified); the counter private_sees_file_writes records what this kernel did.
#include <fmt/format.h>

#include "exec_code.hpp"
#include "harness.hpp"

namespace anonmap::bench {

void exec_private(benchmark::State& state) {
  if (!kHaveMachineCode) {
    state.SkipWithError(kNoMachineCode);
    return;
  }
  ExecTimes times;
  std::uint64_t saw_file_writes = 0;
  for (auto _ : state) {
    const std::uint32_t value = code_value(times.iterations);
    auto iteration = write_map_and_call(state, value, MAP_PRIVATE);
    if (!iteration) break;
    const ExecCall& call = iteration->call;
    if (call.returned != value) {
      state.SkipWithError(
          fmt::format("exec: the private RX view returned {:#x}, expected {:#x}", call.returned, value).c_str());
      break;
    }
    // A private view not yet written to still shares the file's pages, so it sees later writes to them.
    write_return_code(iteration->mapped.view.data(), ~value);
    if (call_code(call.view.data()) == ~value) ++saw_file_writes;
    times.add(call);
  }
  times.report(state);
  if (times.iterations > 0)
    state.counters["private_sees_file_writes"] =
        static_cast<double>(saw_file_writes) / static_cast<double>(times.iterations);
}

BENCHMARK(exec_private)->Name("exec/private")
    ->MinTime(0.01)  // a new backing per iteration costs far more than the timed part
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace anonmap::bench
