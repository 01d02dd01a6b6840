// The pressure workload: a child in a 64 MiB memory cgroup touching 256 MiB. A memfd child is OOM-killed and
// reported so (the harness lives on and writes its JSON); a disk-file child completes while its pages are
// written back; nothing is left behind (no cgroup, no swap file, no swap on). Not root: skipped with why.
#include <gtest/gtest.h>

#include <cstring>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_json.hpp"

namespace {

using anonmap::test::find_benchmark;
using anonmap::test::run_bench_json;
using anonmap::test::run_command;
using anonmap::test::running_as_root;
using nlohmann::json;

const std::string kDense256 = "pressure/dense/limit_MiB:64/k_pct:400/iterations:1/manual_time";

// The mount points of the cgroup hierarchies (v1 and v2) from /proc/self/mounts.
std::vector<std::string> cgroup_mounts() {
  std::vector<std::string> mounts;
  std::ifstream in("/proc/self/mounts");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string source, where, type;
    fields >> source >> where >> type;
    if (type == "cgroup" || type == "cgroup2") mounts.push_back(where);
  }
  return mounts;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// <pid> of "anonmap-<what>.<pid>.<n>", or 0.
pid_t owner(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return 0;
  return static_cast<pid_t>(std::atol(name.c_str() + prefix.size()));
}

// LeftoverCgroupOfADeadHarnessIsRemoved plants a cgroup of a dead "harness" on purpose; tests running at the
// same time must not take it for their own leftover.
constexpr const char* kPlantedSuffix = ".planted";
bool is_planted(const std::string& name) {
  return name.size() > std::strlen(kPlantedSuffix) &&
         name.compare(name.size() - std::strlen(kPlantedSuffix), std::string::npos, kPlantedSuffix) == 0;
}

// What a pressure run that is over may not leave: a cgroup, a swap file, swap switched on. Only what
// belongs to dead processes counts, so that a run going on in parallel is not taken for a leftover.
std::vector<std::string> leftovers() {
  std::vector<std::string> found;
  for (const std::string& mount : cgroup_mounts())
    for (const std::string& name : anonmap::test::list_directory(mount))
      if (const pid_t pid = owner(name, "anonmap-pressure."); pid > 0 && !alive(pid) && !is_planted(name))
        found.push_back(mount + "/" + name);
  for (const std::string& name : anonmap::test::list_directory("/var/tmp"))
    if (const pid_t pid = owner(name, "anonmap-swap."); pid > 0 && !alive(pid)) found.push_back("/var/tmp/" + name);
  std::ifstream swaps("/proc/swaps");
  for (std::string line; std::getline(swaps, line);)
    if (line.find("anonmap-swap.") != std::string::npos) {
      const auto at = line.find("anonmap-swap.");
      if (!alive(owner(line.substr(at), "anonmap-swap."))) found.push_back("swap on: " + line);
    }
  return found;
}

pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

class Pressure : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!running_as_root()) GTEST_SKIP() << "the pressure workload needs root";
  }
  void TearDown() override {
    if (running_as_root()) {
      EXPECT_EQ(leftovers(), std::vector<std::string>{});
    }
  }

  // Runs one pressure case; skips the test when the machine has no memory cgroup controller.
  json run_case(const char* binary, const std::string& name) {
    const json output = run_bench_json(binary, "^" + name + "$");
    const json& result = find_benchmark(output, name);
    const std::string error = result.value("error_message", "");
    if (error.find("no memory cgroup controller") != std::string::npos) {
      skipped_ = error;
      return result;
    }
    EXPECT_FALSE(result.value("error_occurred", false)) << result.dump();
    return result;
  }
  std::string skipped_;
};

TEST_F(Pressure, MemfdPastTheLimitIsOomKilledAndReported) {
  const json result = run_case(ANONMAP_BENCH_MEMFD, kDense256);
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;
  EXPECT_EQ(result.value("label", ""), "oom_killed") << result.dump();
  EXPECT_EQ(result.at("oom_killed").get<double>(), 1.0);
  EXPECT_EQ(result.at("completed").get<double>(), 0.0);
  EXPECT_GE(result.at("oom_kills").get<double>(), 1.0);
  EXPECT_EQ(result.at("cgroup_swap").get<double>(), 0.0);
  // It got as far as the limit lets it, and not to the end.
  EXPECT_LT(result.at("touched_MiB").get<double>(), 256.0);
  EXPECT_GT(result.at("touched_MiB").get<double>(), 32.0);
  EXPECT_LE(result.at("peak_MiB").get<double>(), 64.0 + 1);
  EXPECT_GE(result.at("peak_MiB").get<double>(), 32.0);
}

TEST_F(Pressure, DiskFilePastTheLimitCompletes) {
  const json output = run_bench_json(ANONMAP_BENCH_DISK, "^" + kDense256 + "$");
  const json& result = find_benchmark(output, kDense256);
  if (result.value("error_message", "").find("no memory cgroup controller") != std::string::npos)
    GTEST_SKIP() << result.at("error_message");
  ASSERT_FALSE(result.value("error_occurred", false)) << result.dump();
  // Dirty pages of a disk file are written back and dropped: no OOM. Measured on ext4; other filesystems
  // are what the benchmark is for.
  if (output.at("context").at("fs_type") != "ext4") GTEST_SKIP() << "the disk strategy's directory is not on ext4";
  EXPECT_EQ(result.value("label", ""), "completed") << result.dump();
  EXPECT_EQ(result.at("completed").get<double>(), 1.0);
  EXPECT_EQ(result.at("touched_MiB").get<double>(), 256.0);
  EXPECT_LE(result.at("peak_MiB").get<double>(), 64.0 + 1);
  EXPECT_GT(result.at("written_back_MiB").get<double>(), 0.0);
}

// Under the limit, a memfd is fine too: the OOM above is the limit's doing, not the workload's.
TEST_F(Pressure, MemfdUnderTheLimitCompletes) {
  const json result = run_case(ANONMAP_BENCH_MEMFD, "pressure/dense/limit_MiB:64/k_pct:50/iterations:1/manual_time");
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;
  EXPECT_EQ(result.value("label", ""), "completed") << result.dump();
  EXPECT_EQ(result.at("touched_MiB").get<double>(), 32.0);
  EXPECT_EQ(result.at("oom_kills").get<double>(), 0.0);
}

// With a swap file of its own, a memfd child past the limit goes to swap instead of being killed.
TEST_F(Pressure, MemfdWithSwapGoesToSwap) {
  const std::string name = "pressure_swap/dense/limit_MiB:64/k_pct:400/iterations:1/manual_time";
  const json result = run_case(ANONMAP_BENCH_MEMFD, name);
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;
  if (result.value("error_message", "").find("swap") != std::string::npos)
    GTEST_SKIP() << "no swap here: " << result.at("error_message");
  EXPECT_EQ(result.value("label", ""), "completed") << result.dump();
  EXPECT_EQ(result.at("cgroup_swap").get<double>(), 1.0);
  EXPECT_GE(result.at("swap_MiB").get<double>(), 512.0 - 1);
  EXPECT_GT(result.at("swapped_out_MiB").get<double>(), 0.0);
}

// A cgroup left by a harness that was killed (its pid is dead, no task inside) is removed by the next run.
TEST_F(Pressure, LeftoverCgroupOfADeadHarnessIsRemoved) {
  std::string root;
  for (const std::string& mount : cgroup_mounts())
    if (::access((mount + "/memory.limit_in_bytes").c_str(), F_OK) == 0 ||
        ::access((mount + "/cgroup.subtree_control").c_str(), F_OK) == 0)
      if (root.empty() || mount.find("memory") != std::string::npos) root = mount;
  if (root.empty()) GTEST_SKIP() << "no cgroup hierarchy";
  const std::string stale = root + "/anonmap-pressure." + std::to_string(dead_pid()) + kPlantedSuffix;
  ASSERT_EQ(::mkdir(stale.c_str(), 0755), 0) << stale;
  const json result = run_case(ANONMAP_BENCH_MEMFD, "pressure/sparse/limit_MiB:64/k_pct:50/iterations:1/manual_time");
  if (!skipped_.empty()) {
    ::rmdir(stale.c_str());
    GTEST_SKIP() << skipped_;
  }
  EXPECT_NE(::access(stale.c_str(), F_OK), 0) << stale << " is still there";
  ::rmdir(stale.c_str());
}

// Without root the cases are skipped with the reason, and the binary still succeeds and writes its JSON.
TEST(PressureUnprivileged, SkippedWithTheReason) {
  if (!running_as_root()) {
    const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "^" + kDense256 + "$");
    EXPECT_EQ(find_benchmark(output, kDense256).value("error_message", ""), "pressure: not root");
    return;
  }
  if (!anonmap::test::have_program("setpriv")) GTEST_SKIP() << "no setpriv to drop root";
  const auto result = run_command({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ANONMAP_BENCH_MEMFD,
                                   "--benchmark_filter=^" + kDense256 + "$", "--benchmark_format=json"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json output = json::parse(result.stdout_text);
  const json& skipped = find_benchmark(output, kDense256);
  EXPECT_TRUE(skipped.value("error_occurred", false));
  EXPECT_EQ(skipped.value("error_message", ""), "pressure: not root");
}

}  // namespace
