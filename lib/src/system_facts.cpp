#include "anonmap/system_facts.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "anonmap/metrics.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace anonmap {
namespace {

std::uint64_t field_or_zero(const KbFields& fields, const std::string& key) {
  const auto found = fields.find(key);
  return found == fields.end() ? 0 : found->second;
}

// The hypervisor, from its CPUID signature: TCG (QEMU's emulation) times are not comparable with native ones.
std::string detect_virtualization() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  __cpuid(1, eax, ebx, ecx, edx);
  if ((ecx & (1u << 31)) == 0) return "none";  // the "hypervisor present" bit
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char vendor[13] = {};
  std::memcpy(vendor + 0, &ebx, 4);
  std::memcpy(vendor + 4, &ecx, 4);
  std::memcpy(vendor + 8, &edx, 4);
  const std::string signature = vendor;
  if (signature == "KVMKVMKVM") return "kvm";
  if (signature == "TCGTCGTCGTCG") return "tcg";
  if (signature == "VMwareVMware") return "vmware";
  if (signature == "Microsoft Hv") return "hyperv";
  if (signature == "XenVMMXenVMM") return "xen";
  return signature.empty() ? "vm" : "vm(" + signature + ")";
#else
  return "unknown";
#endif
}

}  // namespace

std::string read_first_line(const std::string& path, const std::string& fallback) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return fallback;
  return line;
}

std::string selected_choice(const std::string& sysfs_text) {
  const auto open = sysfs_text.find('[');
  const auto close = sysfs_text.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return sysfs_text;
  return sysfs_text.substr(open + 1, close - open - 1);
}

SystemFacts probe_system() {
  SystemFacts facts;
  utsname names{};
  if (::uname(&names) == 0) {
    facts.kernel = names.release;
    facts.arch = names.machine;
  }
  facts.page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  facts.thp_enabled = selected_choice(read_first_line("/sys/kernel/mm/transparent_hugepage/enabled"));
  facts.thp_shmem_enabled = selected_choice(read_first_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled"));
  facts.memfd_noexec = read_first_line("/proc/sys/vm/memfd_noexec");
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  facts.hugepage_size = field_or_zero(meminfo, "Hugepagesize");
  facts.hugepages_total = field_or_zero(meminfo, "HugePages_Total");
  facts.hugepages_free = field_or_zero(meminfo, "HugePages_Free");
  facts.mem_total = field_or_zero(meminfo, "MemTotal");
  facts.swap_total = field_or_zero(meminfo, "SwapTotal");
  facts.virt = detect_virtualization();
  return facts;
}

}  // namespace anonmap
