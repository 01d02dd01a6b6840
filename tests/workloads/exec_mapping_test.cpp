// The exec workloads: a function written through one view runs through another on every strategy where
// the mount allows exec; a noexec mount is reported as "exec denied" in the JSON, never a crash; and the
// memfd exec flags do what this kernel makes of them (they govern execve, not mmap PROT_EXEC).
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bench_json.hpp"

namespace {

using anonmap::test::BenchBinary;
using anonmap::test::find_benchmark;
using anonmap::test::kBenchBinaries;
using anonmap::test::run_bench_json;
using nlohmann::json;

const char* const kExecFilter = "^exec/(dual_view|private|mprotect_toggle)";

std::string error_of(const json& benchmark) { return benchmark.value("error_message", std::string()); }

class ExecMapping : public ::testing::TestWithParam<BenchBinary> {};

TEST_P(ExecMapping, CodeWrittenThroughOneViewRunsThroughAnother) {
  const json output = run_bench_json(GetParam().path, kExecFilter);
  for (const char* name : {"exec/dual_view/min_time:0.010/manual_time", "exec/private/min_time:0.010/manual_time", "exec/mprotect_toggle/manual_time"}) {
    const json& bench = find_benchmark(output, name);
    ASSERT_FALSE(bench.value("error_occurred", false)) << name << ": " << error_of(bench);
    EXPECT_EQ(bench.at("exec_allowed").get<double>(), 1.0) << name;
  }
  const json& dual = find_benchmark(output, "exec/dual_view/min_time:0.010/manual_time");
  EXPECT_GT(dual.at("map_rx_us").get<double>(), 0.0);
  EXPECT_GT(dual.at("first_call_us").get<double>(), 0.0);
  // A private page never written is still the file's page: Linux shows later writes to the file through it.
  EXPECT_EQ(find_benchmark(output, "exec/private/min_time:0.010/manual_time").at("private_sees_file_writes").get<double>(), 1.0);
  const json& toggle = find_benchmark(output, "exec/mprotect_toggle/manual_time");
  for (const char* counter : {"to_rx_ns", "to_rw_ns", "call_ns", "write_ns", "ns_per_toggle", "minflt_per_iteration"})
    EXPECT_TRUE(toggle.contains(counter)) << "no counter " << counter;
  EXPECT_GT(toggle.at("ns_per_toggle").get<double>(), 0.0);
}

TEST_P(ExecMapping, MemfdFlagBenchmarksOnlyInTheMemfdBinary) {
  const json output = run_bench_json(GetParam().path, "^exec/(memfd_flag/exec/|mprotect_toggle)");
  bool has = false;
  for (const json& bench : output.at("benchmarks"))
    has = has || bench.at("name").get<std::string>().rfind("exec/memfd_flag/exec/", 0) == 0;
  EXPECT_EQ(has, std::string(GetParam().strategy) == "memfd");
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, ExecMapping, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

// Wineserver's problem case: /tmp mounted noexec. Each exec benchmark ends with the reason in its JSON.
TEST(ExecMappingNoexec, NoexecTmpfsIsDeniedInTheJson) {
  if (!anonmap::test::running_as_root()) GTEST_SKIP() << "mounting a tmpfs needs root";
  anonmap::test::TempDir mount_point;
  // size is a limit, not an allocation; large enough for the harness's room check.
  const anonmap::test::ScopedTmpfsMount noexec(mount_point.path(), "size=1g", MS_NOEXEC | MS_NOSUID | MS_NODEV);
  const json output = run_bench_json(ANONMAP_BENCH_TMPFS, kExecFilter, {"--dir=" + mount_point.path()});
  EXPECT_EQ(output.at("context").at("exec_allowed").get<std::string>().rfind("no:", 0), 0u);
  for (const char* name : {"exec/dual_view/min_time:0.010/manual_time", "exec/private/min_time:0.010/manual_time"}) {
    const json& bench = find_benchmark(output, name);
    EXPECT_TRUE(bench.value("error_occurred", false)) << name;
    EXPECT_EQ(error_of(bench).rfind("exec denied: EPERM", 0), 0u) << name << ": " << error_of(bench);
  }
  // mprotect refuses PROT_EXEC on a mapping of a noexec file with EACCES (no VM_MAYEXEC), not EPERM.
  const json& toggle = find_benchmark(output, "exec/mprotect_toggle/manual_time");
  EXPECT_EQ(error_of(toggle).rfind("exec denied: EACCES", 0), 0u) << error_of(toggle);
}

// --memfd-exec changes the strategy's memfd_create flag; none of them forbids mmap(PROT_EXEC).
TEST(ExecMappingMemfd, EveryExecFlagStillAllowsProtExecMappings) {
  for (const std::string flag : {"none", "exec", "noexec-seal"}) {
    const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "^exec/dual_view", {"--memfd-exec=" + flag});
    EXPECT_EQ(output.at("context").at("memfd_exec_flag"), flag);
    const json& dual = find_benchmark(output, "exec/dual_view/min_time:0.010/manual_time");
    ASSERT_FALSE(dual.value("error_occurred", false)) << flag << ": " << error_of(dual);
    EXPECT_EQ(dual.at("exec_allowed").get<double>(), 1.0) << flag;
  }
}

// MFD_NOEXEC_SEAL: no x bits, F_SEAL_EXEC set, chmod +x and execve refused; MFD_EXEC: the opposite.
TEST(ExecMappingMemfd, FlagsGovernExecveNotMmap) {
  const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "^exec/memfd_flag/");
  const json& seal = find_benchmark(output, "exec/memfd_flag/noexec-seal/min_time:0.010/manual_time");
  if (seal.value("error_occurred", false) && error_of(seal).find("EINVAL") != std::string::npos)
    GTEST_SKIP() << "this kernel has no memfd exec flags (6.3+): " << error_of(seal);
  ASSERT_FALSE(seal.value("error_occurred", false)) << error_of(seal);
  EXPECT_EQ(seal.at("exec_allowed").get<double>(), 1.0);
  EXPECT_EQ(seal.at("execve_allowed").get<double>(), 0.0);
  EXPECT_EQ(seal.at("chmod_x_allowed").get<double>(), 0.0);
  EXPECT_EQ(seal.at("seal_exec").get<double>(), 1.0);
  EXPECT_EQ(seal.at("mode_octal").get<double>(), 666.0);
  EXPECT_NE(seal.at("label").get<std::string>().find("execve refused (EACCES)"), std::string::npos);

  const json& exec = find_benchmark(output, "exec/memfd_flag/exec/min_time:0.010/manual_time");
  ASSERT_FALSE(exec.value("error_occurred", false)) << error_of(exec);
  EXPECT_EQ(exec.at("exec_allowed").get<double>(), 1.0);
  EXPECT_EQ(exec.at("execve_allowed").get<double>(), 1.0);
  EXPECT_EQ(exec.at("seal_exec").get<double>(), 0.0);
  EXPECT_EQ(exec.at("mode_octal").get<double>(), 777.0);

  // No flag: vm.memfd_noexec decides; 0 means "as MFD_EXEC".
  if (output.at("context").at("memfd_noexec") == "0") {
    const json& none = find_benchmark(output, "exec/memfd_flag/none/min_time:0.010/manual_time");
    EXPECT_EQ(none.at("execve_allowed").get<double>(), 1.0);
    EXPECT_EQ(none.at("mode_octal").get<double>(), 777.0);
  }
}

}  // namespace
