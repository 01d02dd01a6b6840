// Fidelity (issue 10): the timed loop is one out-of-line copy at a 4 KiB boundary in every binary, the fidelity
// workload reports the harness against the bare loop, and the harness's bookkeeping is timed on its own.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_json.hpp"

namespace {

using anonmap::test::BenchBinary;
using anonmap::test::find_benchmark;
using anonmap::test::kBenchBinaries;
using anonmap::test::run_bench_json;
using anonmap::test::run_command;
using nlohmann::json;

class Fidelity : public ::testing::TestWithParam<BenchBinary> {};

// The addresses of the defined symbols of `binary` whose demangled name starts with `name`.
std::vector<std::uint64_t> symbol_addresses(const std::string& binary, const std::string& name) {
  const auto listed = run_command({"nm", "-C", "--defined-only", binary});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::uint64_t> addresses;
  std::istringstream lines(listed.stdout_text);
  std::string line;
  while (std::getline(lines, line)) {
    // "<address> <type> <name>"
    const auto first = line.find(' ');
    if (first == std::string::npos || line.size() < first + 3) continue;
    if (line.compare(first + 3, name.size(), name) == 0)
      addresses.push_back(std::stoull(line.substr(0, first), nullptr, 16));
  }
  return addresses;
}

// Where a fault's cost depends on the address of the faulting store, an inlined copy of the loop per workload
// (or per binary, at another offset) would compare code placements. One copy, 4 KiB aligned, everywhere.
TEST_P(Fidelity, TheTouchLoopIsOneAlignedOutOfLineCopy) {
  for (const char* loop : {"anonmap::bench::touch_pages_write(", "anonmap::bench::touch_pages_read("}) {
    const auto addresses = symbol_addresses(GetParam().path, loop);
    ASSERT_EQ(addresses.size(), 1u) << loop << " defined " << addresses.size() << " times";
    EXPECT_EQ(addresses[0] % 4096, 0u) << loop << " at 0x" << std::hex << addresses[0];
  }
}

TEST_P(Fidelity, ReportsTheHarnessAgainstTheBareLoop) {
  const json output = run_bench_json(GetParam().path, "^fidelity/write/MiB:64/stride:16/");
  const json& fidelity = find_benchmark(output, "fidelity/write/MiB:64/stride:16/min_time:0.500/manual_time");
  ASSERT_FALSE(fidelity.value("error_occurred", false)) << fidelity.dump();
  // Its own minimum time holds whatever --benchmark_min_time says: enough iterations for pairs.
  EXPECT_GE(fidelity.at("iterations").get<int>(), 4);
  EXPECT_GT(fidelity.at("harness_ns_per_page").get<double>(), 0.0);
  EXPECT_GT(fidelity.at("bare_ns_per_page").get<double>(), 0.0);
  // A sanity bound, not a speed target (that is the benchmark's): the two time the same touch.
  const double ratio = fidelity.at("harness_over_bare").get<double>();
  EXPECT_GT(ratio, 0.5);
  EXPECT_LT(ratio, 2.0);
}

TEST_P(Fidelity, BookkeepingIsTimedByItself) {
  const json output = run_bench_json(GetParam().path, "^bookkeeping/");
  for (const char* name : {"bookkeeping/snapshot/manual_time", "bookkeeping/space_guard/manual_time"}) {
    const json& bench = find_benchmark(output, name);
    ASSERT_FALSE(bench.value("error_occurred", false)) << bench.dump();
    EXPECT_GT(bench.at("real_time").get<double>(), 0.0) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(AllStrategies, Fidelity, ::testing::ValuesIn(kBenchBinaries));

}  // namespace
