// Running a benchmark binary from a test and reading its JSON (for the smoke and workload tests).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace anonmap::test {

struct BenchBinary {
  const char* strategy;
  const char* path;
};

// The three benchmark binaries of this build (paths come from CMake).
inline const BenchBinary kBenchBinaries[] = {
    {"memfd", ANONMAP_BENCH_MEMFD}, {"tmpfs", ANONMAP_BENCH_TMPFS}, {"disk", ANONMAP_BENCH_DISK}};

// Test names say the strategy, not the bytes of the struct.
inline void PrintTo(const BenchBinary& binary, std::ostream* out) { *out << binary.strategy; }

// Runs `path` on the benchmarks matching `filter`, briefly, with `extra` options; returns its JSON output.
// Throws when the binary fails or prints no JSON, with what it printed.
inline nlohmann::json run_bench_json(const std::string& path, const std::string& filter,
                                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{path, "--benchmark_filter=" + filter, "--benchmark_min_time=0.01",
                                "--benchmark_format=json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const CommandResult result = run_command(argv);
  if (result.exit_code != 0) throw std::runtime_error(path + " exited " + std::to_string(result.exit_code) + ": " + result.output);
  return nlohmann::json::parse(result.stdout_text);
}

// The entry of `output` named `name` (e.g. "dense_touch/write/MiB:16/manual_time").
inline const nlohmann::json& find_benchmark(const nlohmann::json& output, const std::string& name) {
  for (const nlohmann::json& benchmark : output.at("benchmarks"))
    if (benchmark.at("name") == name) return benchmark;
  throw std::runtime_error("no benchmark named " + name + " in the output");
}

}  // namespace anonmap::test
