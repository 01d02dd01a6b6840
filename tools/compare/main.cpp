// anonmap-compare: compare Google Benchmark JSON results across
// configurations, with medians, confidence intervals and U tests.
//
// Exit status: 0 on success (also for --help), 2 for any problem with the
// command line or an input file, reported as one line on stderr.
#include "atomic_write.hpp"
#include "error.hpp"
#include "input.hpp"
#include "projection.hpp"
#include "render.hpp"
#include "report.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <new>
#include <string>
#include <vector>

namespace {

using namespace anonmap::compare;

constexpr const char* program = "anonmap-compare";
constexpr int exit_error = 2;

constexpr const char* description =
    "Compares Google Benchmark JSON results (this project's and any other program's; Google Benchmark "
    "1.7.1's format and newer ones with json_schema_version 1). Rows are benchmarks (the run_name, "
    "without /repeats:N), columns are configurations chosen by context keys. Repetitions of the same "
    "benchmark and configuration are merged across files.";

constexpr const char* footer = R"(KEYS
  A key is a context key of the files (anonmap_strategy, fs_type, kernel, virt, host_name, ...),
  .file (the file's path, without the directories common to all inputs) or .name (the benchmark).
  A column's label joins its key values with '@': --col anonmap_strategy,fs_type gives memfd@tmpfs.
  A file that lacks a key has the value '-'.

STATISTICS (every cell)
  median [95% CI]        distribution-free CI from order statistics; needs n >= 6 repetitions
                         ("[n=5 too small]" below that)
  change vs base [CI]    Hodges-Lehmann shift (median of pairwise differences) in % of the base
                         median, with Moses' 95% CI
  p                      two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu(method='auto'):
                         exact without ties when a side has <= 8 repetitions, else the normal
                         approximation with tie and continuity correction
  ~                      not significant: p >= --alpha
  !                      fewer than 5 repetitions on a side: too few for a U test
  n/c                    not comparable: a time or rate measured under TCG emulation (context
                         virt=tcg) against one measured natively; counts are still compared
  geomean                geometric mean of the medians over the benchmarks that have a positive
                         median in every column; its change is the geomean of the ratios to base
  Times (real_time, cpu_time) are converted to ns whatever each file's time_unit is, so files
  with different units can be compared. A file with only aggregates
  (--benchmark_report_aggregates_only) contributes its median aggregate as a single sample: no CI,
  no U test. Failed or skipped benchmarks (error_occurred, skipped) are shown with their message.

WARNINGS
  Columns that ran on a different CPU (num_cpus, mhz_per_cpu, caches), kernel, host or under a
  different virt than the base; files merged into one column whose other context keys differ;
  context keys that differ between columns but were not projected; too few repetitions.

EXAMPLES
  anonmap-compare results/host/2026-12-03T18-00/ --col anonmap_strategy --base memfd
  anonmap-compare old.json new.json                       # columns are the files
  anonmap-compare results/ --col fs_type,anonmap_strategy --row kernel \
      --filter 'fs_type=ext4|tmpfs,.name=BM_fault*' --counter real_time,minflt_per_page \
      --base anonmap_strategy=memfd,fs_type=tmpfs --format markdown --output comment.md

EXIT STATUS
  0 success; 2 bad command line or bad input (one line on stderr: anonmap-compare: FILE: problem).)";

std::string one_line(std::string s)
{
    for (char& ch : s)
        if (ch == '\n' || ch == '\r')
            ch = ' ';
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

int run(int argc, char** argv)
{
    CLI::App app{description, program};
    app.footer(footer);
    app.get_formatter()->column_width(30);

    std::vector<std::string> inputs;
    std::string col = std::string(file_key), row, base, format = "text", output;
    std::vector<std::string> filters, counters;
    double alpha = 0.05;

    app.add_option("inputs", inputs,
                   "Google Benchmark JSON files, or directories: every *.json below them, recursively")
        ->required()
        ->type_name("FILE|DIR");
    app.add_option("--col", col,
                   "Comma-separated keys whose values make the columns; the default .file gives one "
                   "column per file")
        ->type_name("KEYS")
        ->default_str(".file");
    app.add_option("--row", row,
                   "Comma-separated keys shown before the benchmark name, splitting rows (e.g. kernel)")
        ->type_name("KEYS");
    app.add_option("--filter", filters,
                   "Keep only runs matching KEY=GLOB or KEY!=GLOB (fnmatch globs, alternatives with |), "
                   "terms separated by commas; repeatable, all must match")
        ->type_name("EXPR");
    app.add_option("--counter", counters,
                   "Counters to tabulate, one table each: real_time, cpu_time or a user counter "
                   "(ns_per_page, minflt_per_page, ...); comma list or repeated; 'all' for every numeric "
                   "counter found. Default: real_time")
        ->type_name("NAME");
    app.add_option("--base", base,
                   "The baseline column: its label (memfd@tmpfs) or KEY=VALUE[,KEY=VALUE] on the --col "
                   "keys. Default: the first column (columns are in order of first appearance)")
        ->type_name("COLUMN");
    app.add_option("--alpha", alpha, "Significance level of the U test")
        ->type_name("P")
        ->default_str("0.05");
    double cv_threshold = 0.05;
    app.add_option("--cv-threshold", cv_threshold,
                   "Flag cells whose coefficient of variation (stddev/mean of the repetitions) is above this")
        ->type_name("CV")
        ->default_str("0.05")
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--format", format, "Output format: text (aligned, for a terminal), markdown (for "
                   "a GitLab or GitHub comment), csv (one line per cell), json (versioned)")
        ->type_name("FORMAT")
        ->default_str("text");
    app.add_option("-o,--output", output,
                   "Write to FILE instead of stdout, atomically (a temporary file renamed over FILE)")
        ->type_name("FILE");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {  // --help
            std::fputs(app.help().c_str(), stdout);
            return 0;
        }
        throw UsageError(one_line(e.what()) + " (see --help)");
    }

    Options opt;
    opt.col_keys = split_list(col);
    if (opt.col_keys.empty())
        throw UsageError("--col: no keys");
    opt.row_keys = split_list(row);
    for (const std::string& f : filters)
        for (FilterTerm& t : parse_filter(f))
            opt.filter.push_back(std::move(t));
    if (!counters.empty()) {
        opt.counters.clear();
        for (const std::string& c : counters)
            for (std::string& name : split_list(c))
                opt.counters.push_back(std::move(name));
        if (opt.counters.empty())
            throw UsageError("--counter: no names");
    }
    opt.base = base;
    opt.alpha = alpha;
    opt.cv_threshold = cv_threshold;
    const std::optional<Format> fmt_kind = parse_format(format);
    if (!fmt_kind)
        throw UsageError(fmt::format("--format {}: expected text, markdown, csv or json", format));

    std::vector<std::string> notes;
    std::vector<ResultFile> files;
    for (const std::string& path : expand_inputs(inputs, notes))
        files.push_back(read_result_file(path));

    Report report = build_report(files, opt);
    report.command.assign(argv, argv + argc);
    report.command[0] = program;
    report.warnings.insert(report.warnings.begin(), notes.begin(), notes.end());

    const std::string text = render(report, *fmt_kind);
    if (!output.empty())
        write_file_atomically(output, text);
    else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
        throw UsageError("cannot write to standard output");
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const InputError& e) {
        std::fprintf(stderr, "%s: %s: %s\n", program, one_line(e.file()).c_str(), one_line(e.what()).c_str());
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: %s\n", program, one_line(e.what()).c_str());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "%s: out of memory\n", program);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, one_line(e.what()).c_str());
    }
    return exit_error;
}
