// memfd: memfd_create(), the kernel's own anonymous file on its internal tmpfs mount. No directory, no name
// anyone can open, no noexec mount to trip over; the proposed wineserver change tries this first.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "anonmap/error.hpp"
#include "anonmap/metrics.hpp"
#include "anonmap/strategy.hpp"
#include "anonmap/system_facts.hpp"

// Linux 6.3 added the exec flags; Debian 12's headers (6.1) do not have them yet.
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

namespace anonmap {
namespace {

unsigned exec_flag(MemfdExec exec) {
  switch (exec) {
    case MemfdExec::none: return 0;
    case MemfdExec::exec: return MFD_EXEC;
    case MemfdExec::noexec_seal: return MFD_NOEXEC_SEAL;
  }
  return 0;
}

std::string describe_flags(const BackingOptions& options) {
  std::string names = "MFD_CLOEXEC";
  if (options.memfd_exec == MemfdExec::exec) names += "|MFD_EXEC";
  if (options.memfd_exec == MemfdExec::noexec_seal) names += "|MFD_NOEXEC_SEAL";
  if (options.memfd_allow_sealing) names += "|MFD_ALLOW_SEALING";
  if (options.memfd_hugetlb) names += "|MFD_HUGETLB";
  return names;
}

}  // namespace

std::string_view Strategy::name() { return "memfd"; }

Strategy::Strategy(BackingOptions options) : options_(std::move(options)) {
  if (!options_.dir.empty())
    throw Error("memfd takes no directory (--dir): a memfd lives on the kernel's internal tmpfs mount", EINVAL);
  memfd_flags_ = MFD_CLOEXEC | exec_flag(options_.memfd_exec) | (options_.memfd_allow_sealing ? MFD_ALLOW_SEALING : 0u) |
                 (options_.memfd_hugetlb ? MFD_HUGETLB : 0u);
  if (options_.memfd_hugetlb) {
    const std::uint64_t huge = probe_system().hugepage_size;
    if (huge == 0) throw Error("MFD_HUGETLB: the kernel reports no huge page size", EINVAL);
    granule_ = huge;
  } else {
    granule_ = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  }
  // One memfd now, so flags this kernel does not know fail here once, with a clear message.
  create_unsized();
}

UniqueFd Strategy::create_unsized() const {
  UniqueFd fd(::memfd_create("anonmap", memfd_flags_));
  if (fd) return fd;
  const int error = errno;
  const std::string call = "memfd_create(" + describe_flags(options_) + ")";
  if (error == EINVAL) throw Error(call + ": unsupported by this kernel (EINVAL)", error);
  if (error == EACCES && options_.memfd_exec != MemfdExec::noexec_seal)
    throw Error(call + ": refused by vm.memfd_noexec=" + read_first_line("/proc/sys/vm/memfd_noexec") +
                    " (EACCES; pass --memfd-exec=noexec-seal)", error);
  throw Error(errno_message(call, error), error);
}

}  // namespace anonmap
