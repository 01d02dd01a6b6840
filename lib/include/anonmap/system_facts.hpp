// The machine-wide settings a result depends on, for the JSON context.
#pragma once

#include <cstdint>
#include <string>

namespace anonmap {

struct SystemFacts {
  std::string kernel;             // uname -r
  std::string arch;               // uname -m
  std::uint64_t page_size = 0;
  std::string thp_enabled;        // the selected value of /sys/kernel/mm/transparent_hugepage/enabled
  std::string thp_shmem_enabled;  // ... /shmem_enabled
  std::string memfd_noexec;       // vm.memfd_noexec ("0".."2", or "absent" before 6.3)
  std::uint64_t hugepage_size = 0;
  std::uint64_t hugepages_total = 0;
  std::uint64_t hugepages_free = 0;
  std::uint64_t mem_total = 0;    // bytes
  std::uint64_t swap_total = 0;   // bytes
  std::string virt;               // "none", "kvm", "tcg", "vmware", "hyperv", "xen", "vm" (unknown hypervisor)
};

SystemFacts probe_system();

// "[madvise]" style sysfs choice lists: the bracketed entry. "always [madvise] never" -> "madvise".
std::string selected_choice(const std::string& sysfs_text);

// First line of a small file, without the newline; `fallback` when it cannot be read.
std::string read_first_line(const std::string& path, const std::string& fallback = "absent");

}  // namespace anonmap
