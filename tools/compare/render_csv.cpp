// CSV (RFC 4180), one line per table cell and per geomean cell, numbers at
// full precision, so that spreadsheets and scripts need no parsing of units.
#include "render.hpp"

#include <fmt/format.h>

namespace anonmap::compare {

namespace {

std::string csv_field(std::string_view s)
{
    if (s.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char ch : s)
        out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

std::string num(const std::optional<double>& v)
{
    return v ? fmt::format("{}", *v) : std::string();
}

std::string flag(bool b)
{
    return b ? "true" : "false";
}

}  // namespace

std::string render_csv(const Report& r)
{
    std::string out;
    std::string header = "counter,unit";
    for (const std::string& k : r.options.row_keys)
        header += "," + csv_field(k);
    header += ",benchmark,column,is_base,n,median,ci_low,ci_high,ci_coverage,delta_pct,delta_ci_low_pct,"
              "delta_ci_high_pct,p_value,significant,too_few_for_u_test,not_comparable,from_median_aggregate,"
              "failed,skipped\n";
    out += header;
    for (const Table& t : r.tables) {
        const std::string unit = t.is_time ? "ns" : "";
        for (const Row& row : t.rows) {
            for (std::size_t ci = 0; ci < row.cells.size(); ++ci) {
                const Cell& c = row.cells[ci];
                std::string line = csv_field(t.counter) + "," + unit;
                for (const std::string& v : row.key_values)
                    line += "," + csv_field(v);
                line += "," + csv_field(row.benchmark) + "," + csv_field(r.columns[ci].label) + "," +
                        flag(ci == r.base) + "," + std::to_string(c.samples.size()) + "," + num(c.median);
                line += "," + num(c.ci ? std::optional(c.ci->lo) : std::nullopt) + "," +
                        num(c.ci ? std::optional(c.ci->hi) : std::nullopt) + "," +
                        num(c.ci ? std::optional(c.ci->coverage) : std::nullopt);
                if (c.vs_base) {
                    const Comparison& v = *c.vs_base;
                    line += "," + num(v.delta_pct) + "," +
                            num(v.delta_ci_pct ? std::optional(v.delta_ci_pct->lo) : std::nullopt) + "," +
                            num(v.delta_ci_pct ? std::optional(v.delta_ci_pct->hi) : std::nullopt) + "," +
                            num(v.p) + "," + flag(v.significant) + "," + flag(v.too_few) + "," +
                            flag(v.incomparable);
                } else {
                    line += ",,,,,,,";
                }
                line += "," + flag(c.from_median_aggregate) + "," + std::to_string(c.failed) + "," +
                        csv_field(c.samples.empty() ? c.skipped.value_or("") : "");
                out += line + "\n";
            }
        }
        if (t.geomean) {
            for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
                std::string line = csv_field(t.counter) + "," + unit;
                for (std::size_t k = 0; k < r.options.row_keys.size(); ++k)
                    line += ",";
                line += ",[geomean]," + csv_field(r.columns[ci].label) + "," + flag(ci == r.base) + "," +
                        std::to_string(t.geomean->rows_used[ci]) + "," + num(t.geomean->values[ci]) +
                        ",,,," + num(t.geomean->delta_pct[ci]) + ",,,,,,,,,";
                out += line + "\n";
            }
        }
    }
    return out;
}

}  // namespace anonmap::compare
