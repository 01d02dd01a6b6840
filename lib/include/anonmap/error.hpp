// anonmap::Error: what went wrong, in one line a user can act on.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

namespace anonmap {

// Thrown for every failure the library reports. `code()` keeps the errno (0 when the failure is not a
// system call's), so callers can tell "unsupported by this kernel" (EINVAL) from "no space" (ENOSPC).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int errno_value = 0)
      : std::runtime_error(message), errno_value_(errno_value) {}
  int code() const noexcept { return errno_value_; }

 private:
  int errno_value_;
};

// "what: strerror (ENAME)" for the errno of the call that just failed, e.g. "mmap: Permission denied (EPERM)".
std::string errno_message(const std::string& what, int errno_value);

// Throws Error(errno_message(what, errno), errno).
[[noreturn]] void throw_errno(const std::string& what);

// The symbolic name of an errno value ("EPERM"), or its number as text.
const char* errno_name(int errno_value);

}  // namespace anonmap
