// What every strategy library shares: option names, and create() = a new fd + sizing.
#include <unistd.h>

#include <string>

#include "anonmap/error.hpp"
#include "anonmap/strategy.hpp"

namespace anonmap {

std::string_view to_string(MemfdExec flag) {
  switch (flag) {
    case MemfdExec::none: return "none";
    case MemfdExec::exec: return "exec";
    case MemfdExec::noexec_seal: return "noexec-seal";
  }
  return "?";
}

MemfdExec parse_memfd_exec(std::string_view text) {
  for (MemfdExec flag : {MemfdExec::none, MemfdExec::exec, MemfdExec::noexec_seal})
    if (text == to_string(flag)) return flag;
  throw Error("unknown memfd exec flag '" + std::string(text) + "' (expected none, exec or noexec-seal)", EINVAL);
}

Strategy::~Strategy() = default;

Backing Strategy::create(std::uint64_t size) const {
  if (size == 0) throw Error("size must be greater than 0", EINVAL);
  if (size % granule_ != 0)
    throw Error("size " + std::to_string(size) + " is not a multiple of " + std::to_string(granule_) +
                    (options_.memfd_hugetlb ? " (the huge page size)" : " (the page size)"),
                EINVAL);
  UniqueFd fd = create_unsized();
  apply_sizing(fd.get(), size, options_.sizing);
  return Backing(std::move(fd), size);
}

}  // namespace anonmap
