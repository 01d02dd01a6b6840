// The JSON `context` every result carries, so that it can be compared with another machine's.
#pragma once

#include <map>
#include <string>

#include "anonmap/strategy.hpp"

namespace anonmap::bench {

// Key -> value, under the names listed in DESIGN.md (anonmap_strategy, fs_type, block_stack, kernel, ...).
std::map<std::string, std::string> describe_run(const Strategy& strategy);

}  // namespace anonmap::bench
