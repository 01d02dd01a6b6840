// What anonmap-compare knows about one Google Benchmark JSON file after
// reading it: the context as strings and the runs, with every time already
// converted to nanoseconds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anonmap::compare {

// One measurement: a repetition ("run_type": "iteration"), or the median
// aggregate standing in for the repetitions of a file that has only
// aggregates (--benchmark_report_aggregates_only).
struct Run {
    std::string name;                 // run_name without "/repeats:N"
    bool from_median_aggregate = false;
    std::optional<std::string> skipped;  // error_message / skip_message
    // Counter name -> value in input order; real_time and cpu_time in ns.
    std::vector<std::pair<std::string, double>> values;

    const double* find(std::string_view counter) const
    {
        for (const auto& [k, v] : values)
            if (k == counter)
                return &v;
        return nullptr;
    }
};

struct ResultFile {
    std::string path;
    // Context keys in file order; non-string values as compact JSON
    // ("num_cpus": 2 -> "2", "caches": [...] -> "[{...}]").
    std::vector<std::pair<std::string, std::string>> context;
    std::vector<Run> runs;
    bool aggregates_only = false;  // some runs are median aggregates

    const std::string* find_context(std::string_view key) const
    {
        for (const auto& [k, v] : context)
            if (k == key)
                return &v;
        return nullptr;
    }
};

}  // namespace anonmap::compare
