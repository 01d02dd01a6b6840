// huge_pages: base pages fault 512 times per 2 MiB and get no huge page; hugetlb says why it cannot run
// without reserved pages; a tmpfs mounted huge=always really maps huge pages; memfd THP follows shmem_enabled.
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

class HugePages : public ::testing::TestWithParam<BenchBinary> {};

TEST_P(HugePages, NoHugepageMeansBasePagesOnly) {
  const json output = run_bench_json(GetParam().path, "huge_pages/nohugepage/MiB:64/");
  const json& run = find_benchmark(output, "huge_pages/nohugepage/MiB:64/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  for (const char* counter : {"ns_per_2MiB", "sizing_ns_per_2MiB", "touch_ns_per_2MiB", "minflt_per_2MiB",
                              "majflt_per_2MiB", "fs_KiB_per_2MiB", "AnonHugePages_delta_KiB",
                              "ShmemHugePages_delta_KiB", "FileHugePages_delta_KiB", "Hugetlb_delta_KiB",
                              "pmd_mapped_KiB", "huge_fraction"})
    EXPECT_TRUE(run.contains(counter)) << "no counter " << counter;
  EXPECT_EQ(run.at("MiB").get<double>(), 64.0);
  EXPECT_EQ(run.at("huge_fraction").get<double>(), 0.0);
  EXPECT_EQ(run.at("pmd_mapped_KiB").get<double>(), 0.0);
  // A write fault on shmem maps one 4 KiB page: 512 faults for every 2 MiB. A disk file's large folios are
  // mapped whole, one PTE per page, on the first write fault into them: fewer faults, still no PMD.
  const double faults = run.at("minflt_per_2MiB").get<double>() + run.at("majflt_per_2MiB").get<double>();
  if (std::string(GetParam().strategy) == "disk") {
    EXPECT_GT(faults, 1.5);
    EXPECT_LT(faults, 530.0);
  } else {
    EXPECT_GT(faults, 500.0);
    EXPECT_LT(faults, 530.0);
  }
}

TEST_P(HugePages, HugetlbRunsOnlyOnMemfdWithReservedPages) {
  const json output = run_bench_json(GetParam().path, "huge_pages/hugetlb/MiB:64/");
  const json& run = find_benchmark(output, "huge_pages/hugetlb/MiB:64/manual_time");
  const std::string message = run.value("error_message", "");
  if (std::string(GetParam().strategy) != "memfd") {
    EXPECT_NE(message.find("only memfd has MFD_HUGETLB"), std::string::npos) << run.dump();
  } else if (output.at("context").at("hugepages_total") == "0") {
    EXPECT_NE(message.find("no hugepages reserved"), std::string::npos) << run.dump();
  } else if (!run.value("error_occurred", false)) {
    // Reserved pages: every 2 MiB is one hugetlb page, mapped by one PMD, one fault.
    EXPECT_EQ(run.at("huge_fraction").get<double>(), 1.0);
    EXPECT_GE(run.at("Hugetlb_delta_KiB").get<double>(), 64 * 1024.0);
    EXPECT_LE(run.at("minflt_per_2MiB").get<double>(), 1.5);
  }
}

INSTANTIATE_TEST_SUITE_P(EachStrategy, HugePages, ::testing::ValuesIn(kBenchBinaries),
                         [](const auto& test_info) { return std::string(test_info.param.strategy); });

// With shmem_enabled never (or deny), MADV_HUGEPAGE gets a memfd no huge page; with advise and up it may.
TEST(HugePagesMemfd, MadvHugepageFollowsShmemEnabled) {
  const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "huge_pages/madv_hugepage/MiB:64/");
  const json& run = find_benchmark(output, "huge_pages/madv_hugepage/MiB:64/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  const std::string shmem = output.at("context").at("thp_shmem_enabled");
  EXPECT_NE(run.value("label", "").find("shmem_enabled=" + shmem), std::string::npos) << run.dump();
  if (shmem == "never" || shmem == "deny") {
    // The mapping's own PMD-mapped KiB (smaps), not ShmemHugePages: that one is system-wide, and a test
    // running beside this one may be filling a huge=always tmpfs.
    EXPECT_EQ(run.at("huge_fraction").get<double>(), 0.0);
    EXPECT_EQ(run.at("pmd_mapped_KiB").get<double>(), 0.0);
  }
}

// A tmpfs mounted huge=always backs a 2 MiB-aligned view with huge pages without any advice.
TEST(HugePagesTmpfs, HugeAlwaysMountMapsHugePages) {
  if (!anonmap::test::running_as_root()) GTEST_SKIP() << "needs root to mount a tmpfs";
  const std::string shmem = anonmap::test::run_command({"cat", "/sys/kernel/mm/transparent_hugepage/shmem_enabled"}).stdout_text;
  if (shmem.find("[deny]") != std::string::npos) GTEST_SKIP() << "shmem_enabled is deny: no shmem huge pages at all";
  anonmap::test::TempDir where;
  const anonmap::test::ScopedTmpfsMount mount(where.path(), "size=1g,huge=always");
  const json output = run_bench_json(ANONMAP_BENCH_TMPFS, "huge_pages/default/MiB:64/", {"--dir=" + where.path()});
  const json& run = find_benchmark(output, "huge_pages/default/MiB:64/manual_time");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  EXPECT_NE(run.value("label", "").find("huge=always"), std::string::npos) << run.dump();
  // Most of it (memory fragmentation may deny a few) is PMD-mapped, with a fault or so per 2 MiB.
  EXPECT_GE(run.at("huge_fraction").get<double>(), 0.5) << run.dump();
  EXPECT_LT(run.at("minflt_per_2MiB").get<double>(), 256.0) << run.dump();
}

}  // namespace
