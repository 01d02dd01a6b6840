// Reading Google Benchmark JSON files defensively: every way a file can be
// wrong ends in an InputError naming the file and the problem, never in a
// crash or an unbounded allocation.
#pragma once

#include "model.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace anonmap::compare {

inline constexpr std::size_t max_input_bytes = std::size_t{256} << 20;  // 256 MiB
inline constexpr int max_json_depth = 64;  // Google Benchmark writes depth 4

// Expands the command-line inputs: a directory becomes the *.json regular
// files below it (recursively, sorted by path).  A path that appears twice is
// read once and noted in `notes`.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args,
                                       std::vector<std::string>& notes);

// Checks that `text` is UTF-8, not nested deeper than max_json_depth and
// rewrites the bare NaN, Infinity and -Infinity that Google Benchmark writes
// for non-finite doubles into null.  Throws std::runtime_error with a short
// reason.
std::string prepare_json_text(std::string_view text);

// Parses the text of one file.  `path` only names the file in errors.
ResultFile parse_result(std::string_view text, const std::string& path);

// Reads (at most max_input_bytes of) a file and parses it.
ResultFile read_result_file(const std::string& path);

}  // namespace anonmap::compare
