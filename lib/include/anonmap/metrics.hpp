// Counting what happened, not what was asked: faults, blocks, free space, Shmem, RSS.
// None of these is cheap enough for a timed region; benchmarks read them before and after the clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace anonmap {

struct FaultCounts {
  std::int64_t minor = 0;
  std::int64_t major = 0;
};
// Faults taken by the calling thread so far (getrusage(RUSAGE_THREAD)).
FaultCounts thread_faults();

// Bytes the filesystem has allocated to the file (st_blocks * 512).
std::uint64_t allocated_bytes(int fd);
// Bytes an unprivileged user may still allocate on the filesystem of `fd` (statvfs f_bavail * f_frsize).
std::uint64_t free_bytes(int fd);
std::uint64_t free_bytes(const std::string& path);

// "Key:   123 kB" files (/proc/meminfo, /proc/self/smaps_rollup) as key -> bytes. Lines without a kB unit
// (HugePages_Free: 12) keep their number as is.
using KbFields = std::map<std::string, std::uint64_t>;
KbFields parse_kb_fields(const std::string& text);
KbFields read_kb_fields(const std::string& path);  // throws Error when it cannot be read

// The few numbers a page-touch benchmark records around its timed loop.
struct MemorySnapshot {
  FaultCounts faults;
  std::uint64_t file_allocated = 0;  // st_blocks of the backing, bytes
  std::uint64_t shmem = 0;           // /proc/meminfo Shmem, bytes (system-wide)
  std::uint64_t page_cache = 0;      // /proc/meminfo Cached, bytes (system-wide; includes Shmem)
  std::uint64_t rss = 0;             // /proc/self/smaps_rollup Rss, bytes
  // Pss_Shmem of smaps_rollup: this process's share of the shmem it maps (memfd, tmpfs). Unlike the
  // system-wide Shmem, blind to what other processes do. (Pss_File is not recorded: the PSS of shared
  // libraries moves whenever another process maps or unmaps them.)
  std::uint64_t pss_shmem = 0;
};
MemorySnapshot take_snapshot(int backing_fd);

}  // namespace anonmap
