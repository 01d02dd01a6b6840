// Aligned plain-text tables (ASCII only, so that they survive any terminal,
// mail client and log file).
#include "format.hpp"
#include "render.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace anonmap::compare {

namespace {

using Grid = std::vector<std::vector<std::string>>;

void print_grid(std::string& out, const Grid& g)
{
    std::vector<std::size_t> width;
    for (const auto& line : g)
        for (std::size_t i = 0; i < line.size(); ++i) {
            width.resize(std::max(width.size(), line.size()));
            width[i] = std::max(width[i], line[i].size());
        }
    for (const auto& line : g) {
        std::string s;
        for (std::size_t i = 0; i < line.size(); ++i)
            s += i + 1 == line.size() ? line[i] : fmt::format("{:<{}}  ", line[i], width[i]);
        s.erase(s.find_last_not_of(' ') + 1);
        out += s + "\n";
    }
}

}  // namespace

std::string render_text(const Report& r)
{
    const Column& base = r.columns[r.base];
    std::string out;
    out += fmt::format(
        "cells: median [95% CI]; vs {}: change (Hodges-Lehmann) [95% CI], Mann-Whitney U p-value; "
        "~ not significant at alpha={}; ! too few repetitions for a U test\n",
        base.label, r.options.alpha);

    for (const Table& t : r.tables) {
        out += fmt::format("\n{}{}\n", t.counter, t.is_time ? " (time per iteration)" : "");
        Grid g;
        std::vector<std::string> header(r.options.row_keys);
        header.emplace_back("benchmark");
        for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
            header.push_back(r.columns[ci].label + (ci == r.base ? " (base)" : ""));
            if (ci != r.base)
                header.push_back("vs " + base.label);
        }
        g.push_back(header);
        for (const Row& row : t.rows) {
            std::vector<std::string> line(row.key_values);
            line.push_back(row.benchmark);
            for (std::size_t ci = 0; ci < row.cells.size(); ++ci) {
                const Cell& c = row.cells[ci];
                line.push_back(c.median ? format_median_ci(c, t.is_time) : format_empty_cell(c));
                if (ci != r.base)
                    line.push_back(c.vs_base ? format_change(*c.vs_base) : "");
            }
            g.push_back(std::move(line));
        }
        if (t.geomean) {
            std::vector<std::string> line(r.options.row_keys.size(), "");
            line.emplace_back("[geomean]");
            for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
                const auto& v = t.geomean->values[ci];
                line.push_back(v ? format_value(*v, t.is_time) : "-");
                if (ci != r.base) {
                    const auto& d = t.geomean->delta_pct[ci];
                    line.push_back(d ? format_pct(*d) : "");
                }
            }
            g.push_back(std::move(line));
        }
        print_grid(out, g);
    }

    if (!r.warnings.empty()) {
        out += "\nwarnings:\n";
        for (const std::string& w : r.warnings)
            out += "  - " + w + "\n";
    }
    return out;
}

}  // namespace anonmap::compare
