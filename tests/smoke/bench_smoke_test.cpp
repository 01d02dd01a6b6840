// The three benchmark binaries, run at small sizes: their JSON parses, carries the context keys of
// DESIGN.md, and its counters differ where the kernel really differs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bench_json.hpp"

namespace {

using anonmap::test::BenchBinary;
using anonmap::test::find_benchmark;
using anonmap::test::kBenchBinaries;
using anonmap::test::run_command;
using nlohmann::json;

json run_json(const std::string& path, const std::string& filter) {
  return anonmap::test::run_bench_json(path, filter);
}

class BenchSmoke : public ::testing::TestWithParam<BenchBinary> {};

TEST_P(BenchSmoke, JsonHasTheContextKeysAndCounters) {
  const json output = run_json(GetParam().path, "dense_touch/write/MiB:16/|sparse_touch/read/MiB:64/stride:512");
  const json& context = output.at("context");
  for (const char* key : {"anonmap_strategy", "anonmap_dir", "fs_type", "mount_options", "block_stack", "fscrypt",
                          "exec_allowed", "kernel", "thp_enabled", "thp_shmem_enabled", "memfd_noexec", "page_size",
                          "hugepages_free", "swap_total", "anonmap_version", "sizing", "virt"})
    EXPECT_TRUE(context.contains(key)) << "context lacks " << key;
  EXPECT_EQ(context.at("anonmap_strategy"), GetParam().strategy);
  EXPECT_EQ(context.at("sizing"), "ftruncate");

  const json& dense = find_benchmark(output, "dense_touch/write/MiB:16/manual_time");
  EXPECT_FALSE(dense.value("error_occurred", false)) << dense.dump();
  for (const char* counter : {"ns_per_page", "minflt_per_page", "majflt_per_page", "fs_KiB", "shmem_delta_KiB",
                              "rss_delta_KiB", "GiB_per_s", "pages"})
    EXPECT_TRUE(dense.contains(counter)) << "no counter " << counter;
  EXPECT_EQ(dense.at("pages").get<double>(), 4096.0);
  EXPECT_GT(dense.at("ns_per_page").get<double>(), 0.0);
  // Every page of a dense write is backed once touched: the RSS of the mapping grew by all of it.
  EXPECT_GE(dense.at("rss_delta_KiB").get<double>(), 16 * 1024 * 0.99);
  EXPECT_TRUE(find_benchmark(output, "sparse_touch/read/MiB:64/stride:512/manual_time").contains("ns_per_page"));
}

// memfd and tmpfs pages are Shmem; a disk file's are page cache with blocks on the filesystem. Checked on
// this process's own Shmem (Pss_Shmem): the system-wide Shmem counter moves with whatever else runs.
TEST_P(BenchSmoke, ShmemIsChargedOnlyForMemoryBackings) {
  const json output = run_json(GetParam().path, "dense_touch/write/MiB:16/");
  const json& dense = find_benchmark(output, "dense_touch/write/MiB:16/manual_time");
  const double shmem_kib = dense.at("pss_shmem_delta_KiB").get<double>();
  EXPECT_GE(dense.at("rss_delta_KiB").get<double>(), 16 * 1024);
  if (std::string(GetParam().strategy) == "disk") {
    EXPECT_EQ(shmem_kib, 0.0);
    EXPECT_GE(dense.at("fs_KiB").get<double>(), 16 * 1024);
  } else {
    EXPECT_GE(shmem_kib, 16 * 1024);
  }
}

TEST_P(BenchSmoke, BadOptionsExitWithCode2AndOneLine) {
  for (const std::string bad : {"--sizing=sideways", "--benchmark_nonsense", "--no-such-option=1"}) {
    const auto result = run_command({GetParam().path, bad});
    EXPECT_EQ(result.exit_code, 2) << bad << ": " << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  }
}

TEST_P(BenchSmoke, HelpListsOurOptionsAndGoogleBenchmarks) {
  const auto result = run_command({GetParam().path, "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("--sizing"), std::string::npos);
  EXPECT_NE(result.output.find("--benchmark_filter"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, BenchSmoke, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

TEST(BenchSmokeDisk, WrongDirectoryIsAOneLineError) {
  const auto result = run_command({ANONMAP_BENCH_DISK, "--dir=/dev/shm"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("memory filesystem"), std::string::npos) << result.output;
}

TEST(BenchSmokeDisk, LeavesNoScratchDirectory) {
  anonmap::test::TempDir cwd;
  const auto result = run_command({"sh", "-c", std::string("cd ") + cwd.path() + " && " + ANONMAP_BENCH_DISK +
                                                   " --benchmark_filter=dense_touch/write/MiB:4/ --benchmark_min_time=0.01"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(anonmap::test::list_directory(cwd.path()).empty());
}

// Ctrl-C or the runner's SIGTERM in the middle of a run still removes the scratch directory.
TEST(BenchSmokeDisk, SigtermLeavesNoScratchDirectory) {
  anonmap::test::TempDir cwd;
  const auto result = run_command(
      {"sh", "-c", std::string("cd ") + cwd.path() + " && { " + ANONMAP_BENCH_DISK +
                       " --benchmark_filter=dense_touch --benchmark_min_time=5 >/dev/null & pid=$!; sleep 0.5;"
                       " kill -TERM $pid; wait $pid; echo status=$?; }"});
  EXPECT_NE(result.output.find("status=143"), std::string::npos) << result.output;  // 128 + SIGTERM
  EXPECT_TRUE(anonmap::test::list_directory(cwd.path()).empty());
}

}  // namespace
