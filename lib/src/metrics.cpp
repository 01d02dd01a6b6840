#include "anonmap/metrics.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include "anonmap/error.hpp"

namespace anonmap {

FaultCounts thread_faults() {
  rusage usage{};
  if (::getrusage(RUSAGE_THREAD, &usage) != 0) throw_errno("getrusage");
  return {usage.ru_minflt, usage.ru_majflt};
}

std::uint64_t allocated_bytes(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw_errno("fstat");
  return static_cast<std::uint64_t>(info.st_blocks) * 512;
}

std::uint64_t free_bytes(int fd) {
  struct statvfs info {};
  if (::fstatvfs(fd, &info) != 0) throw_errno("fstatvfs");
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

std::uint64_t free_bytes(const std::string& path) {
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0) throw_errno("statvfs " + path);
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

KbFields parse_kb_fields(const std::string& text) {
  KbFields fields;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || line.find_first_of(" \t") < colon) continue;  // smaps_rollup's address line
    std::istringstream rest(line.substr(colon + 1));
    std::string number, unit;
    if (!(rest >> number)) continue;
    rest >> unit;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc() || end != number.data() + number.size()) continue;
    fields[line.substr(0, colon)] = unit == "kB" ? value * 1024 : value;
  }
  return fields;
}

KbFields read_kb_fields(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_kb_fields(text.str());
}

MemorySnapshot take_snapshot(int backing_fd) {
  MemorySnapshot snapshot;
  snapshot.faults = thread_faults();
  snapshot.file_allocated = allocated_bytes(backing_fd);
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  snapshot.shmem = meminfo.count("Shmem") ? meminfo.at("Shmem") : 0;
  snapshot.page_cache = meminfo.count("Cached") ? meminfo.at("Cached") : 0;
  const KbFields rollup = read_kb_fields("/proc/self/smaps_rollup");
  const auto field = [&rollup](const char* key) { return rollup.count(key) ? rollup.at(key) : 0; };
  snapshot.rss = field("Rss");
  snapshot.pss_shmem = field("Pss_Shmem");
  return snapshot;
}

}  // namespace anonmap
