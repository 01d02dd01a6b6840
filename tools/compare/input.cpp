#include "input.hpp"

#include "error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fmt/format.h>

namespace anonmap::compare {

namespace fs = std::filesystem;
// ordered_json keeps the file's order of context keys and counters.
using json = nlohmann::ordered_json;

namespace {

// ---- files and directories -------------------------------------------------

std::vector<std::string> json_files_below(const fs::path& dir)
{
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec)
        throw InputError(dir.string(), fmt::format("cannot read directory: {}", ec.message()));
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec)
            throw InputError(dir.string(), fmt::format("cannot read directory: {}", ec.message()));
        std::error_code type_ec;
        // A run directory of anonmap-run holds its manifest, run.json, beside the results: it is no benchmark
        // output, and `anonmap-compare results/HOST/RUN/` must read the rest. Named on the command line, it is
        // read (and refused) like any other file.
        if (it->path().filename() == "run.json")
            continue;
        if (it->path().extension() == ".json" && it->is_regular_file(type_ec))
            files.push_back(it->path().string());
    }
    if (ec)
        throw InputError(dir.string(), fmt::format("cannot read directory: {}", ec.message()));
    std::sort(files.begin(), files.end());
    if (files.empty())
        throw InputError(dir.string(), "directory contains no *.json files");
    return files;
}

// ---- text checks -----------------------------------------------------------

// Length of the UTF-8 sequence starting at s[i], 0 if it is not well formed
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xbf;  // range of the second byte
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c == 0xe0) { len = 3; lo = 0xa0; }
    else if (c == 0xed) { len = 3; hi = 0x9f; }  // no UTF-16 surrogates
    else if (c >= 0xe1 && c <= 0xef) len = 3;     // e1..ec and ee..ef (ed is taken above)
    else if (c == 0xf0) { len = 4; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) len = 4;
    else if (c == 0xf4) { len = 4; hi = 0x8f; }
    else return 0;
    if (i + len > s.size())
        return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
    return len;
}

bool all_whitespace(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The JSON type as a reader would say it.
std::string type_name(const json& j)
{
    if (j.is_number())
        return "a number";
    if (j.is_string())
        return "a string";
    if (j.is_boolean())
        return "a boolean";
    if (j.is_null())
        return "null";
    if (j.is_array())
        return "an array";
    return "an object";
}

// Compact, single-line rendering of a context value.
std::string context_string(const json& v)
{
    if (v.is_string())
        return v.get<std::string>();
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

double time_unit_factor(const std::string& unit)
{
    static const std::map<std::string, double, std::less<>> factors{
        {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    const auto it = factors.find(unit);
    return it == factors.end() ? 0.0 : it->second;
}

// "BM_x/64/repeats:10/threads:2" -> "BM_x/64/threads:2"
std::string strip_repeats(std::string name)
{
    for (std::size_t pos = 0; (pos = name.find("/repeats:", pos)) != std::string::npos;) {
        std::size_t end = pos + 9;
        while (end < name.size() && name[end] >= '0' && name[end] <= '9')
            ++end;
        if (end > pos + 9 && (end == name.size() || name[end] == '/'))
            name.erase(pos, end - pos);
        else
            pos = end;
    }
    return name;
}

// Fields of a benchmark entry that describe the run rather than measure it.
bool is_structural_field(std::string_view key)
{
    static const std::set<std::string, std::less<>> keys{
        "name", "run_name", "run_type", "family_index", "per_family_instance_index",
        "repetitions", "repetition_index", "threads", "iterations", "aggregate_name",
        "aggregate_unit", "time_unit", "error_occurred", "error_message", "skipped",
        "skip_message", "label", "big_o", "rms", "cpu_coefficient", "real_coefficient"};
    return keys.contains(key);
}

class EntryReader {
public:
    EntryReader(const json& entry, std::size_t index) : e_(entry), index_(index) {}

    [[noreturn]] void fail(const std::string& what) const
    {
        std::string where = fmt::format("benchmarks[{}]", index_);
        if (const auto it = e_.find("name"); it != e_.end() && it->is_string())
            where += fmt::format(" ({})", it->get_ref<const std::string&>());
        throw std::runtime_error(fmt::format("{}: {}", where, what));
    }

    // A string field; nullopt when absent; wrong type is an error.
    std::optional<std::string> string(const char* key) const
    {
        const auto it = e_.find(key);
        if (it == e_.end())
            return std::nullopt;
        if (!it->is_string())
            fail(fmt::format("\"{}\" is {}, expected a string", key, type_name(*it)));
        return it->get<std::string>();
    }

    bool flag(const char* key) const
    {
        const auto it = e_.find(key);
        if (it == e_.end())
            return false;
        if (!it->is_boolean())
            fail(fmt::format("\"{}\" is {}, expected true or false", key, type_name(*it)));
        return it->get<bool>();
    }

private:
    const json& e_;
    std::size_t index_;
};

struct ParsedEntry {
    Run run;
    bool aggregate = false;
    std::string aggregate_name;
};

ParsedEntry parse_entry(const json& e, std::size_t index)
{
    EntryReader r(e, index);
    if (!e.is_object())
        r.fail(fmt::format("is {}, expected an object", type_name(e)));

    ParsedEntry p;
    const std::optional<std::string> name = r.string("name");
    if (!name)
        r.fail("missing \"name\"");
    const std::optional<std::string> run_type = r.string("run_type");
    if (run_type && *run_type != "iteration" && *run_type != "aggregate")
        r.fail(fmt::format("unknown run_type \"{}\"", *run_type));
    p.aggregate_name = r.string("aggregate_name").value_or("");
    // Before run_type existed (Google Benchmark < 1.5) aggregates were only
    // recognisable by their aggregate_name.
    p.aggregate = run_type ? *run_type == "aggregate" : !p.aggregate_name.empty();

    std::string run_name;
    if (const auto rn = r.string("run_name"))
        run_name = *rn;
    else {
        run_name = *name;
        const std::string suffix = "_" + p.aggregate_name;
        if (p.aggregate && !p.aggregate_name.empty() && run_name.ends_with(suffix))
            run_name.erase(run_name.size() - suffix.size());
    }
    p.run.name = strip_repeats(run_name);
    if (p.run.name.empty())
        r.fail("empty benchmark name");

    if (r.flag("error_occurred"))
        p.run.skipped = r.string("error_message").value_or("error");
    else if (r.flag("skipped"))
        p.run.skipped = r.string("skip_message").value_or("skipped");
    if (p.run.skipped)
        return p;  // its times are zeros, not measurements

    // Complexity fits (BigO, RMS) are aggregates without times: nothing to read.
    if (p.aggregate && p.aggregate_name != "median")
        return p;

    const auto real = e.find("real_time");
    if (real == e.end())
        r.fail("missing \"real_time\"");
    const std::optional<std::string> unit = r.string("time_unit");
    if (!unit)
        r.fail("missing \"time_unit\"");
    const double factor = time_unit_factor(*unit);
    if (factor == 0)
        r.fail(fmt::format("unknown time_unit \"{}\" (expected ns, us, ms or s)", *unit));

    for (const auto& [key, value] : e.items()) {
        if (is_structural_field(key) || value.is_null())  // null: NaN/Infinity in the file
            continue;
        const bool is_time = key == "real_time" || key == "cpu_time";
        if (!value.is_number()) {
            if (is_time)
                r.fail(fmt::format("\"{}\" is {}, expected a number", key, type_name(value)));
            continue;  // strings and booleans are not counters
        }
        const double v = value.get<double>() * (is_time ? factor : 1.0);
        if (std::isfinite(v))
            p.run.values.emplace_back(key, v);
    }
    return p;
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& args,
                                       std::vector<std::string>& notes)
{
    std::vector<std::string> files;
    std::set<std::string> seen;
    for (const std::string& arg : args) {
        std::error_code ec;
        const fs::file_status st = fs::status(arg, ec);
        if (ec || !fs::exists(st))
            throw InputError(arg, ec ? ec.message() : std::string(std::strerror(ENOENT)));
        std::vector<std::string> found;
        if (fs::is_directory(st))
            found = json_files_below(arg);
        else
            found.push_back(arg);
        for (std::string& f : found) {
            std::error_code canon_ec;
            const std::string id = fs::weakly_canonical(f, canon_ec).string();
            if (!seen.insert(canon_ec ? f : id).second) {
                notes.push_back(fmt::format("{} was given more than once; it is read once", f));
                continue;
            }
            files.push_back(std::move(f));
        }
    }
    return files;
}

std::string prepare_json_text(std::string_view text)
{
    if (text.empty())
        throw std::runtime_error("empty file");
    if (all_whitespace(text))
        throw std::runtime_error("empty file (only whitespace)");

    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    int depth = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = utf8_sequence_length(text, i);
        if (len == 0)
            throw std::runtime_error(fmt::format(
                "not UTF-8: invalid byte 0x{:02x} at offset {}", static_cast<unsigned char>(text[i]), i));
        const char c = text[i];
        if (in_string) {
            if (c == '\\' && i + 1 < text.size()) {
                out.append(text.substr(i, 2));
                i += 2;
                continue;
            }
            if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth)
                throw std::runtime_error(
                    fmt::format("nested deeper than {} levels at offset {}", max_json_depth, i));
        } else if (c == ']' || c == '}') {
            --depth;
        } else {
            bool replaced = false;
            for (std::string_view word : {"NaN", "-NaN", "Infinity", "-Infinity"}) {
                if (text.substr(i, word.size()) == word) {
                    out += "null";
                    i += word.size();
                    replaced = true;
                    break;
                }
            }
            if (replaced)
                continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

ResultFile parse_result(std::string_view text, const std::string& path)
{
    ResultFile result;
    result.path = path;
    try {
        const std::string prepared = prepare_json_text(text);
        json doc;
        try {
            doc = json::parse(prepared);
        } catch (const json::parse_error& e) {
            // "[json.exception.parse_error.101] parse error at line 3, ..." -> "parse error at line 3, ..."
            std::string msg = e.what();
            if (const auto pos = msg.find("] "); pos != std::string::npos)
                msg.erase(0, pos + 2);
            // A parse error at the very end means the file stops early.
            const bool at_end = e.byte + 1 >= prepared.size();
            throw std::runtime_error((at_end ? "truncated JSON: " : "not valid JSON: ") + msg);
        }

        if (!doc.is_object())
            throw std::runtime_error(fmt::format(
                "not Google Benchmark output: the top level is {}, expected an object", type_name(doc)));
        const auto ctx = doc.find("context");
        const auto benchmarks = doc.find("benchmarks");
        if (benchmarks == doc.end())
            throw std::runtime_error("not Google Benchmark output: no \"benchmarks\" array");
        if (!benchmarks->is_array())
            throw std::runtime_error(fmt::format(
                "not Google Benchmark output: \"benchmarks\" is {}, expected an array", type_name(*benchmarks)));
        if (ctx == doc.end())
            throw std::runtime_error("not Google Benchmark output: no \"context\" object");
        if (!ctx->is_object())
            throw std::runtime_error(fmt::format(
                "not Google Benchmark output: \"context\" is {}, expected an object", type_name(*ctx)));

        for (const auto& [key, value] : ctx->items())
            result.context.emplace_back(key, context_string(value));
        if (const auto v = ctx->find("json_schema_version"); v != ctx->end()) {
            if (!v->is_number_integer() || v->get<long long>() != 1)
                throw std::runtime_error(fmt::format(
                    "unsupported json_schema_version {} (this tool reads version 1 and the unversioned "
                    "format of Google Benchmark 1.7.1)", context_string(*v)));
        }

        if (benchmarks->empty())
            throw std::runtime_error("contains no benchmarks (\"benchmarks\" is empty)");

        // Repetitions are the samples.  A run that has only aggregates
        // (--benchmark_report_aggregates_only) contributes its median as one sample.
        std::set<std::string> names_with_samples;
        std::vector<Run> medians;
        for (std::size_t i = 0; i < benchmarks->size(); ++i) {
            ParsedEntry p = parse_entry((*benchmarks)[i], i);
            if (!p.aggregate) {
                names_with_samples.insert(p.run.name);
                result.runs.push_back(std::move(p.run));
            } else if (p.aggregate_name == "median" && !p.run.skipped) {
                p.run.from_median_aggregate = true;
                medians.push_back(std::move(p.run));
            }
        }
        for (Run& m : medians) {
            if (names_with_samples.contains(m.name))
                continue;
            result.aggregates_only = true;
            result.runs.push_back(std::move(m));
        }
        if (result.runs.empty())
            throw std::runtime_error("contains no repetitions and no median aggregates");
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {  // our reasons, nlohmann's type errors, bad_alloc
        throw InputError(path, e.what());
    }
    return result;
}

ResultFile read_result_file(const std::string& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw InputError(path, "is a directory");
    if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) > max_input_bytes && !ec)
        throw InputError(path, fmt::format("larger than {} MiB; not a benchmark result", max_input_bytes >> 20));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path, fmt::format("cannot open: {}", std::strerror(errno)));
    // Read in chunks so that a FIFO or a character device is capped as well.
    std::string text;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_input_bytes)
            throw InputError(path, fmt::format("larger than {} MiB; not a benchmark result", max_input_bytes >> 20));
    }
    if (in.bad())
        throw InputError(path, fmt::format("read error: {}", std::strerror(errno)));
    return parse_result(text, path);
}

}  // namespace anonmap::compare
