// The four output formats on the synthetic files: what each must contain,
// how Markdown orders rows, and that CSV and JSON are well formed.
#include "format.hpp"
#include "input.hpp"
#include "render.hpp"
#include "report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace cmp = anonmap::compare;

namespace {

const std::string data = ANONMAP_COMPARE_DATA;

cmp::Report synthetic_report(std::vector<std::string> counters = {"real_time"})
{
    std::vector<cmp::ResultFile> files;
    for (const char* n : {"base", "new", "tcg"})
        files.push_back(cmp::read_result_file(data + "/synthetic/" + n + ".json"));
    cmp::Options o;
    o.col_keys = {"anonmap_strategy"};
    o.counters = std::move(counters);
    cmp::Report r = cmp::build_report(files, o);
    r.command = {"anonmap-compare", "synthetic", "--col", "anonmap_strategy", "--filter", "a=b|c"};
    return r;
}

std::vector<std::string> lines(const std::string& s)
{
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::size_t line_containing(const std::vector<std::string>& ls, const std::string& part)
{
    for (std::size_t i = 0; i < ls.size(); ++i)
        if (ls[i].find(part) != std::string::npos)
            return i;
    return SIZE_MAX;
}

}  // namespace

TEST(RenderText, CellsChangesAndMarks)
{
    const std::string out = cmp::render_text(synthetic_report());
    const auto ls = lines(out);
    const std::size_t fault = line_containing(ls, "BM_fault/4k");
    ASSERT_NE(fault, SIZE_MAX) << out;
    // median [CI] of A; +9.85% = 1.0 / 10.15 with the Moses interval 0.7 .. 1.3; p = 2/924.
    EXPECT_NE(ls[fault].find("10.15ns [9.800, 10.40]"), std::string::npos) << ls[fault];
    EXPECT_NE(ls[fault].find("+9.85% [+6.90%, +12.8%] p=0.002"), std::string::npos) << ls[fault];
    EXPECT_NE(ls[fault].find("n/c"), std::string::npos) << ls[fault];  // disk under TCG
    // Rows keep their order in text; the geomean comes last.
    EXPECT_LT(fault, line_containing(ls, "BM_read/64"));
    EXPECT_LT(line_containing(ls, "BM_read/64"), line_containing(ls, "[geomean]"));
    // Header names the base; columns are aligned: every cell starts where its header does.
    const std::size_t header = line_containing(ls, "memfd (base)");
    ASSERT_NE(header, SIZE_MAX);
    EXPECT_EQ(ls[header].find("tmpfs"), ls[fault].find("11.15ns"));
    EXPECT_NE(out.find("warnings:\n  - "), std::string::npos);
}

TEST(RenderText, NotSignificantAndTooFewAreMarked)
{
    cmp::Report r = synthetic_report();
    cmp::Comparison& c = *r.tables[0].rows[0].cells[1].vs_base;
    c.significant = false;
    c.too_few = true;
    const auto ls = lines(cmp::render_text(r));
    const std::string& fault = ls[line_containing(ls, "BM_fault/4k")];
    EXPECT_NE(fault.find("p=0.002 ~ !"), std::string::npos) << fault;
}

TEST(RenderMarkdown, StructureOrderAndContext)
{
    const std::string out = cmp::render_markdown(synthetic_report({"real_time", "minflt_per_page"}));
    const auto ls = lines(out);
    ASSERT_FALSE(ls.empty());
    EXPECT_EQ(ls[0].rfind("### anonmap-compare: `memfd` vs `tmpfs`, `disk`", 0), 0u) << ls[0];
    EXPECT_NE(line_containing(ls, "Cells: median [95% CI]"), SIZE_MAX);
    EXPECT_NE(line_containing(ls, "#### `real_time`"), SIZE_MAX);
    EXPECT_NE(line_containing(ls, "#### `minflt_per_page`"), SIZE_MAX);
    EXPECT_NE(line_containing(ls, "| benchmark | `memfd` (base) | `tmpfs` | Δ | `disk` | Δ |"), SIZE_MAX);
    // Significant changes first: BM_read/64 (+114%) before BM_fault/4k (+9.85%).
    const std::size_t read = line_containing(ls, "| `BM_read/64` |");
    const std::size_t fault = line_containing(ls, "| `BM_fault/4k` |");
    ASSERT_NE(read, SIZE_MAX);
    EXPECT_LT(read, fault);
    EXPECT_NE(ls[fault].find("**+9.85% [+6.90%, +12.8%] p=0.002**"), std::string::npos) << ls[fault];
    EXPECT_LT(fault, line_containing(ls, "| **geomean** |"));
    // Warnings as a list, then the context and the exact command.
    EXPECT_NE(line_containing(ls, "**Warnings**"), SIZE_MAX);
    EXPECT_NE(line_containing(ls, "- column disk ran under virt=tcg"), SIZE_MAX);
    const std::size_t details = line_containing(ls, "<details><summary>context</summary>");
    ASSERT_NE(details, SIZE_MAX);
    EXPECT_NE(line_containing(ls, "| kernel | 6.1.0-18-amd64 | 6.1.0-18-amd64 | 6.12.0-1-amd64 |"), SIZE_MAX);
    EXPECT_NE(line_containing(ls, "| anonmap\\_dir | \"\" | /dev/shm | /var/tmp |"), SIZE_MAX);
    const std::size_t cmd = line_containing(ls, "anonmap-compare synthetic --col anonmap_strategy --filter 'a=b|c'");
    ASSERT_NE(cmd, SIZE_MAX);
    EXPECT_GT(cmd, details);
    EXPECT_EQ(ls.back(), "</details>");
    // Every table line of a table has the same number of cells.
    const std::size_t head = line_containing(ls, "| benchmark |");
    const auto pipes = [](const std::string& l) { return std::count(l.begin(), l.end(), '|'); };
    for (std::size_t i = head; i < ls.size() && !ls[i].empty(); ++i)
        EXPECT_EQ(pipes(ls[i]), pipes(ls[head])) << ls[i];
}

TEST(RenderCsv, OneLinePerCellWithFullPrecision)
{
    const std::string out = cmp::render_csv(synthetic_report());
    const auto ls = lines(out);
    // 2 rows x 3 columns + 3 geomean cells + header.
    ASSERT_EQ(ls.size(), 1u + 6u + 3u);
    const auto fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
    for (const std::string& l : ls)
        EXPECT_EQ(fields(l), fields(ls[0])) << l;
    EXPECT_EQ(ls[0].rfind("counter,unit,benchmark,column,is_base,n,median,ci_low,ci_high", 0), 0u);
    const std::size_t t = line_containing(ls, "real_time,ns,BM_fault/4k,tmpfs,false,6,11.14999999999999");
    ASSERT_NE(t, SIZE_MAX) << out;
    EXPECT_NE(ls[t].find(",9.852216748768"), std::string::npos) << ls[t];
    EXPECT_NE(ls[t].find(",0.0021645021645021"), std::string::npos) << ls[t];
    EXPECT_NE(line_containing(ls, "[geomean],tmpfs"), SIZE_MAX);
}

TEST(RenderJson, VersionedAndComplete)
{
    const nlohmann::json doc = nlohmann::json::parse(cmp::render_json(synthetic_report()));
    EXPECT_EQ(doc["tool"], "anonmap-compare");
    EXPECT_EQ(doc["format_version"], cmp::report_format_version);
    EXPECT_EQ(doc["base_column"], "memfd");
    EXPECT_EQ(doc["columns"].size(), 3u);
    EXPECT_EQ(doc["columns"][1]["keys"]["anonmap_strategy"], "tmpfs");
    EXPECT_EQ(doc["columns"][2]["context"]["virt"][0], "tcg");
    const auto& cell = doc["tables"][0]["rows"][0]["cells"][1];
    EXPECT_EQ(cell["n"], 6);
    EXPECT_EQ(cell["samples"].size(), 6u);
    EXPECT_DOUBLE_EQ(cell["median"].get<double>(), 11.15);
    EXPECT_NEAR(cell["vs_base"]["p_value"].get<double>(), 0.0021645021645021645, 1e-15);
    EXPECT_TRUE(cell["vs_base"]["significant"].get<bool>());
    EXPECT_TRUE(doc["tables"][0]["rows"][0]["cells"][0]["vs_base"].is_null());
    EXPECT_TRUE(doc["tables"][0]["rows"][0]["cells"][2]["vs_base"]["not_comparable"].get<bool>());
    EXPECT_EQ(doc["tables"][0]["geomean"].size(), 3u);
    EXPECT_FALSE(doc["warnings"].empty());
    EXPECT_EQ(doc["command"][0], "anonmap-compare");
}

TEST(Format, MedianAndIntervalOfLargeCountsShareTheirMultiplier)
{
    cmp::Cell count;
    count.samples = {1.2e6, 2.6e6, 2.7e6, 2.8e6, 4.6e6, 4.7e6};
    count.median = 2.677e6;
    count.ci = anonmap::compare::stats::Interval{1.221e6, 4.675e6};
    EXPECT_EQ(cmp::format_median_ci(count, false), "2677k [1221k, 4675k]");
    cmp::Cell time = count;  // times keep their unit once, after the median
    EXPECT_EQ(cmp::format_median_ci(time, true), "2.677ms [1.221, 4.675]");
}

TEST(Format, Parse)
{
    EXPECT_EQ(cmp::parse_format("markdown"), cmp::Format::markdown);
    EXPECT_EQ(cmp::parse_format("md"), cmp::Format::markdown);
    EXPECT_EQ(cmp::parse_format("csv"), cmp::Format::csv);
    EXPECT_FALSE(cmp::parse_format("html"));
}
