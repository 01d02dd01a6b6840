// Number formatting shared by the human-readable renderers.
#pragma once

#include "report.hpp"

#include <optional>
#include <string>

namespace anonmap::compare {

// How the values of one cell are shown: divided by `divisor`, then `suffix`.
struct Scale {
    double divisor = 1;
    std::string suffix;
};

// Times (in ns) get ns/us/ms/s; other counters an SI prefix when large.
Scale pick_scale(double v, bool is_time);

// Four significant digits, then the scale's suffix: 51.15ns, 80.47G, 0.2500.
std::string format_scaled(double v, const Scale& s);
std::string format_value(double v, bool is_time);  // with its own scale

// The cell's median and interval: "51.15ns [48.57, 52.74]", "51.15ns [n=3 too small]".
std::string format_median_ci(const Cell& c, bool is_time);

// Signed percentage: "+3.21%", "-12.5%", "+150%".
std::string format_pct(double pct);
// "p=0.008", "p<0.001".
std::string format_p(double p);

// The change against the base as one string; "" without a comparison.
// Appends " ~" when not significant and " !" when repetitions are too few.
std::string format_change(const Comparison& c);

// What a cell shows when it has no value: the skip message or "-".
std::string format_empty_cell(const Cell& c);

// Quotes an argument for a POSIX shell when it needs it.
std::string shell_quote(const std::string& arg);

}  // namespace anonmap::compare
