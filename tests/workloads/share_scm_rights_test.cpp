// The sharing workload: a child that received the fd over SCM_RIGHTS maps it, and each process sees every
// page the other wrote.
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

class ShareScmRights : public ::testing::TestWithParam<BenchBinary> {};

TEST_P(ShareScmRights, BothProcessesSeeEachOthersWrites) {
  const json output = run_bench_json(GetParam().path, "^share/scm_rights/MiB:1/");
  const json& bench = find_benchmark(output, "share/scm_rights/MiB:1/manual_time");
  ASSERT_FALSE(bench.value("error_occurred", false)) << bench.dump();
  EXPECT_EQ(bench.at("pages").get<double>(), 256.0);
  EXPECT_EQ(bench.at("parent_saw_child").get<double>(), 1.0);
  EXPECT_EQ(bench.at("child_saw_parent").get<double>(), 1.0);
  EXPECT_GT(bench.at("ns_per_page").get<double>(), 0.0);
  EXPECT_GT(bench.at("pass_fd_us").get<double>(), 0.0);
  EXPECT_GT(bench.at("receiver_map_us").get<double>(), 0.0);
  // The iteration time is the receiver's touch: pages * ns_per_page.
  EXPECT_NEAR(bench.at("real_time").get<double>() * 1e6, 256 * bench.at("ns_per_page").get<double>(),
              bench.at("real_time").get<double>() * 1e6 * 0.01);
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, ShareScmRights, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

}  // namespace
