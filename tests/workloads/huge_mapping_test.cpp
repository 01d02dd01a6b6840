// huge_mapping: a sparse 16 GiB mapping in every binary, what each strategy accepts, the guard that keeps a
// 1 TiB fallocate from running, and the fill of a tiny tmpfs up to its limit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bench_json.hpp"

namespace {

using anonmap::test::BenchBinary;
using anonmap::test::find_benchmark;
using anonmap::test::kBenchBinaries;
using anonmap::test::run_bench_json;
using nlohmann::json;

class HugeMapping : public ::testing::TestWithParam<BenchBinary> {};

TEST_P(HugeMapping, SparseSixteenGiBTimesEachPhase) {
  const json output = run_bench_json(GetParam().path, "huge_mapping/sparse/GiB:16/");
  const json& run = find_benchmark(output, "huge_mapping/sparse/GiB:16/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  for (const char* counter : {"sizing_ms", "mmap_ms", "touch_ms", "munmap_ms", "close_ms", "ns_per_page",
                              "minflt_per_page", "fs_KiB", "stride_MiB"})
    EXPECT_TRUE(run.contains(counter)) << "no counter " << counter;
  EXPECT_EQ(run.at("GiB").get<double>(), 16.0);
  EXPECT_EQ(run.at("accepted").get<double>(), 1.0);
  EXPECT_EQ(run.at("pages").get<double>(), 512.0);
  EXPECT_EQ(run.at("stride_MiB").get<double>(), 32.0);
  // Every touched page is backed: at least 512 pages of the file are allocated, and far less than 16 GiB.
  EXPECT_GE(run.at("fs_KiB").get<double>(), 512 * 4.0);
  EXPECT_LT(run.at("fs_KiB").get<double>(), 2 * 1024 * 1024.0);
  EXPECT_GT(run.at("touch_ms").get<double>(), 0.0);
}

// fallocate of 1 TiB must never run: the guard skips it with the numbers, on every strategy.
TEST_P(HugeMapping, FallocateOfOneTiBIsSkippedByTheGuard) {
  const json output = run_bench_json(GetParam().path, "huge_mapping/sparse/GiB:1024/", {"--sizing=fallocate"});
  const json& run = find_benchmark(output, "huge_mapping/sparse/GiB:1024/manual_time");
  ASSERT_TRUE(run.value("error_occurred", false)) << run.dump();
  EXPECT_NE(run.at("error_message").get<std::string>().find("fallocate of 1024 GiB: needs 1024 GiB"), std::string::npos)
      << run.dump();
}

TEST_P(HugeMapping, LimitsSayWhatIsAccepted) {
  const json output = run_bench_json(GetParam().path, "huge_mapping/limits");
  const json& run = find_benchmark(output, "huge_mapping/limits/iterations:1/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  const std::string strategy = GetParam().strategy;
  const std::string label = run.value("label", "");
  // Linux lets every one of them be a sparse 1 TiB file: memfd and tmpfs up to MAX_LFS_FILESIZE, a tmpfs
  // beyond its size= limit, ext4/xfs/btrfs up to at least 8 TiB.
  EXPECT_EQ(run.at("accepted").get<double>(), 1.0);
  EXPECT_EQ(run.at("mmap_accepted").get<double>(), 1.0);
  EXPECT_GE(run.at("max_size_TiB").get<double>(), 1.0);
  EXPECT_FALSE(run.contains("touchable_MiB")) << "the default targets must never be filled";
  if (strategy == "memfd") {
    EXPECT_EQ(run.at("fs_limit_MiB").get<double>(), 0.0);
    EXPECT_NE(label.find("memfd has no size limit"), std::string::npos) << label;
  } else {
    EXPECT_GT(run.at("fs_limit_MiB").get<double>(), 0.0);
    EXPECT_NE(label.find("not probed"), std::string::npos) << label;
  }
  if (strategy != "disk") {
    EXPECT_GE(run.at("max_size_TiB").get<double>(), 1024.0 * 1024);
  }
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, HugeMapping, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

// On a 16 MiB tmpfs run with --allow-fill, the 1 TiB file takes exactly 16 MiB of touches, then SIGBUS.
TEST(HugeMappingTmpfs, FillsATinyTmpfsUpToItsLimit) {
  if (!anonmap::test::running_as_root()) GTEST_SKIP() << "needs root to mount a tmpfs";
  anonmap::test::TempDir where;
  const anonmap::test::ScopedTmpfsMount mount(where.path(), "size=16m");
  const json output = run_bench_json(ANONMAP_BENCH_TMPFS, "huge_mapping/limits", {"--dir=" + where.path(), "--allow-fill"});
  const json& run = find_benchmark(output, "huge_mapping/limits/iterations:1/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  EXPECT_EQ(run.at("accepted").get<double>(), 1.0);
  EXPECT_EQ(run.at("fs_limit_MiB").get<double>(), 16.0);
  EXPECT_EQ(run.at("sigbus").get<double>(), 1.0);
  EXPECT_EQ(run.at("touchable_MiB").get<double>(), 16.0);
  EXPECT_EQ(run.at("fs_used_at_fault_MiB").get<double>(), 16.0);
}

TEST(HugeMappingTmpfs, DoesNotFillWithoutAllowFill) {
  if (!anonmap::test::running_as_root()) GTEST_SKIP() << "needs root to mount a tmpfs";
  anonmap::test::TempDir where;
  const anonmap::test::ScopedTmpfsMount mount(where.path(), "size=16m");
  const json output = run_bench_json(ANONMAP_BENCH_TMPFS, "huge_mapping/limits", {"--dir=" + where.path()});
  const json& run = find_benchmark(output, "huge_mapping/limits/iterations:1/manual_time");
  EXPECT_FALSE(run.contains("touchable_MiB"));
  EXPECT_NE(run.value("label", "").find("needs --allow-fill"), std::string::npos) << run.dump();
}

}  // namespace
