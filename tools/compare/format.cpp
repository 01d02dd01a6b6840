#include "format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace anonmap::compare {

Scale pick_scale(double v, bool is_time)
{
    const double a = std::fabs(v);
    if (is_time) {
        if (a >= 1e9) return {1e9, "s"};
        if (a >= 1e6) return {1e6, "ms"};
        if (a >= 1e3) return {1e3, "us"};
        return {1, "ns"};
    }
    // Counts stay whole up to a million: 16384 KiB reads better than 16.38k.
    if (a >= 1e16) return {1, ""};  // scientific notation from format_scaled
    if (a >= 1e15) return {1e12, "T"};
    if (a >= 1e12) return {1e9, "G"};
    if (a >= 1e9) return {1e6, "M"};
    if (a >= 1e6) return {1e3, "k"};
    return {1, ""};
}

std::string format_scaled(double v, const Scale& s)
{
    const double x = v / s.divisor;
    const double a = std::fabs(x);
    if (a == 0)
        return "0" + s.suffix;
    if (a >= 1e16 || a < 1e-3)
        return fmt::format("{:.3e}{}", x, s.suffix);
    const int magnitude = static_cast<int>(std::floor(std::log10(a)));
    const int decimals = std::max(0, 3 - magnitude);
    return fmt::format("{:.{}f}{}", x, decimals, s.suffix);
}

std::string format_value(double v, bool is_time)
{
    return format_scaled(v, pick_scale(v, is_time));
}

std::string format_median_ci(const Cell& c, bool is_time)
{
    const Scale s = pick_scale(*c.median, is_time);
    std::string out = format_scaled(*c.median, s);
    if (c.from_median_aggregate)
        return out + " [median aggregate]";
    if (!c.ci)
        return out + fmt::format(" [n={} too small]", c.samples.size());
    // A time unit is said once ("10.15ns [9.800, 10.40]"); a multiplier of a count goes on every bound, or
    // "2677k [1221, 4675]" would read as an interval of plain counts far below its own median.
    const Scale bounds{s.divisor, is_time ? std::string() : s.suffix};
    return out + fmt::format(" [{}, {}]", format_scaled(c.ci->lo, bounds), format_scaled(c.ci->hi, bounds));
}

std::string format_pct(double pct)
{
    const double a = std::fabs(pct);
    const int decimals = a < 10 ? 2 : a < 100 ? 1 : 0;
    return fmt::format("{:+.{}f}%", pct, decimals);
}

std::string format_p(double p)
{
    return p < 0.001 ? std::string("p<0.001") : fmt::format("p={:.3f}", p);
}

std::string format_change(const Comparison& c)
{
    if (c.incomparable)
        return "n/c";
    std::string out;
    if (!c.delta_pct)
        out = "base is 0";
    else {
        out = format_pct(*c.delta_pct);
        if (c.delta_ci_pct)
            out += fmt::format(" [{}, {}]", format_pct(c.delta_ci_pct->lo), format_pct(c.delta_ci_pct->hi));
        else
            out += " [n too small]";
    }
    out += c.p ? fmt::format(" {}", format_p(*c.p)) : std::string(" p=n/a");
    if (!c.significant)
        out += " ~";
    if (c.too_few)
        out += " !";
    return out;
}

std::string format_empty_cell(const Cell& c)
{
    if (c.skipped)
        return "skipped: " + *c.skipped;
    return "-";
}

std::string shell_quote(const std::string& arg)
{
    if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789@%+=:,./_-") == std::string::npos)
        return arg;
    std::string out = "'";
    for (char ch : arg)
        out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

}  // namespace anonmap::compare
