#include "anonmap/unlinked_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "anonmap/error.hpp"
#include "pid_names.hpp"

namespace anonmap {
namespace {

constexpr std::string_view kFilePrefix = "anonmap.";

std::string random_suffix() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) bits = static_cast<std::uint64_t>(::getpid()) * 2654435761u;
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (int i = 0; i < 8; ++i, bits /= 36) suffix += kAlphabet[bits % 36];
  return suffix;
}

}  // namespace

UniqueFd create_unlinked_file(const std::string& dir) {
  const std::string stem = dir + "/" + std::string(kFilePrefix) + std::to_string(::getpid()) + ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string path = stem + random_suffix();
    // The same call mkstemp() makes: O_EXCL, mode 0600.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) {
      if (errno == EEXIST) continue;
      throw_errno("cannot create a file in " + dir);
    }
    // Unlinked before anything else happens to it: from here on, only the fd holds the file. A SIGKILL
    // between open and unlink leaves anonmap.<pid>.*, which remove_stale_unlinked_files() takes away.
    if (::unlink(path.c_str()) != 0) throw_errno("unlink " + path);
    return fd;
  }
  throw Error("cannot create a file in " + dir + ": 100 names in a row already existed", EEXIST);
}

int remove_stale_unlinked_files(const std::string& dir) {
  int removed = 0;
  for (const std::string& name : names_of_dead_pids(dir, kFilePrefix)) {
    struct stat info {};
    const std::string path = dir + "/" + name;
    if (::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::unlink(path.c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace anonmap
