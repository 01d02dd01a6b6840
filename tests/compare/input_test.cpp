// Reading Google Benchmark JSON: the formats that must be accepted and every
// kind of bad input, which must end in an InputError naming the file.
#include "error.hpp"
#include "input.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace cmp = anonmap::compare;
namespace fs = std::filesystem;

namespace {

const std::string data = ANONMAP_COMPARE_DATA;

// The InputError message for `path`, or "" when it was read fine.
std::string read_error(const std::string& path)
{
    try {
        cmp::read_result_file(path);
    } catch (const cmp::InputError& e) {
        EXPECT_EQ(e.file(), path);
        return e.what();
    }
    return "";
}

std::string parse_error(const std::string& text)
{
    try {
        cmp::parse_result(text, "x.json");
    } catch (const cmp::InputError& e) {
        EXPECT_EQ(e.file(), "x.json");
        return e.what();
    }
    return "";
}

const cmp::Run* find_run(const cmp::ResultFile& f, const std::string& name, std::size_t nth = 0)
{
    for (const cmp::Run& r : f.runs)
        if (r.name == name && nth-- == 0)
            return &r;
    return nullptr;
}

class TempDir {
public:
    TempDir()
    {
        std::string tmpl = (fs::temp_directory_path() / "anonmap-compare-test-XXXXXX").string();
        path_ = mkdtemp(tmpl.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

}  // namespace

TEST(Read, GoogleBenchmark171Output)
{
    const cmp::ResultFile f = cmp::read_result_file(data + "/gbench/memfd.json");
    EXPECT_FALSE(f.aggregates_only);
    ASSERT_NE(f.find_context("anonmap_strategy"), nullptr);
    EXPECT_EQ(*f.find_context("anonmap_strategy"), "memfd");
    EXPECT_EQ(*f.find_context("num_cpus"), "2");  // numbers become strings
    EXPECT_EQ(f.find_context("caches")->front(), '[');  // arrays as compact JSON
    // 6 repetitions per benchmark, aggregates are not samples.
    std::size_t memcpy_runs = 0;
    for (const cmp::Run& r : f.runs)
        memcpy_runs += r.name == "BM_memcpy/4096";
    EXPECT_EQ(memcpy_runs, 6u);
    const cmp::Run* r = find_run(f, "BM_memcpy/4096");
    ASSERT_NE(r, nullptr);
    EXPECT_FALSE(r->from_median_aggregate);
    for (const char* counter : {"real_time", "cpu_time", "bytes_per_second", "minflt_per_page", "ns_per_page"})
        EXPECT_NE(r->find(counter), nullptr) << counter;
    EXPECT_EQ(r->find("iterations"), nullptr);  // structural, not a counter
    // SkipWithError: every repetition carries the message, no values.
    const cmp::Run* failed = find_run(f, "BM_fails");
    ASSERT_NE(failed, nullptr);
    ASSERT_TRUE(failed->skipped);
    EXPECT_EQ(*failed->skipped, "mmap failed: ENOMEM");
    EXPECT_TRUE(failed->values.empty());
    EXPECT_NE(find_run(f, "BM_manual/manual_time"), nullptr);
    EXPECT_NE(find_run(f, "BM_threads/threads:2"), nullptr);
}

TEST(Read, TimesAreConvertedToNanoseconds)
{
    // BM_threads is reported in ms: its real_time must come out in ns.
    const cmp::ResultFile f = cmp::read_result_file(data + "/gbench/memfd.json");
    const cmp::Run* r = find_run(f, "BM_threads/threads:2");
    ASSERT_NE(r, nullptr);
    EXPECT_GT(*r->find("real_time"), 1.0);  // ~1e-5 ms = ~10 ns

    const cmp::ResultFile us = cmp::parse_result(
        R"({"context": {}, "benchmarks": [{"name": "BM_x", "run_type": "iteration", "real_time": 1.5,
            "cpu_time": 2, "time_unit": "us", "ratio": 3}]})", "u.json");
    EXPECT_DOUBLE_EQ(*us.runs[0].find("real_time"), 1500.0);
    EXPECT_DOUBLE_EQ(*us.runs[0].find("cpu_time"), 2000.0);
    EXPECT_DOUBLE_EQ(*us.runs[0].find("ratio"), 3.0);  // user counters keep their value
}

TEST(Read, AggregatesOnlyUsesTheMedian)
{
    const cmp::ResultFile f = cmp::read_result_file(data + "/gbench/memfd_aggregates_only.json");
    EXPECT_TRUE(f.aggregates_only);
    const cmp::Run* r = find_run(f, "BM_memcpy/4096");
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->from_median_aggregate);
    EXPECT_EQ(find_run(f, "BM_memcpy/4096", 1), nullptr);  // one sample: the median, not mean/stddev/cv
}

TEST(Read, NewerSchemaSkippedRepeatsAndNaN)
{
    const cmp::ResultFile f = cmp::read_result_file(data + "/synthetic/schema_v1.json");
    EXPECT_FALSE(f.aggregates_only);  // the median aggregate is ignored: repetitions exist
    const cmp::Run* r = find_run(f, "BM_map");  // "/repeats:3" stripped
    ASSERT_NE(r, nullptr);
    EXPECT_DOUBLE_EQ(*r->find("real_time"), 20e6);  // 20 ms
    EXPECT_EQ(r->find("ratio"), nullptr);           // NaN: no value
    EXPECT_DOUBLE_EQ(*r->find("fs_KiB"), 4.0);
    EXPECT_EQ(find_run(f, "BM_map", 3), nullptr);
    const cmp::Run* s = find_run(f, "BM_hugetlb");
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->skipped);
    EXPECT_EQ(*s->skipped, "no free huge pages");
}

TEST(Read, OldFormatWithoutRunType)
{
    // Google Benchmark < 1.5: no run_type or run_name; aggregates by name.
    const cmp::ResultFile f = cmp::parse_result(
        R"({"context": {}, "benchmarks": [
            {"name": "BM_x", "iterations": 10, "real_time": 5, "cpu_time": 5, "time_unit": "ns"},
            {"name": "BM_x_mean", "aggregate_name": "mean", "iterations": 10, "real_time": 5, "cpu_time": 5,
             "time_unit": "ns"}]})", "old.json");
    ASSERT_EQ(f.runs.size(), 1u);
    EXPECT_EQ(f.runs[0].name, "BM_x");
}

TEST(Read, NaNInsideStringsIsLeftAlone)
{
    EXPECT_EQ(cmp::prepare_json_text(R"({"a": "NaN", "b": NaN, "c": -Infinity, "d": "x\"NaN"})"),
              R"({"a": "NaN", "b": null, "c": null, "d": "x\"NaN"})");
}

TEST(BadInput, EachCommittedBadFileHasItsReason)
{
    const std::pair<const char*, const char*> cases[] = {
        {"not_json.json", "not valid JSON"},
        {"truncated.json", "truncated JSON"},
        {"empty.json", "empty file"},
        {"array.json", "top level is an array"},
        {"no_benchmarks.json", "no \"benchmarks\" array"},
        {"zero_benchmarks.json", "contains no benchmarks"},
        {"missing_name.json", "benchmarks[0]: missing \"name\""},
        {"missing_time_unit.json", "missing \"time_unit\""},
        {"missing_real_time.json", "missing \"real_time\""},
        {"bad_time_unit.json", "unknown time_unit \"fortnights\""},
        {"wrong_type.json", "\"real_time\" is a string, expected a number"},
        {"schema_v2.json", "unsupported json_schema_version 2"},
        {"not_utf8.json", "not UTF-8: invalid byte 0xe9"},
        {"deep.json", "nested deeper than 64 levels"},
    };
    for (const auto& [file, reason] : cases) {
        const std::string msg = read_error(data + "/bad/" + file);
        EXPECT_NE(msg.find(reason), std::string::npos) << file << ": got \"" << msg << "\"";
        EXPECT_EQ(msg.find('\n'), std::string::npos) << file;
    }
}

TEST(BadInput, StructureErrors)
{
    EXPECT_NE(parse_error(R"({"benchmarks": []})").find("no \"context\""), std::string::npos);
    EXPECT_NE(parse_error(R"({"context": [], "benchmarks": [{}]})").find("\"context\" is an array"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"context": {}, "benchmarks": {}})").find("\"benchmarks\" is an object"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"context": {}, "benchmarks": [42]})").find("benchmarks[0]: is a number"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"context": {}, "benchmarks": [{"name": 1}]})").find("\"name\" is a number"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"context": {}, "benchmarks": [{"name": "x", "run_type": "odd"}]})")
                  .find("unknown run_type"),
              std::string::npos);
    EXPECT_NE(parse_error(R"({"context": {}, "benchmarks": [{"name": "x", "error_occurred": "yes"}]})")
                  .find("expected true or false"),
              std::string::npos);
    EXPECT_NE(parse_error("   \n").find("empty file"), std::string::npos);
    EXPECT_NE(parse_error(std::string("{\"context\": {}, \"benchmarks\": [") + '\0' + "]}").find("not valid JSON"),
              std::string::npos);
    // Overlong encoding and a lone surrogate are not UTF-8 either.
    EXPECT_NE(parse_error("{\"a\": \"\xc0\xaf\"}").find("not UTF-8"), std::string::npos);
    EXPECT_NE(parse_error("{\"a\": \"\xed\xa0\x80\"}").find("not UTF-8"), std::string::npos);
}

TEST(BadInput, HugeFileIsRefusedWithoutReadingIt)
{
    TempDir dir;
    const fs::path huge = dir.path() / "huge.json";
    { std::ofstream(huge).put('{'); }
    fs::resize_file(huge, cmp::max_input_bytes + 1);  // sparse: costs no disk
    EXPECT_NE(read_error(huge.string()).find("larger than 256 MiB"), std::string::npos);
}

TEST(BadInput, DirectoryAndMissingFile)
{
    EXPECT_NE(read_error(data + "/synthetic").find("is a directory"), std::string::npos);
    std::vector<std::string> notes;
    try {
        cmp::expand_inputs({data + "/no-such-file.json"}, notes);
        FAIL() << "no error for a missing file";
    } catch (const cmp::InputError& e) {
        EXPECT_EQ(e.file(), data + "/no-such-file.json");
        EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
    }
}

TEST(Expand, DirectoriesRecursivelySortedAndDeduplicated)
{
    TempDir dir;
    fs::create_directories(dir.path() / "host" / "2026-12-03T18-00");
    for (const char* name : {"host/2026-12-03T18-00/tmpfs.json", "host/2026-12-03T18-00/memfd.json",
                             "host/notes.txt", "a.json"})
        std::ofstream(dir.path() / name) << "{}";
    std::vector<std::string> notes;
    const auto files = cmp::expand_inputs({dir.path().string(), (dir.path() / "a.json").string()}, notes);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0], (dir.path() / "a.json").string());
    EXPECT_EQ(files[1], (dir.path() / "host/2026-12-03T18-00/memfd.json").string());
    EXPECT_EQ(files[2], (dir.path() / "host/2026-12-03T18-00/tmpfs.json").string());
    ASSERT_EQ(notes.size(), 1u);  // a.json given twice
    EXPECT_NE(notes[0].find("more than once"), std::string::npos);

    fs::create_directories(dir.path() / "empty");
    try {
        cmp::expand_inputs({(dir.path() / "empty").string()}, notes);
        FAIL() << "no error for a directory without *.json";
    } catch (const cmp::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("no *.json files"), std::string::npos);
    }
}
