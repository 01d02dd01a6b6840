// What the strategy tests share (compiled into each per-strategy test binary).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <string>

#include "anonmap/error.hpp"
#include "anonmap/strategy.hpp"

namespace anonmap {

inline const bool kIsMemfd = Strategy::name() == "memfd";
inline const bool kIsTmpfs = Strategy::name() == "tmpfs";
inline const auto kPage = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));

// The message a Strategy with these options refuses with, or "" when it accepts them.
inline std::string error_of(const BackingOptions& options) {
  try {
    Strategy strategy(options);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

inline BackingOptions in_dir(const std::string& dir) {
  BackingOptions options;
  options.dir = dir;
  return options;
}

}  // namespace anonmap
