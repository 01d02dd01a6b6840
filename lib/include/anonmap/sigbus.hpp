// A touch that faults past the end of what the filesystem can give (a full tmpfs, a full disk, a file
// truncated under the mapping, hugetlb without pages) gets SIGBUS. The harness must report that as the
// benchmark's result, not die of it.
#pragma once

#include <setjmp.h>

#include <cstdint>
#include <optional>

namespace anonmap {

namespace detail {
// Installs the SIGBUS handler for the lifetime of the scope and arms the jump target.
class SigbusScope {
 public:
  SigbusScope();
  ~SigbusScope();
  SigbusScope(const SigbusScope&) = delete;
  SigbusScope& operator=(const SigbusScope&) = delete;
  sigjmp_buf& jump_target() noexcept;
  std::uintptr_t fault_address() const noexcept;
};
}  // namespace detail

// Runs `touch()`; if it takes a SIGBUS, returns the faulting address instead of letting the process die.
// `touch` must not own anything that needs a destructor: a SIGBUS jumps straight out of it.
// The cost is one sigsetjmp (no system call) per call, nothing per page.
template <class Touch>
std::optional<std::uintptr_t> run_catching_sigbus(Touch&& touch) {
  detail::SigbusScope scope;
  if (sigsetjmp(scope.jump_target(), 0) == 0) {
    touch();
    return std::nullopt;
  }
  return scope.fault_address();
}

}  // namespace anonmap
