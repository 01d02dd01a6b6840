// Projection, merging, baseline choice, statistics per cell and warnings, on
// the committed synthetic files whose samples are listed in data/README.md.
#include "error.hpp"
#include "input.hpp"
#include "report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace cmp = anonmap::compare;

namespace {

const std::string data = ANONMAP_COMPARE_DATA;

std::vector<cmp::ResultFile> synthetic(std::initializer_list<const char*> names = {"base", "new", "tcg"})
{
    std::vector<cmp::ResultFile> files;
    for (const char* n : names)
        files.push_back(cmp::read_result_file(data + "/synthetic/" + n + ".json"));
    return files;
}

cmp::Options by_strategy()
{
    cmp::Options o;
    o.col_keys = {"anonmap_strategy"};
    return o;
}

const cmp::Row& row(const cmp::Table& t, const std::string& benchmark)
{
    const auto it = std::find_if(t.rows.begin(), t.rows.end(),
                                 [&](const cmp::Row& r) { return r.benchmark == benchmark; });
    if (it == t.rows.end())
        throw std::runtime_error("no row " + benchmark);
    return *it;
}

bool has_warning(const cmp::Report& r, const std::string& part)
{
    return std::any_of(r.warnings.begin(), r.warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

std::string usage_error(const std::vector<cmp::ResultFile>& files, const cmp::Options& o)
{
    try {
        cmp::build_report(files, o);
    } catch (const cmp::UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Report, ColumnsByContextKeyInOrderOfAppearance)
{
    const cmp::Report r = cmp::build_report(synthetic(), by_strategy());
    ASSERT_EQ(r.columns.size(), 3u);
    EXPECT_EQ(r.columns[0].label, "memfd");
    EXPECT_EQ(r.columns[1].label, "tmpfs");
    EXPECT_EQ(r.columns[2].label, "disk");
    EXPECT_EQ(r.base, 0u);
    ASSERT_EQ(r.tables.size(), 1u);  // real_time by default
    EXPECT_EQ(r.tables[0].counter, "real_time");
    ASSERT_EQ(r.tables[0].rows.size(), 2u);
    EXPECT_EQ(r.tables[0].rows[0].benchmark, "BM_fault/4k");
    EXPECT_EQ(r.tables[0].rows[1].benchmark, "BM_read/64");
}

TEST(Report, CellStatisticsMatchReferenceValues)
{
    const cmp::Report r = cmp::build_report(synthetic(), by_strategy());
    const cmp::Row& fault = row(r.tables[0], "BM_fault/4k");
    // Base A: median 10.15, median_ci(A) = (9.8, 10.4)
    const cmp::Cell& base = fault.cells[0];
    EXPECT_DOUBLE_EQ(*base.median, 10.15);
    ASSERT_TRUE(base.ci);
    EXPECT_DOUBLE_EQ(base.ci->lo, 9.8);
    EXPECT_DOUBLE_EQ(base.ci->hi, 10.4);
    EXPECT_FALSE(base.vs_base);
    // tmpfs B against A: moses(A, B) = (1.0, (0.7, 1.3)) in % of 10.15; p = 0.0021645021645021645
    const cmp::Cell& tmpfs = fault.cells[1];
    ASSERT_TRUE(tmpfs.vs_base);
    EXPECT_NEAR(*tmpfs.vs_base->delta_pct, 100 * 1.0 / 10.15, 1e-9);
    ASSERT_TRUE(tmpfs.vs_base->delta_ci_pct);
    EXPECT_NEAR(tmpfs.vs_base->delta_ci_pct->lo, 100 * 0.7 / 10.15, 1e-9);
    EXPECT_NEAR(tmpfs.vs_base->delta_ci_pct->hi, 100 * 1.3 / 10.15, 1e-9);
    EXPECT_NEAR(*tmpfs.vs_base->p, 0.0021645021645021645, 1e-15);
    EXPECT_TRUE(tmpfs.vs_base->significant);
    EXPECT_FALSE(tmpfs.vs_base->too_few);
    EXPECT_FALSE(tmpfs.vs_base->incomparable);
}

TEST(Report, TimeUnitsAreNormalisedBeforeComparing)
{
    // new.json has BM_read/64 in us: D = 5.5 ... 12 ns, median 8; base C median 3.5.
    // mannwhitneyu(C, D) p = 0.020512820512820513; moses(C, D) = (4.0, (0.5, 7.5)).
    const cmp::Report r = cmp::build_report(synthetic(), by_strategy());
    const cmp::Row& read = row(r.tables[0], "BM_read/64");
    EXPECT_DOUBLE_EQ(*read.cells[1].median, 8.0);
    EXPECT_NEAR(*read.cells[1].vs_base->delta_pct, 100 * 4.0 / 3.5, 1e-9);
    EXPECT_NEAR(read.cells[1].vs_base->delta_ci_pct->lo, 100 * 0.5 / 3.5, 1e-9);
    EXPECT_NEAR(*read.cells[1].vs_base->p, 0.020512820512820513, 1e-15);
}

TEST(Report, GeomeanOfMediansAndRatios)
{
    const cmp::Report r = cmp::build_report(synthetic(), by_strategy());
    const auto& g = r.tables[0].geomean;
    ASSERT_TRUE(g);
    EXPECT_NEAR(*g->values[0], std::sqrt(10.15 * 3.5), 1e-12);
    EXPECT_NEAR(*g->values[1], std::sqrt(11.15 * 8.0), 1e-12);
    EXPECT_FALSE(g->delta_pct[0]);
    EXPECT_NEAR(*g->delta_pct[1], 100 * (std::sqrt(11.15 / 10.15 * 8.0 / 3.5) - 1), 1e-9);
    // disk is 20 x base in both rows.
    EXPECT_NEAR(*g->delta_pct[2], 1900.0, 1e-9);
}

TEST(Report, TcgTimingsAreNotComparableButCountsAre)
{
    cmp::Options o = by_strategy();
    o.counters = {"real_time", "minflt_per_page"};
    const cmp::Report r = cmp::build_report(synthetic(), o);
    ASSERT_EQ(r.tables.size(), 2u);
    const cmp::Cell& time = row(r.tables[0], "BM_fault/4k").cells[2];
    ASSERT_TRUE(time.vs_base);
    EXPECT_TRUE(time.vs_base->incomparable);
    EXPECT_FALSE(time.vs_base->significant);
    const cmp::Cell& faults = row(r.tables[1], "BM_fault/4k").cells[2];
    EXPECT_FALSE(faults.vs_base->incomparable);
    EXPECT_NEAR(*faults.vs_base->delta_pct, 100.0, 1e-12);
    EXPECT_TRUE(faults.vs_base->significant);
    EXPECT_TRUE(has_warning(r, "virt=tcg"));
    EXPECT_TRUE(has_warning(r, "different kernel than base memfd: 6.12.0-1-amd64 vs 6.1.0-18-amd64"));
    // The columns are configurations (anonmap_strategy): where and on what each backing was made differs by
    // design, so anonmap_dir and fs_type are no warning; nor is executable (differs between strategies).
    EXPECT_FALSE(has_warning(r, "anonmap_dir"));
    EXPECT_FALSE(has_warning(r, "fs_type"));
    EXPECT_FALSE(has_warning(r, "executable"));
}

TEST(Report, NoisyCellsAreFlagged)
{
    cmp::Options o = by_strategy();
    o.cv_threshold = 0.05;
    const cmp::Report noisy = cmp::build_report(synthetic(), o);
    EXPECT_TRUE(has_warning(noisy, "coefficient of variation above 5%"));
    o.cv_threshold = 100;
    EXPECT_FALSE(has_warning(cmp::build_report(synthetic(), o), "coefficient of variation"));
}

TEST(Report, UnprojectedKeysThatDifferAreWarnedWhenColumnsAreNotConfigurations)
{
    cmp::Options o = by_strategy();
    o.col_keys = {".file"};
    const cmp::Report r = cmp::build_report(synthetic(), o);
    EXPECT_TRUE(has_warning(r, "not projected: anonmap_strategy, anonmap_dir, fs_type")) << [&] {
        std::string all;
        for (const auto& w : r.warnings) all += w + "\n";
        return all;
    }();
}

TEST(Report, MergesRepetitionsAcrossFilesAndWarnsAboutUnprojectedKeys)
{
    std::vector<cmp::ResultFile> files = synthetic({"base", "base"});
    files[1].path = "again/base.json";
    for (auto& [k, v] : files[1].context)
        if (k == "kernel")
            v = "6.6.0";
    const cmp::Report r = cmp::build_report(files, by_strategy());
    ASSERT_EQ(r.columns.size(), 1u);
    EXPECT_EQ(r.columns[0].files.size(), 2u);
    EXPECT_EQ(row(r.tables[0], "BM_fault/4k").cells[0].samples.size(), 12u);
    EXPECT_TRUE(has_warning(r, "column memfd merges files that differ in kernel: 6.1.0-18-amd64, 6.6.0"));

    // With kernel as a row key they are not merged any more, and no warning.
    cmp::Options o = by_strategy();
    o.row_keys = {"kernel"};
    const cmp::Report split = cmp::build_report(files, o);
    EXPECT_EQ(split.tables[0].rows.size(), 4u);
    EXPECT_EQ(split.tables[0].rows[0].key_values, std::vector<std::string>{"6.1.0-18-amd64"});
    EXPECT_FALSE(has_warning(split, "merges files"));
}

TEST(Report, DefaultColumnsAreFilesWithoutTheirCommonDirectory)
{
    const cmp::Report r = cmp::build_report(synthetic({"base", "new"}), cmp::Options{});
    ASSERT_EQ(r.columns.size(), 2u);
    EXPECT_EQ(r.columns[0].label, "base.json");
    EXPECT_EQ(r.columns[1].label, "new.json");
    EXPECT_TRUE(has_warning(r, "anonmap_strategy"));
}

TEST(Report, BaseByLabelOrKeyValue)
{
    cmp::Options o = by_strategy();
    o.base = "tmpfs";
    EXPECT_EQ(cmp::build_report(synthetic(), o).base, 1u);
    o.base = "anonmap_strategy=disk";
    const cmp::Report r = cmp::build_report(synthetic(), o);
    EXPECT_EQ(r.base, 2u);
    EXPECT_FALSE(row(r.tables[0], "BM_fault/4k").cells[2].vs_base);
    EXPECT_TRUE(row(r.tables[0], "BM_fault/4k").cells[0].vs_base);

    o.base = "btrfs";
    EXPECT_NE(usage_error(synthetic(), o).find("matches no column; the columns are: memfd, tmpfs, disk"),
              std::string::npos);
    o.base = "fs_type=ext4";
    EXPECT_NE(usage_error(synthetic(), o).find("\"fs_type\" is not a column key"), std::string::npos);
    o.col_keys = {"anonmap_strategy", "virt"};
    o.base = "virt=kvm";
    EXPECT_NE(usage_error(synthetic(), o).find("matches several columns"), std::string::npos);
}

TEST(Report, CountersAllAndUnknown)
{
    cmp::Options o = by_strategy();
    o.counters = {"all"};
    const cmp::Report r = cmp::build_report(synthetic(), o);
    std::vector<std::string> names;
    for (const cmp::Table& t : r.tables)
        names.push_back(t.counter);
    EXPECT_EQ(names, (std::vector<std::string>{"real_time", "cpu_time", "minflt_per_page"}));
    EXPECT_TRUE(r.tables[1].is_time);
    EXPECT_FALSE(r.tables[2].is_timing);

    o.counters = {"GiB_per_s"};
    EXPECT_NE(usage_error(synthetic(), o).find("--counter GiB_per_s: no such counter"), std::string::npos);
}

TEST(Report, FilterOnContextAndName)
{
    cmp::Options o = by_strategy();
    o.filter = cmp::parse_filter("fs_type!=ext4,.name=BM_fault*");
    const cmp::Report r = cmp::build_report(synthetic(), o);
    EXPECT_EQ(r.columns.size(), 2u);
    ASSERT_EQ(r.tables[0].rows.size(), 1u);
    EXPECT_EQ(r.tables[0].rows[0].benchmark, "BM_fault/4k");
    EXPECT_FALSE(r.tables[0].geomean);  // one row: no geomean

    o.filter = cmp::parse_filter("anonmap_strategy=zram|pmem");
    EXPECT_NE(usage_error(synthetic(), o).find("no benchmarks left"), std::string::npos);
    EXPECT_THROW(cmp::parse_filter("fs_type"), cmp::UsageError);
    EXPECT_THROW(cmp::parse_filter("=x"), cmp::UsageError);
}

TEST(Report, TooFewRepetitionsAndSkippedBenchmarks)
{
    std::vector<cmp::ResultFile> files = synthetic({"base", "schema_v1"});
    const cmp::Report r = cmp::build_report(files, cmp::Options{});
    EXPECT_TRUE(r.tables[0].rows.size() == 4u);
    const cmp::Row& skipped = row(r.tables[0], "BM_hugetlb");
    EXPECT_FALSE(skipped.cells[1].median);
    EXPECT_EQ(*skipped.cells[1].skipped, "no free huge pages");

    // schema_v1 has 3 repetitions of BM_map: put them against 3 others.
    std::vector<cmp::ResultFile> two = synthetic({"schema_v1", "schema_v1"});
    two[1].path = "other.json";
    const cmp::Report few = cmp::build_report(two, cmp::Options{});
    const cmp::Cell& c = row(few.tables[0], "BM_map").cells[1];
    ASSERT_TRUE(c.vs_base);
    EXPECT_TRUE(c.vs_base->too_few);
    EXPECT_FALSE(c.ci);  // n = 3 < 6
    EXPECT_TRUE(has_warning(few, "too few repetitions for a U test (as few as n=3 vs 3"));
}

TEST(Report, AggregatesOnlyGivesOneSampleAndNoTest)
{
    std::vector<cmp::ResultFile> files{cmp::read_result_file(data + "/gbench/memfd_aggregates_only.json"),
                                       cmp::read_result_file(data + "/gbench/tmpfs.json")};
    const cmp::Report r = cmp::build_report(files, cmp::Options{});
    const cmp::Row& memcpy_row = row(r.tables[0], "BM_memcpy/4096");
    EXPECT_TRUE(memcpy_row.cells[0].from_median_aggregate);
    EXPECT_EQ(memcpy_row.cells[0].samples.size(), 1u);
    ASSERT_TRUE(memcpy_row.cells[1].vs_base);
    EXPECT_FALSE(memcpy_row.cells[1].vs_base->p);
    EXPECT_TRUE(memcpy_row.cells[1].vs_base->too_few);
    EXPECT_TRUE(has_warning(r, "has only aggregates"));
}

TEST(Report, TimingCounterNames)
{
    for (const char* name : {"real_time", "ns_per_page", "GiB_per_s", "bytes_per_second", "items_per_second"})
        EXPECT_TRUE(cmp::is_timing_counter(name)) << name;
    for (const char* name : {"minflt_per_page", "fs_KiB", "shmem_delta_KiB", "items_total"})
        EXPECT_FALSE(cmp::is_timing_counter(name)) << name;
}
