#include "anonmap/error.hpp"

#include <cstring>
#include <string>

namespace anonmap {

const char* errno_name(int errno_value) {
  // strerrorname_np() is glibc 2.32+; Debian 12 has 2.36.
  const char* name = ::strerrorname_np(errno_value);
  return name != nullptr ? name : "E?";
}

std::string errno_message(const std::string& what, int errno_value) {
  return what + ": " + std::strerror(errno_value) + " (" + errno_name(errno_value) + ")";
}

void throw_errno(const std::string& what) {
  const int saved = errno;
  throw Error(errno_message(what, saved), saved);
}

}  // namespace anonmap
