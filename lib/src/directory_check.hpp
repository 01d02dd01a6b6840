// The checks a file strategy makes on its directory before the first benchmark (internal header).
#pragma once

#include <string>
#include <string_view>

namespace anonmap {

enum class WantedFilesystem { tmpfs, disk };

// Returns the canonical path of `dir` after checking that it exists, is a directory, is writable by this
// user, is not on a read-only mount, and is (tmpfs) or is not (disk) a memory filesystem. Throws Error with
// a one-line message that names the directory and what to do instead.
std::string checked_directory(const std::string& dir, WantedFilesystem wanted, std::string_view strategy);

}  // namespace anonmap
