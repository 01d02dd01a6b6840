// GitHub/GitLab-flavoured Markdown for a merge-request comment: tables with
// the significant changes first, warnings, and a <details> block with the
// full context and the command that produced the numbers.
#include "format.hpp"
#include "render.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace anonmap::compare {

namespace {

// Text inside a table cell: Markdown punctuation and HTML are escaped.
std::string md_text(std::string_view s)
{
    std::string out;
    for (char ch : s) {
        switch (ch) {
        case '\\': case '`': case '*': case '_': case '|':
            out += '\\';
            out += ch;
            break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '\n': out += ' '; break;
        default: out += ch;
        }
    }
    return out;
}

// A code span that survives a table: a '|' must still be escaped in GFM.
std::string md_code(std::string_view s)
{
    std::string body;
    for (char ch : s)
        body += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
    const std::string fence = s.find('`') == std::string_view::npos ? "`" : "``";
    const std::string pad = fence.size() > 1 ? " " : "";
    return fence + pad + body + pad + fence;
}

// How strongly a row changed: the largest |change| of a significant
// comparison, or -1 when nothing in the row is significant.
double row_strength(const Row& row)
{
    double best = -1;
    for (const Cell& c : row.cells)
        if (c.vs_base && c.vs_base->significant && c.vs_base->delta_pct)
            best = std::max(best, std::fabs(*c.vs_base->delta_pct));
    return best;
}

std::string change_cell(const Comparison& c)
{
    const std::string s = md_text(format_change(c));
    return c.significant ? "**" + s + "**" : s;
}

}  // namespace

std::string render_markdown(const Report& r)
{
    const Column& base = r.columns[r.base];
    std::vector<std::string> others;
    for (std::size_t ci = 0; ci < r.columns.size(); ++ci)
        if (ci != r.base)
            others.push_back(md_code(r.columns[ci].label));
    std::vector<std::string> counters;
    for (const Table& t : r.tables)
        counters.push_back(md_code(t.counter));

    std::string out;
    out += fmt::format("### anonmap-compare: {}{}{} ({})\n\n", md_code(base.label), others.empty() ? "" : " vs ",
                       fmt::join(others, ", "), fmt::join(counters, ", "));
    out += fmt::format(
        "Cells: median [95% CI]. Δ: change vs {} (Hodges-Lehmann, % of its median) [95% CI] and "
        "Mann-Whitney U p-value; `~` not significant at α = {}; `!` too few repetitions for a U test; "
        "n/c not comparable. Significant changes first.\n",
        md_code(base.label), r.options.alpha);

    for (const Table& t : r.tables) {
        out += fmt::format("\n#### {}{}\n\n", md_code(t.counter), t.is_time ? " (time per iteration)" : "");
        std::string header = "|", rule = "|";
        for (const std::string& k : r.options.row_keys) {
            header += " " + md_text(k) + " |";
            rule += " --- |";
        }
        header += " benchmark |";
        rule += " --- |";
        for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
            header += " " + md_code(r.columns[ci].label) + (ci == r.base ? " (base) |" : " |");
            rule += " ---: |";
            if (ci != r.base) {
                header += " Δ |";
                rule += " ---: |";
            }
        }
        out += header + "\n" + rule + "\n";

        std::vector<std::size_t> order(t.rows.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return row_strength(t.rows[a]) > row_strength(t.rows[b]);
        });
        for (std::size_t i : order) {
            const Row& row = t.rows[i];
            std::string line = "|";
            for (const std::string& v : row.key_values)
                line += " " + md_text(v) + " |";
            line += " " + md_code(row.benchmark) + " |";
            for (std::size_t ci = 0; ci < row.cells.size(); ++ci) {
                const Cell& c = row.cells[ci];
                line += " " + md_text(c.median ? format_median_ci(c, t.is_time) : format_empty_cell(c)) + " |";
                if (ci != r.base)
                    line += " " + (c.vs_base ? change_cell(*c.vs_base) : std::string()) + " |";
            }
            out += line + "\n";
        }
        if (t.geomean) {
            std::string line = "|";
            for (std::size_t k = 0; k < r.options.row_keys.size(); ++k)
                line += " |";
            line += " **geomean** |";
            for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
                const auto& v = t.geomean->values[ci];
                line += " " + (v ? format_value(*v, t.is_time) : std::string("-")) + " |";
                if (ci != r.base) {
                    const auto& d = t.geomean->delta_pct[ci];
                    line += " " + (d ? format_pct(*d) : std::string()) + " |";
                }
            }
            out += line + "\n";
        }
    }

    if (!r.warnings.empty()) {
        out += "\n**Warnings**\n\n";
        for (const std::string& w : r.warnings)
            out += "- " + md_text(w) + "\n";
    }

    out += "\n<details><summary>context</summary>\n\n";
    std::string header = "| key |", rule = "| --- |";
    for (const Column& c : r.columns) {
        header += " " + md_code(c.label) + " |";
        rule += " --- |";
    }
    out += header + "\n" + rule + "\n";
    std::string files_line = "| files |";
    for (const Column& c : r.columns) {
        std::vector<std::string> f;
        for (const std::string& p : c.files)
            f.push_back(md_code(p));
        files_line += fmt::format(" {} |", fmt::join(f, "<br>"));
    }
    out += files_line + "\n";
    std::vector<std::string> keys;
    for (const Column& c : r.columns)
        for (const auto& [k, v] : c.context)
            if (std::find(keys.begin(), keys.end(), k) == keys.end())
                keys.push_back(k);
    for (const std::string& k : keys) {
        std::string line = "| " + md_text(k) + " |";
        for (const Column& c : r.columns) {
            const auto it = std::find_if(c.context.begin(), c.context.end(),
                                         [&](const auto& kv) { return kv.first == k; });
            std::vector<std::string> vals;
            if (it != c.context.end())
                for (const std::string& v : it->second)
                    vals.push_back(v.empty() ? std::string("\"\"") : md_text(v));
            line += fmt::format(" {} |", vals.empty() ? std::string("-") : fmt::format("{}", fmt::join(vals, "<br>")));
        }
        out += line + "\n";
    }
    std::vector<std::string> argv;
    for (const std::string& a : r.command)
        argv.push_back(shell_quote(a));
    std::string command = fmt::format("{}", fmt::join(argv, " "));
    // A fence longer than any backtick run in the command.
    std::size_t run = 0, longest = 0;
    for (char ch : command) {
        run = ch == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    out += fmt::format("\nCommand:\n\n{}\n{}\n{}\n\n</details>\n", fence, command, fence);
    return out;
}

}  // namespace anonmap::compare
