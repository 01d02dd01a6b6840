#include "report.hpp"

#include "error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace anonmap::compare {

namespace {

// Context keys that change from run to run by nature: never warned about.
const std::set<std::string, std::less<>> volatile_keys{
    "date", "load_avg", "executable", "hugepages_free"};

// Context keys that identify the machine; a difference between the baseline
// and another column is always worth a warning.
const std::vector<std::string> cpu_keys{
    "num_cpus", "mhz_per_cpu", "caches", "cpu_model", "cpu_scaling_enabled"};
const std::set<std::string, std::less<>> machine_keys{
    "num_cpus", "mhz_per_cpu", "caches", "cpu_model", "cpu_scaling_enabled",
    "host_name", "kernel", "virt"};

// Context keys that describe a configuration (where and how the backing was made). When the columns are
// configurations (a projected anonmap_* key), these differ between columns by design: no warning.
bool describes_configuration(std::string_view key)
{
    for (std::string_view prefix : {"anonmap_", "fs_", "mount_", "memfd_"})
        if (key.starts_with(prefix))
            return true;
    return key == "block_stack" || key == "fscrypt" || key == "exec_allowed" || key == "sizing";
}

bool contains(const std::vector<std::string>& v, std::string_view s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

template <typename T>
void add_unique(std::vector<T>& v, const T& x)
{
    if (std::find(v.begin(), v.end(), x) == v.end())
        v.push_back(x);
}

// Paths shown without the directory prefix common to all of them:
// results/h/a/memfd.json, results/h/b/memfd.json -> a/memfd.json, b/memfd.json
std::vector<std::string> shorten_paths(const std::vector<ResultFile>& files)
{
    std::vector<std::string> paths;
    for (const ResultFile& f : files)
        paths.push_back(f.path);
    if (paths.empty())
        return paths;
    std::string_view prefix = paths[0];
    for (const std::string& p : paths) {
        const auto m = std::mismatch(prefix.begin(), prefix.end(), p.begin(), p.end());
        prefix = prefix.substr(0, static_cast<std::size_t>(m.first - prefix.begin()));
    }
    const auto slash = prefix.rfind('/');
    const std::size_t common = slash == std::string_view::npos ? 0 : slash + 1;
    for (std::string& p : paths)
        p.erase(0, common);
    return paths;
}

const std::vector<std::string>* column_context(const Column& c, std::string_view key)
{
    for (const auto& [k, v] : c.context)
        if (k == key)
            return &v;
    return nullptr;
}

std::string context_values(const Column& c, std::string_view key)
{
    const auto* v = column_context(c, key);
    return v ? fmt::format("{}", fmt::join(*v, ", ")) : std::string(missing_value);
}

bool under_tcg(const Column& c)
{
    const auto* v = column_context(c, "virt");
    return v && std::any_of(v->begin(), v->end(),
                            [](const std::string& s) { return s.find("tcg") != std::string::npos; });
}

std::size_t resolve_base(const std::vector<Column>& columns, const Options& opt)
{
    if (opt.base.empty())
        return 0;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].label == opt.base)
            return i;
        labels.push_back(columns[i].label);
    }
    const auto wanted = parse_key_values(opt.base);
    if (!wanted)
        throw UsageError(fmt::format("--base \"{}\" matches no column; the columns are: {}",
                                     opt.base, fmt::join(labels, ", ")));
    std::vector<std::size_t> key_index;
    for (const auto& [k, v] : *wanted) {
        const auto it = std::find(opt.col_keys.begin(), opt.col_keys.end(), k);
        if (it == opt.col_keys.end())
            throw UsageError(fmt::format("--base: \"{}\" is not a column key (--col {})", k,
                                         fmt::join(opt.col_keys, ",")));
        key_index.push_back(static_cast<std::size_t>(it - opt.col_keys.begin()));
    }
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        bool all = true;
        for (std::size_t k = 0; k < wanted->size(); ++k)
            all = all && columns[i].key_values[key_index[k]] == (*wanted)[k].second;
        if (all)
            hits.push_back(i);
    }
    if (hits.size() != 1)
        throw UsageError(fmt::format("--base \"{}\" matches {} columns; the columns are: {}", opt.base,
                                     hits.empty() ? "no" : "several", fmt::join(labels, ", ")));
    return hits[0];
}

void fill_cell(Cell& cell, const std::vector<const Run*>& runs, const std::string& counter)
{
    // Repetitions are samples; a median aggregate is used only where a cell
    // has no repetitions at all (a file written with
    // --benchmark_report_aggregates_only), never mixed with them.
    const bool have_repetitions = std::any_of(runs.begin(), runs.end(), [&](const Run* run) {
        return !run->skipped && !run->from_median_aggregate && run->find(counter);
    });
    std::vector<std::string> messages;
    for (const Run* run : runs) {
        if (run->skipped) {
            ++cell.failed;
            add_unique(messages, *run->skipped);
        } else if (run->from_median_aggregate && have_repetitions) {
            continue;
        } else if (const double* v = run->find(counter)) {
            cell.samples.push_back(*v);
            cell.from_median_aggregate = cell.from_median_aggregate || run->from_median_aggregate;
        }
    }
    if (!messages.empty())
        cell.skipped = fmt::format("{}", fmt::join(messages, "; "));
    if (cell.samples.empty())
        return;
    cell.median = stats::median(cell.samples);
    if (!cell.from_median_aggregate)
        cell.ci = stats::median_ci(cell.samples, ci_confidence);
}

Comparison compare_cells(const Cell& base, const Cell& cell, double alpha, bool incomparable)
{
    Comparison c;
    c.incomparable = incomparable;
    const double scale = std::fabs(*base.median);
    const stats::Shift shift = stats::hodges_lehmann(base.samples, cell.samples, ci_confidence);
    if (scale > 0) {
        c.delta_pct = 100 * shift.estimate / scale;
        if (shift.ci)
            c.delta_ci_pct = stats::Interval{100 * shift.ci->lo / scale, 100 * shift.ci->hi / scale,
                                             shift.ci->coverage};
    }
    if (base.from_median_aggregate || cell.from_median_aggregate) {
        c.too_few = true;  // one median is not a sample: no test
        return c;
    }
    c.p = stats::mann_whitney_u(base.samples, cell.samples).p;
    c.too_few = base.samples.size() < min_n_for_u_test || cell.samples.size() < min_n_for_u_test;
    c.significant = !incomparable && *c.p < alpha;
    return c;
}

std::optional<Geomean> geomean_row(const Table& t, std::size_t ncols, std::size_t base,
                                   std::vector<std::string>& warnings)
{
    std::size_t with_values = 0;
    std::vector<const Row*> common;  // rows with a positive median in every column
    for (const Row& r : t.rows) {
        bool any = false, all = true;
        for (const Cell& c : r.cells) {
            any = any || c.median;
            all = all && c.median && *c.median > 0;
        }
        with_values += any;
        if (all)
            common.push_back(&r);
    }
    if (with_values < 2 || common.size() < 2)
        return std::nullopt;
    if (common.size() < with_values)
        warnings.push_back(fmt::format(
            "{}: the geomean uses the {} of {} benchmarks that have a positive median in every column",
            t.counter, common.size(), with_values));
    Geomean g;
    for (std::size_t ci = 0; ci < ncols; ++ci) {
        std::vector<double> values, ratios;
        for (const Row* r : common) {
            values.push_back(*r->cells[ci].median);
            ratios.push_back(*r->cells[ci].median / *r->cells[base].median);
        }
        g.values.push_back(stats::geometric_mean(values));
        const auto ratio = stats::geometric_mean(ratios);
        g.delta_pct.push_back(ci == base || !ratio ? std::nullopt : std::optional(100 * (*ratio - 1)));
        g.rows_used.push_back(common.size());
    }
    return g;
}

void machine_warnings(Report& rep)
{
    const Column& base = rep.columns[rep.base];
    const auto& projected = rep.options.col_keys;
    for (std::size_t ci = 0; ci < rep.columns.size(); ++ci) {
        if (ci == rep.base)
            continue;
        const Column& col = rep.columns[ci];
        auto differs = [&](const std::string& key) {
            return context_values(col, key) != context_values(base, key);
        };
        std::vector<std::string> cpu;
        for (const std::string& key : cpu_keys)
            if (!contains(projected, key) && differs(key))
                cpu.push_back(key == "caches" ? std::string("caches differ")
                                              : fmt::format("{} {} vs {}", key, context_values(col, key),
                                                            context_values(base, key)));
        if (!cpu.empty())
            rep.warnings.push_back(fmt::format("column {} ran on a different CPU than base {}: {}",
                                               col.label, base.label, fmt::join(cpu, "; ")));
        for (const char* key : {"host_name", "kernel"})
            if (!contains(projected, key) && differs(key))
                rep.warnings.push_back(fmt::format("column {} has a different {} than base {}: {} vs {}",
                                                   col.label, key, base.label, context_values(col, key),
                                                   context_values(base, key)));
        if (under_tcg(col) != under_tcg(base))
            rep.warnings.push_back(fmt::format(
                "column {} ran under virt={}, base {} under virt={}: emulated (TCG) timings are not "
                "comparable with native ones, so time and rate changes are shown as n/c; counts are compared",
                col.label, context_values(col, "virt"), base.label, context_values(base, "virt")));
        else if (!contains(projected, "virt") && differs("virt"))
            rep.warnings.push_back(fmt::format("column {} has a different virt than base {}: {} vs {}",
                                               col.label, base.label, context_values(col, "virt"),
                                               context_values(base, "virt")));
    }
}

}  // namespace

bool is_timing_counter(std::string_view name)
{
    static const std::set<std::string, std::less<>> tokens{
        "time", "ns", "us", "ms", "s", "sec", "secs", "second", "seconds", "nsec", "usec", "msec", "cycles", "hz"};
    for (const std::string& tok : split_list(name, '_')) {
        std::string lower = tok;
        for (char& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (tokens.contains(lower))
            return true;
    }
    return false;
}

Report build_report(const std::vector<ResultFile>& files, const Options& options)
{
    Report rep;
    rep.options = options;
    const Options& opt = rep.options;
    if (contains(opt.col_keys, name_key))
        throw UsageError("--col: .name cannot be a column key; rows are benchmarks");
    if (contains(opt.row_keys, name_key))
        throw UsageError("--row: .name is always the last row key; leave it out");
    if (!(opt.alpha > 0 && opt.alpha < 1))
        throw UsageError(fmt::format("--alpha {} is not between 0 and 1", opt.alpha));

    // ---- project every run onto a (row, column) cell -----------------------
    const std::vector<std::string> short_paths = shorten_paths(files);
    std::map<std::vector<std::string>, std::size_t> col_index, row_index;
    std::vector<Row> rows;
    std::map<std::pair<std::size_t, std::size_t>, std::vector<const Run*>> cell_runs;
    std::vector<std::vector<std::size_t>> col_files;
    // Files that fall into the same cell group (column and row key values):
    // their unprojected context keys should agree.
    std::map<std::pair<std::size_t, std::vector<std::string>>, std::vector<std::size_t>> groups;
    std::vector<std::string> counters_found;
    std::vector<std::size_t> aggregate_files;

    auto value_of = [&](std::size_t fi, const Run& run, const std::string& key) {
        if (key == file_key)
            return short_paths[fi];
        return key_value(files[fi], run, key).value_or(std::string(missing_value));
    };

    for (std::size_t fi = 0; fi < files.size(); ++fi) {
        for (const Run& run : files[fi].runs) {
            if (!std::all_of(opt.filter.begin(), opt.filter.end(),
                             [&](const FilterTerm& t) { return t.matches(files[fi], run); }))
                continue;
            std::vector<std::string> colv, rowv;
            for (const std::string& k : opt.col_keys)
                colv.push_back(value_of(fi, run, k));
            for (const std::string& k : opt.row_keys)
                rowv.push_back(value_of(fi, run, k));

            const auto [cit, new_col] = col_index.emplace(colv, rep.columns.size());
            if (new_col) {
                Column c;
                c.label = fmt::format("{}", fmt::join(colv, "@"));
                c.key_values = colv;
                rep.columns.push_back(std::move(c));
                col_files.emplace_back();
            }
            std::vector<std::string> row_id = rowv;
            row_id.push_back(run.name);
            const auto [rit, new_row] = row_index.emplace(row_id, rows.size());
            if (new_row)
                rows.push_back(Row{rowv, run.name, {}});

            cell_runs[{rit->second, cit->second}].push_back(&run);
            add_unique(col_files[cit->second], fi);
            add_unique(groups[{cit->second, rowv}], fi);
            for (const auto& [counter, value] : run.values)
                add_unique(counters_found, counter);
            if (run.from_median_aggregate)
                add_unique(aggregate_files, fi);
        }
    }
    if (rep.columns.empty())
        throw UsageError("no benchmarks left after --filter");

    for (std::size_t ci = 0; ci < rep.columns.size(); ++ci) {
        Column& col = rep.columns[ci];
        for (std::size_t fi : col_files[ci]) {
            col.files.push_back(files[fi].path);
            for (const auto& [k, v] : files[fi].context) {
                // Not [&]: clang before 16 cannot capture a structured binding (the fuzz build uses clang).
                auto it = std::find_if(col.context.begin(), col.context.end(),
                                       [&key = k](const auto& kv) { return kv.first == key; });
                if (it == col.context.end())
                    col.context.emplace_back(k, std::vector<std::string>{v});
                else
                    add_unique(it->second, v);
            }
        }
    }
    rep.base = resolve_base(rep.columns, opt);

    // ---- counters ----------------------------------------------------------
    std::vector<std::string> counters;
    for (const std::string& c : opt.counters) {
        if (c == "all") {
            for (const std::string& f : counters_found)
                add_unique(counters, f);
        } else if (contains(counters_found, c)) {
            add_unique(counters, c);
        } else {
            throw UsageError(fmt::format("--counter {}: no such counter in the inputs (they have: {})", c,
                                         fmt::join(counters_found, ", ")));
        }
    }

    // ---- one table per counter ---------------------------------------------
    const std::size_t ncols = rep.columns.size();
    std::vector<std::pair<std::size_t, std::size_t>> fewest(ncols, {SIZE_MAX, SIZE_MAX});
    for (const std::string& counter : counters) {
        Table t;
        t.counter = counter;
        t.is_time = counter == "real_time" || counter == "cpu_time";
        t.is_timing = t.is_time || is_timing_counter(counter);
        for (std::size_t ri = 0; ri < rows.size(); ++ri) {
            Row row = rows[ri];
            row.cells.resize(ncols);
            bool any = false;
            for (std::size_t ci = 0; ci < ncols; ++ci) {
                const auto it = cell_runs.find({ri, ci});
                if (it != cell_runs.end())
                    fill_cell(row.cells[ci], it->second, counter);
                any = any || !row.cells[ci].samples.empty() || row.cells[ci].skipped;
            }
            if (!any)
                continue;
            const Cell& base = row.cells[rep.base];
            for (std::size_t ci = 0; ci < ncols; ++ci) {
                Cell& cell = row.cells[ci];
                if (ci == rep.base || cell.samples.empty() || base.samples.empty())
                    continue;
                const bool incomparable =
                    t.is_timing && under_tcg(rep.columns[ci]) != under_tcg(rep.columns[rep.base]);
                cell.vs_base = compare_cells(base, cell, opt.alpha, incomparable);
                if (cell.vs_base->too_few && !base.from_median_aggregate && !cell.from_median_aggregate &&
                    base.samples.size() + cell.samples.size() < fewest[ci].first + fewest[ci].second)
                    fewest[ci] = {base.samples.size(), cell.samples.size()};
            }
            t.rows.push_back(std::move(row));
        }
        t.geomean = geomean_row(t, ncols, rep.base, rep.warnings);
        rep.tables.push_back(std::move(t));
    }

    // ---- warnings ----------------------------------------------------------
    std::vector<std::string> warnings = std::move(rep.warnings);  // geomean notes go last
    rep.warnings.clear();
    machine_warnings(rep);

    auto projected = [&](const std::string& key) {
        return contains(opt.col_keys, key) || contains(opt.row_keys, key) || volatile_keys.contains(key);
    };
    std::set<std::pair<std::size_t, std::string>> merged_reported;
    for (const auto& [group, members] : groups) {
        if (members.size() < 2)
            continue;
        std::vector<std::string> keys;
        for (std::size_t fi : members)
            for (const auto& [k, v] : files[fi].context)
                add_unique(keys, k);
        for (const std::string& key : keys) {
            if (projected(key))
                continue;
            std::vector<std::string> values;
            for (std::size_t fi : members) {
                const std::string* v = files[fi].find_context(key);
                add_unique(values, v ? *v : std::string(missing_value));
            }
            if (values.size() > 1 && merged_reported.emplace(group.first, key).second)
                rep.warnings.push_back(fmt::format(
                    "column {} merges files that differ in {}: {} (add it to --col or --row, or narrow "
                    "with --filter)",
                    rep.columns[group.first].label, key, fmt::join(values, ", ")));
        }
    }

    if (ncols > 1) {
        std::vector<std::string> keys, differing;
        for (const Column& c : rep.columns)
            for (const auto& [k, v] : c.context)
                add_unique(keys, k);
        bool columns_are_configurations = false;
        for (const std::string& key : keys)
            columns_are_configurations |= projected(key) && key.starts_with("anonmap_");
        for (const std::string& key : keys) {
            if (projected(key) || machine_keys.contains(key))
                continue;
            if (columns_are_configurations && describes_configuration(key))
                continue;
            for (const Column& c : rep.columns)
                if (context_values(c, key) != context_values(rep.columns[0], key)) {
                    differing.push_back(key);
                    break;
                }
        }
        if (!differing.empty())
            rep.warnings.push_back(fmt::format(
                "context keys that differ between columns but are not projected: {} (add them to --col "
                "to see them)",
                fmt::join(differing, ", ")));
    }

    for (std::size_t ci = 0; ci < ncols; ++ci)
        if (fewest[ci].first != SIZE_MAX)
            rep.warnings.push_back(fmt::format(
                "column {} vs base {}: too few repetitions for a U test (as few as n={} vs {}; at least {} "
                "each are needed, 10 or more are better)",
                rep.columns[ci].label, rep.columns[rep.base].label, fewest[ci].first, fewest[ci].second,
                min_n_for_u_test));

    for (std::size_t fi : aggregate_files)
        rep.warnings.push_back(fmt::format(
            "{} has only aggregates (--benchmark_report_aggregates_only): where no other file has "
            "repetitions, its median is used as a single sample, so no confidence interval and no U test",
            files[fi].path));

    if (!rep.tables.empty())
        for (const Row& r : rep.tables.front().rows)
            for (std::size_t ci = 0; ci < ncols; ++ci)
                if (r.cells[ci].failed > 0 && !r.cells[ci].samples.empty())
                    rep.warnings.push_back(fmt::format(
                        "{} in column {}: {} repetitions failed ({}); the other {} are used", r.benchmark,
                        rep.columns[ci].label, r.cells[ci].failed, *r.cells[ci].skipped,
                        r.cells[ci].samples.size()));

    // Noisy cells: a median whose repetitions scatter widely may move on the next run.
    for (const Table& table : rep.tables) {
        std::vector<std::string> noisy;
        for (const Row& r : table.rows)
            for (std::size_t ci = 0; ci < ncols; ++ci) {
                const std::vector<double>& x = r.cells[ci].samples;
                if (x.size() < 2)
                    continue;
                const double cv = stats::coefficient_of_variation(x);
                if (cv > opt.cv_threshold)
                    noisy.push_back(fmt::format("{} in {} ({:.0f}%)", r.benchmark, rep.columns[ci].label, 100 * cv));
            }
        if (noisy.empty())
            continue;
        const std::size_t shown = std::min<std::size_t>(noisy.size(), 8);
        rep.warnings.push_back(fmt::format(
            "{}: {} cell(s) with a coefficient of variation above {:.0f}% (noisy: rerun, or read with care): {}{}",
            table.counter, noisy.size(), 100 * opt.cv_threshold,
            fmt::join(noisy.begin(), noisy.begin() + static_cast<std::ptrdiff_t>(shown), "; "),
            noisy.size() > shown ? fmt::format("; +{} more", noisy.size() - shown) : std::string()));
    }

    rep.warnings.insert(rep.warnings.end(), warnings.begin(), warnings.end());
    return rep;
}

}  // namespace anonmap::compare
