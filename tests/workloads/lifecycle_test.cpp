// The lifecycle workload: every phase is timed and reported, and the phases add up to the iteration time.
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

class Lifecycle : public ::testing::TestWithParam<BenchBinary> {};

void expect_phases_add_up(const json& bench) {
  ASSERT_FALSE(bench.value("error_occurred", false)) << bench.dump();
  double sum = 0;
  for (const char* phase : {"create_us", "map_us", "unmap_us", "close_us"}) {
    ASSERT_TRUE(bench.contains(phase)) << "no counter " << phase;
    EXPECT_GT(bench.at(phase).get<double>(), 0.0) << phase;
    sum += bench.at(phase).get<double>();
  }
  ASSERT_EQ(bench.at("time_unit"), "us");
  EXPECT_NEAR(sum, bench.at("real_time").get<double>(), bench.at("real_time").get<double>() * 0.01);
}

TEST_P(Lifecycle, PhasesAreTimedAndAddUp) {
  const json output = run_bench_json(GetParam().path, "^lifecycle/KiB:(64|2048)/");
  expect_phases_add_up(find_benchmark(output, "lifecycle/KiB:64/manual_time"));
  expect_phases_add_up(find_benchmark(output, "lifecycle/KiB:2048/manual_time"));
}

TEST_P(Lifecycle, EverySizingMethodWorks) {
  for (const std::string sizing : {"grow_file", "fallocate"}) {
    const json output = run_bench_json(GetParam().path, "^lifecycle/KiB:2048/", {"--sizing=" + sizing});
    EXPECT_EQ(output.at("context").at("sizing"), sizing);
    expect_phases_add_up(find_benchmark(output, "lifecycle/KiB:2048/manual_time"));
  }
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, Lifecycle, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

}  // namespace
