#include "pressure_swap.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/swap.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap::bench {
namespace {

constexpr const char* kNamePrefix = "anonmap-swap.";

// The kernel's union swap_header (linux/swap.h), version 1: what mkswap writes in the first page.
struct SwapHeaderInfo {
  char bootbits[1024];
  std::uint32_t version;
  std::uint32_t last_page;
  std::uint32_t nr_badpages;
  unsigned char sws_uuid[16];
  unsigned char sws_volume[16];
  std::uint32_t padding[117];
  std::uint32_t badpages[1];
};

void write_swap_header(int fd, std::uint64_t bytes, const std::string& path) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<char> first(page, 0);
  SwapHeaderInfo info{};
  info.version = 1;
  info.last_page = static_cast<std::uint32_t>(bytes / page - 1);
  std::memcpy(info.sws_volume, "anonmap-swap", 12);
  std::memcpy(first.data(), &info, sizeof info);
  std::memcpy(first.data() + page - 10, "SWAPSPACE2", 10);
  if (::pwrite(fd, first.data(), page, 0) != static_cast<ssize_t>(page)) throw_errno("write swap header to " + path);
  if (::fsync(fd) != 0) throw_errno("fsync " + path);
}

// <pid> of "anonmap-swap.<pid>.<n>", or 0.
pid_t owner_of(const std::string& name) {
  if (name.rfind(kNamePrefix, 0) != 0) return 0;
  try {
    return static_cast<pid_t>(std::stol(name.substr(std::strlen(kNamePrefix))));
  } catch (const std::exception&) {
    return 0;
  }
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

std::set<std::string> active_swaps() {
  std::set<std::string> active;
  std::ifstream in("/proc/swaps");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    if (fields >> name) active.insert(name);
  }
  return active;
}

}  // namespace

ScopedSwapFile::ScopedSwapFile(const std::string& dir, std::uint64_t bytes) {
  static std::once_flag stale_removed;
  std::call_once(stale_removed, [&] { remove_stale(dir); });
  static std::atomic<unsigned> serial{0};
  path_ = fmt::format("{}/{}{}.{}", dir, kNamePrefix, ::getpid(), serial++);
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) {
    const int saved = errno;
    path_.clear();
    throw Error(errno_message("create swap file in " + dir, saved), saved);
  }
  try {
    if (const int error = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(bytes)); error != 0)
      throw Error(errno_message("fallocate " + path_, error), error);
    write_swap_header(fd.get(), bytes, path_);
    fd.reset();
    if (::swapon(path_.c_str(), 0) != 0) throw_errno("swapon " + path_);
    on_ = true;
  } catch (...) {
    ::unlink(path_.c_str());
    throw;
  }
}

ScopedSwapFile::~ScopedSwapFile() {
  if (path_.empty()) return;
  if (on_ && ::swapoff(path_.c_str()) != 0)
    std::fprintf(stderr, "anonmap: swapoff %s: %s\n", path_.c_str(), std::strerror(errno));
  ::unlink(path_.c_str());
}

int ScopedSwapFile::remove_stale(const std::string& dir) {
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return 0;
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(listing)) {
    const pid_t owner = owner_of(entry->d_name);
    if (owner > 0 && owner != ::getpid() && !process_alive(owner)) stale.push_back(dir + "/" + entry->d_name);
  }
  ::closedir(listing);
  const std::set<std::string> active = active_swaps();
  int removed = 0;
  for (const std::string& path : stale) {
    if (active.count(path) != 0 && ::swapoff(path.c_str()) != 0) continue;
    removed += ::unlink(path.c_str()) == 0 ? 1 : 0;
  }
  return removed;
}

}  // namespace anonmap::bench
