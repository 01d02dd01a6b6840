// Writing the output file all at once or not at all.
#pragma once

#include <string>
#include <string_view>

namespace anonmap::compare {

// Writes `data` to a temporary file next to `path`, flushes it to disk and
// renames it over `path`: readers see the old file or the complete new one,
// never a partial one.  Throws InputError naming `path`.
void write_file_atomically(const std::string& path, std::string_view data);

}  // namespace anonmap::compare
