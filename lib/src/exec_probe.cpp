// Wineserver's check_current_dir_for_exec(): make a file in the directory, give it a byte, and try to map it
// PROT_READ|PROT_EXEC. A noexec mount refuses with EPERM; wineserver then falls back to $WINEPREFIX.
#include <sys/mman.h>
#include <unistd.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/sizing.hpp"
#include "anonmap/unlinked_file.hpp"

namespace anonmap {

ExecProbe probe_exec_of_fd(int fd) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  void* view = ::mmap(nullptr, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (view == MAP_FAILED) return {false, "no: " + errno_message("mmap PROT_EXEC", errno)};
  ::munmap(view, page);
  return {true, "yes"};
}

ExecProbe probe_exec_in_dir(const std::string& dir) {
  try {
    UniqueFd file = create_unlinked_file(dir);
    apply_sizing(file.get(), 1, Sizing::grow_file);  // as wineserver does: grow_file(fd, 1)
    return probe_exec_of_fd(file.get());
  } catch (const Error& error) {
    return {false, std::string("unknown: ") + error.what()};
  }
}

}  // namespace anonmap
