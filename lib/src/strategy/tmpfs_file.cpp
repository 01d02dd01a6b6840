// tmpfs file: wineserver's recipe (a file created with O_EXCL and unlinked at once) in a tmpfs directory,
// /dev/shm by default; what wineserver does today when /tmp is a tmpfs. Pages are Shmem, as with memfd.
#include <unistd.h>

#include "anonmap/error.hpp"
#include "anonmap/strategy.hpp"
#include "anonmap/unlinked_file.hpp"
#include "directory_check.hpp"

namespace anonmap {

std::string_view Strategy::name() { return "tmpfs"; }

Strategy::Strategy(BackingOptions options) : options_(std::move(options)) {
  if (options_.memfd_exec != MemfdExec::none || options_.memfd_allow_sealing || options_.memfd_hugetlb)
    throw Error("tmpfs: the memfd options do not apply to a tmpfs file", EINVAL);
  if (options_.dir.empty()) options_.dir = "/dev/shm";
  options_.dir = checked_directory(options_.dir, WantedFilesystem::tmpfs, name());
  remove_stale_unlinked_files(options_.dir);
  granule_ = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

UniqueFd Strategy::create_unsized() const { return create_unlinked_file(options_.dir); }

}  // namespace anonmap
