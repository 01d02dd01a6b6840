#include "anonmap/sizing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "anonmap/error.hpp"

namespace anonmap {

std::string_view to_string(Sizing method) {
  switch (method) {
    case Sizing::ftruncate: return "ftruncate";
    case Sizing::grow_file: return "grow_file";
    case Sizing::fallocate: return "fallocate";
  }
  return "?";
}

Sizing parse_sizing(std::string_view text) {
  for (Sizing method : {Sizing::ftruncate, Sizing::grow_file, Sizing::fallocate})
    if (text == to_string(method)) return method;
  throw Error("unknown sizing method '" + std::string(text) + "' (expected ftruncate, grow_file or fallocate)",
              EINVAL);
}

void apply_sizing(int fd, std::uint64_t size, Sizing method) {
  const auto length = static_cast<off_t>(size);
  switch (method) {
    case Sizing::ftruncate:
      if (::ftruncate(fd, length) != 0) throw_errno("ftruncate");
      return;
    case Sizing::grow_file: {
      // Wineserver's grow_file(): "extend the file one byte beyond the requested size and then truncate
      // it", a workaround for ftruncate() implementations that could not extend files. On a disk
      // filesystem the write allocates (and the truncate frees) a block at the far end of the file.
      static const char zero = 0;
      if (::pwrite(fd, &zero, 1, length) != 1) throw_errno("grow_file: pwrite");
      if (::ftruncate(fd, length) != 0) throw_errno("grow_file: ftruncate");
      return;
    }
    case Sizing::fallocate: {
      // posix_fallocate() returns the error instead of setting errno.
      const int error = ::posix_fallocate(fd, 0, length);
      if (error != 0) throw Error(errno_message("posix_fallocate", error), error);
      return;
    }
  }
}

}  // namespace anonmap
