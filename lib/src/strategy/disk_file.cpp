// disk file: wineserver's recipe on a disk filesystem; what wineserver does today when /tmp is noexec and it
// falls back to $WINEPREFIX. Pages are page cache that writeback can clean, but every touched page also
// takes blocks on the filesystem.
#include <unistd.h>

#include "anonmap/error.hpp"
#include "anonmap/strategy.hpp"
#include "anonmap/unlinked_file.hpp"
#include "directory_check.hpp"

namespace anonmap {

std::string_view Strategy::name() { return "disk"; }

Strategy::Strategy(BackingOptions options) : options_(std::move(options)) {
  if (options_.memfd_exec != MemfdExec::none || options_.memfd_allow_sealing || options_.memfd_hugetlb)
    throw Error("disk: the memfd options do not apply to a disk file", EINVAL);
  if (options_.dir.empty()) {
    scratch_ = std::make_unique<ScratchDir>(default_disk_parent());
    options_.dir = scratch_->path();
  }
  options_.dir = checked_directory(options_.dir, WantedFilesystem::disk, name());
  remove_stale_unlinked_files(options_.dir);
  granule_ = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

UniqueFd Strategy::create_unsized() const { return create_unlinked_file(options_.dir); }

}  // namespace anonmap
