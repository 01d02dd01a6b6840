// Wineserver's recipe for an anonymous mapping's backing: a new file in a directory, unlinked at once.
#pragma once

#include <string>

#include "anonmap/unique_fd.hpp"

namespace anonmap {

// Creates `dir`/anonmap.<pid>.XXXXXX with O_EXCL and unlinks it right away, so only the fd remains.
// The directory operations (create, unlink) are part of what the file strategies cost, so they stay here
// rather than being replaced with O_TMPFILE.
UniqueFd create_unlinked_file(const std::string& dir);

// Removes the files that processes of this user which died between create and unlink left in `dir`
// (names anonmap.<pid>.* whose pid no longer exists). Returns how many it removed.
int remove_stale_unlinked_files(const std::string& dir);

}  // namespace anonmap
