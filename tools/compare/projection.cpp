#include "projection.hpp"

#include "error.hpp"

#include <fnmatch.h>

#include <fmt/format.h>

namespace anonmap::compare {

std::vector<std::string> split_list(std::string_view s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(sep, start);
        if (end == std::string_view::npos)
            end = s.size();
        std::string_view item = s.substr(start, end - start);
        const auto first = item.find_first_not_of(" \t");
        if (first != std::string_view::npos) {
            const auto last = item.find_last_not_of(" \t");
            out.emplace_back(item.substr(first, last - first + 1));
        }
        start = end + 1;
    }
    return out;
}

std::optional<std::string> key_value(const ResultFile& file, const Run& run, std::string_view key)
{
    if (key == file_key)
        return file.path;
    if (key == name_key)
        return run.name;
    if (const std::string* v = file.find_context(key))
        return *v;
    return std::nullopt;
}

bool FilterTerm::matches(const ResultFile& file, const Run& run) const
{
    const std::string value = key_value(file, run, key).value_or("");
    bool any = false;
    for (const std::string& glob : globs)
        any = any || fnmatch(glob.c_str(), value.c_str(), 0) == 0;
    return any != negate;
}

std::vector<FilterTerm> parse_filter(std::string_view text)
{
    std::vector<FilterTerm> terms;
    for (const std::string& item : split_list(text)) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || (eq == 1 && item[0] == '!'))
            throw UsageError(fmt::format("--filter: \"{}\" is not KEY=GLOB or KEY!=GLOB", item));
        FilterTerm t;
        t.negate = item[eq - 1] == '!';
        t.key = item.substr(0, t.negate ? eq - 1 : eq);
        t.globs = split_list(std::string_view(item).substr(eq + 1), '|');
        if (t.globs.empty())
            t.globs.emplace_back();  // "key=" matches a missing or empty value
        terms.push_back(std::move(t));
    }
    if (terms.empty())
        throw UsageError("--filter: empty filter");
    return terms;
}

std::optional<KeyValues> parse_key_values(std::string_view text)
{
    KeyValues kv;
    for (const std::string& item : split_list(text)) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return std::nullopt;
        kv.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    if (kv.empty())
        return std::nullopt;
    return kv;
}

}  // namespace anonmap::compare
