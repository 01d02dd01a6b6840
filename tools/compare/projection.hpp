// Projection of runs onto rows and columns by keys, as in Go's benchstat:
// a key is a context key of the file ("fs_type", "kernel", ...) or one of the
// pseudo-keys ".file" (the file's path) and ".name" (the benchmark's run name).
#pragma once

#include "model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anonmap::compare {

inline constexpr std::string_view file_key = ".file";
inline constexpr std::string_view name_key = ".name";
inline constexpr std::string_view missing_value = "-";

// "a,b,,c" -> {"a", "b", "c"}; surrounding blanks are trimmed.
std::vector<std::string> split_list(std::string_view s, char sep = ',');

// The value of `key` for run `run` of `file`, nullopt when the file's context
// lacks the key.
std::optional<std::string> key_value(const ResultFile& file, const Run& run, std::string_view key);

// One term of --filter: KEY=GLOB[|GLOB...] or KEY!=GLOB[|GLOB...], globs as
// in fnmatch(3).  A key the file lacks has the value "".
struct FilterTerm {
    std::string key;
    std::vector<std::string> globs;
    bool negate = false;

    bool matches(const ResultFile& file, const Run& run) const;
};

// Parses "fs_type=ext4|xfs,.name=BM_fault*"; throws UsageError.
std::vector<FilterTerm> parse_filter(std::string_view text);

// --base "key=value[,key=value]": the key values a column must have.
using KeyValues = std::vector<std::pair<std::string, std::string>>;
std::optional<KeyValues> parse_key_values(std::string_view text);

}  // namespace anonmap::compare
