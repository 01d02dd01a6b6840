// Versioned JSON: everything the other formats show, plus the samples, for
// scripts.  "format_version" changes whenever a field changes meaning.
#include "render.hpp"

#include <nlohmann/json.hpp>

namespace anonmap::compare {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json opt(const std::optional<double>& v)
{
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json interval(const std::optional<stats::Interval>& i)
{
    if (!i)
        return nullptr;
    return ordered_json{{"low", i->lo}, {"high", i->hi}, {"coverage", i->coverage}};
}

}  // namespace

std::string render_json(const Report& r)
{
    ordered_json doc;
    doc["tool"] = "anonmap-compare";
    doc["format_version"] = report_format_version;
    doc["command"] = r.command;
    doc["alpha"] = r.options.alpha;
    doc["ci_confidence"] = ci_confidence;
    doc["time_unit"] = "ns";
    doc["col_keys"] = r.options.col_keys;
    doc["row_keys"] = r.options.row_keys;
    doc["base_column"] = r.columns[r.base].label;

    ordered_json columns = ordered_json::array();
    for (std::size_t ci = 0; ci < r.columns.size(); ++ci) {
        const Column& c = r.columns[ci];
        ordered_json keys = ordered_json::object();
        for (std::size_t k = 0; k < r.options.col_keys.size(); ++k)
            keys[r.options.col_keys[k]] = c.key_values[k];
        ordered_json context = ordered_json::object();
        for (const auto& [k, v] : c.context)
            context[k] = v;
        columns.push_back({{"label", c.label}, {"is_base", ci == r.base}, {"keys", keys},
                           {"files", c.files}, {"context", context}});
    }
    doc["columns"] = columns;

    ordered_json tables = ordered_json::array();
    for (const Table& t : r.tables) {
        ordered_json rows = ordered_json::array();
        for (const Row& row : t.rows) {
            ordered_json row_keys = ordered_json::object();
            for (std::size_t k = 0; k < r.options.row_keys.size(); ++k)
                row_keys[r.options.row_keys[k]] = row.key_values[k];
            ordered_json cells = ordered_json::array();
            for (std::size_t ci = 0; ci < row.cells.size(); ++ci) {
                const Cell& c = row.cells[ci];
                ordered_json cell{{"column", r.columns[ci].label},
                                  {"n", c.samples.size()},
                                  {"samples", c.samples},
                                  {"median", opt(c.median)},
                                  {"ci", interval(c.ci)},
                                  {"from_median_aggregate", c.from_median_aggregate},
                                  {"failed", c.failed},
                                  {"skipped", c.samples.empty() && c.skipped ? ordered_json(*c.skipped)
                                                                             : ordered_json(nullptr)}};
                if (c.vs_base) {
                    const Comparison& v = *c.vs_base;
                    cell["vs_base"] = {{"delta_pct", opt(v.delta_pct)},
                                       {"delta_ci_pct", interval(v.delta_ci_pct)},
                                       {"p_value", opt(v.p)},
                                       {"significant", v.significant},
                                       {"too_few_for_u_test", v.too_few},
                                       {"not_comparable", v.incomparable}};
                } else {
                    cell["vs_base"] = nullptr;
                }
                cells.push_back(std::move(cell));
            }
            rows.push_back({{"benchmark", row.benchmark}, {"row_keys", row_keys}, {"cells", cells}});
        }
        ordered_json geomean = nullptr;
        if (t.geomean) {
            geomean = ordered_json::array();
            for (std::size_t ci = 0; ci < r.columns.size(); ++ci)
                geomean.push_back({{"column", r.columns[ci].label},
                                   {"value", opt(t.geomean->values[ci])},
                                   {"delta_pct", opt(t.geomean->delta_pct[ci])},
                                   {"rows", t.geomean->rows_used[ci]}});
        }
        tables.push_back({{"counter", t.counter},
                          {"unit", t.is_time ? "ns" : ""},
                          {"timing", t.is_timing},
                          {"rows", rows},
                          {"geomean", geomean}});
    }
    doc["tables"] = tables;
    doc["warnings"] = r.warnings;
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace anonmap::compare
