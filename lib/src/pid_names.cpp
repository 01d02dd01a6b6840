#include "pid_names.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace anonmap {

std::vector<std::string> names_of_dead_pids(const std::string& dir, std::string_view prefix) {
  std::vector<std::string> dead;
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) return dead;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (!name.starts_with(prefix)) continue;
    const std::string_view rest = name.substr(prefix.size());
    int pid = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (error != std::errc() || pid <= 0 || end == rest.data() + rest.size() || *end != '.') continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    struct stat info {};
    if (::fstatat(::dirfd(stream), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (info.st_uid != ::geteuid()) continue;
    dead.emplace_back(name);
  }
  ::closedir(stream);
  return dead;
}

}  // namespace anonmap
