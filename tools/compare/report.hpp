// The comparison as data: columns (configurations), one table per counter,
// a cell per benchmark and column with its statistics against the baseline
// column, and the warnings.  Renderers only format a Report; every number and
// every judgement (significant or not, comparable or not) is made here.
#pragma once

#include "model.hpp"
#include "projection.hpp"
#include "stats.hpp"

#include <optional>
#include <string>
#include <vector>

namespace anonmap::compare {

inline constexpr int report_format_version = 1;
inline constexpr std::size_t min_n_for_u_test = 5;
inline constexpr double ci_confidence = 0.95;

struct Options {
    std::vector<std::string> col_keys{std::string(file_key)};
    std::vector<std::string> row_keys;  // shown before the benchmark name
    std::vector<FilterTerm> filter;
    std::vector<std::string> counters{"real_time"};  // "all": every counter found
    std::string base;  // column label or "key=value[,key=value]"; empty: first column
    double alpha = 0.05;
    double cv_threshold = 0.05;  // cells whose coefficient of variation is above this are flagged
};

struct Column {
    std::string label;                   // projected values joined by '@'
    std::vector<std::string> key_values; // one per Options::col_keys
    std::vector<std::string> files;
    // Every context key of the column's files with its distinct values.
    std::vector<std::pair<std::string, std::vector<std::string>>> context;
};

// A cell against the baseline cell of its row.
struct Comparison {
    std::optional<double> delta_pct;           // Hodges-Lehmann shift in % of the base median
    std::optional<stats::Interval> delta_ci_pct;
    std::optional<double> p;                   // Mann-Whitney U, two-sided
    bool significant = false;                  // p < alpha
    bool too_few = false;                      // fewer than min_n_for_u_test on a side
    bool incomparable = false;                 // timing under TCG against native (or v.v.)
};

struct Cell {
    std::vector<double> samples;       // finite values of the counter
    bool from_median_aggregate = false;
    std::optional<std::string> skipped;  // messages of failed or skipped repetitions
    std::size_t failed = 0;              // how many; with no samples the cell is "skipped"
    std::optional<double> median;
    std::optional<stats::Interval> ci;
    std::optional<Comparison> vs_base;   // absent in the base column and without data
};

struct Row {
    std::vector<std::string> key_values;  // one per Options::row_keys
    std::string benchmark;
    std::vector<Cell> cells;              // one per column
};

struct Geomean {
    std::vector<std::optional<double>> values;       // per column, of the row medians
    std::vector<std::optional<double>> delta_pct;    // per column, geomean of ratios to base - 1
    std::vector<std::size_t> rows_used;              // rows that entered the ratio
};

struct Table {
    std::string counter;
    bool is_time = false;    // real_time or cpu_time, in ns
    bool is_timing = false;  // depends on the CPU's speed: not comparable across TCG
    std::vector<Row> rows;
    std::optional<Geomean> geomean;  // when at least two rows have values
};

struct Report {
    Options options;
    std::vector<std::string> command;  // argv, for the record
    std::vector<Column> columns;
    std::size_t base = 0;
    std::vector<Table> tables;
    std::vector<std::string> warnings;
};

// Counters that measure speed (times, rates) as opposed to counts.
bool is_timing_counter(std::string_view name);

// Builds the report; throws UsageError for options that do not fit the data.
Report build_report(const std::vector<ResultFile>& files, const Options& options);

}  // namespace anonmap::compare
