// A swap file of our own, switched on only while one pressure benchmark runs: memfd's answer to pressure
// is "it goes to swap", and that can only be measured with swap there.
//
// Swap is machine-wide while it is on; the pressure workload keeps it on for the duration of one case and
// lets only its own cgroup swap (the cgroups of the no-swap variant are barred from swap). Files are named
// anonmap-swap.<pid>.<n>; leftovers of a killed harness (dead <pid>) are swapped off and removed by the next.
#pragma once

#include <cstdint>
#include <string>

namespace anonmap::bench {

class ScopedSwapFile {
 public:
  // Makes <dir>/anonmap-swap.<pid>.<n> of `bytes` (mode 600, allocated with fallocate, a swap header
  // written as mkswap does), and swapon(2)s it. Throws Error with the reason, e.g.
  // "swapon /var/tmp/anonmap-swap.12.0: Invalid argument (EINVAL)" where the filesystem cannot hold swap.
  ScopedSwapFile(const std::string& dir, std::uint64_t bytes);
  ~ScopedSwapFile();  // swapoff(2), unlink
  ScopedSwapFile(const ScopedSwapFile&) = delete;
  ScopedSwapFile& operator=(const ScopedSwapFile&) = delete;

  const std::string& path() const noexcept { return path_; }

  // Swaps off and removes <dir>/anonmap-swap.<pid>.* of dead processes. Returns how many were removed.
  static int remove_stale(const std::string& dir);

 private:
  std::string path_;
  bool on_ = false;
};

}  // namespace anonmap::bench
