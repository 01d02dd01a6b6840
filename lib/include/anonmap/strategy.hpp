// The one interface every strategy library implements: "give me an fd that backs N bytes of shared memory".
//
// Each strategy is its own static library (anonmap_memfd, anonmap_tmpfs, anonmap_disk) built from its own
// source file under lib/src/strategy/; the benchmark binaries link exactly one of them, so the strategy is
// fixed at compile time and the timed code never goes through a run-time switch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "anonmap/scratch_dir.hpp"
#include "anonmap/sizing.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {

// memfd's exec flag (Linux 6.3+). `none` passes neither flag and lets vm.memfd_noexec decide.
enum class MemfdExec { none, exec, noexec_seal };
std::string_view to_string(MemfdExec);
MemfdExec parse_memfd_exec(std::string_view);  // "none" | "exec" | "noexec-seal"; throws Error

struct BackingOptions {
  std::string dir;  // tmpfs and disk: where the file is created (empty: the strategy's default)
  Sizing sizing = Sizing::ftruncate;
  // memfd only:
  MemfdExec memfd_exec = MemfdExec::none;
  bool memfd_allow_sealing = false;
  bool memfd_hugetlb = false;
};

// An fd backing `size()` bytes, reachable by no name: the file was unlinked right after it was created.
class Backing {
 public:
  Backing(UniqueFd fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}
  int fd() const noexcept { return fd_.get(); }
  std::uint64_t size() const noexcept { return size_; }
  // Closes the fd now (benchmarks that time close() call this explicitly).
  void close() noexcept { fd_.reset(); }

 private:
  UniqueFd fd_;
  std::uint64_t size_;
};

class Strategy {
 public:
  // Resolves defaults (tmpfs: /dev/shm; disk: a scratch directory of its own) and checks the options once:
  // the directory exists, is a directory, is writable, is on the right kind of filesystem; the memfd flags
  // are supported by this kernel. Throws Error with a one-line message otherwise.
  explicit Strategy(BackingOptions options);
  ~Strategy();
  Strategy(const Strategy&) = delete;
  Strategy& operator=(const Strategy&) = delete;

  // "memfd", "tmpfs" or "disk": the strategy this library was built for.
  static std::string_view name();
  // The options with defaults resolved (dir is the directory actually used; empty for memfd).
  const BackingOptions& options() const noexcept { return options_; }
  // The memfd_create() flags this strategy passes (0 for the file strategies).
  unsigned memfd_flags() const noexcept { return memfd_flags_; }
  // The unit sizes must be a multiple of: the page size, or the huge page size with MFD_HUGETLB.
  std::uint64_t size_granule() const noexcept { return granule_; }

  // A new backing of `size` bytes, sized with options().sizing. Throws Error (size 0, not a multiple of
  // size_granule(), ENOSPC, EPERM, ...).
  Backing create(std::uint64_t size) const;

 private:
  UniqueFd create_unsized() const;

  BackingOptions options_;
  std::unique_ptr<ScratchDir> scratch_;  // disk's default directory, made and removed by us
  unsigned memfd_flags_ = 0;
  std::uint64_t granule_ = 0;
};

}  // namespace anonmap
