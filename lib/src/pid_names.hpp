// Names of the form <prefix><pid>.<anything>, for finding what a dead run of ours left (internal header).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace anonmap {

// The entries of `dir` named <prefix><pid>.* whose <pid> is no longer a live process and that belong to
// this user. Never names an entry of a live process, of another user, or of another shape: wineserver's own
// "anonmap.XXXXXX" files have no second dot after a number, so they never match.
std::vector<std::string> names_of_dead_pids(const std::string& dir, std::string_view prefix);

}  // namespace anonmap
