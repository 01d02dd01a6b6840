#include "context.hpp"

#include <sys/vfs.h>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/system_facts.hpp"
#include "cgroup.hpp"

#ifndef ANONMAP_VERSION
#define ANONMAP_VERSION "unknown"
#endif

namespace anonmap::bench {
namespace {

// A memfd has no directory: its facts are those of the kernel's internal mount it lives on, and the exec
// probe runs on a memfd made with the same flags the benchmarks use.
void describe_memfd(const Strategy& strategy, std::map<std::string, std::string>& context) {
  context["anonmap_dir"] = "(memfd)";
  context["mount_options"] = "(kernel-internal)";
  context["block_stack"] = "none";
  context["fscrypt"] = "n/a";
  context["memfd_flags"] = fmt::format("{:#x}", strategy.memfd_flags());
  context["memfd_exec_flag"] = std::string(to_string(strategy.options().memfd_exec));
  try {
    const Backing probe = strategy.create(strategy.size_granule());
    struct statfs info {};
    context["fs_type"] = ::fstatfs(probe.fd(), &info) == 0 ? statfs_type_name(info.f_type) : "?";
    context["exec_allowed"] = probe_exec_of_fd(probe.fd()).detail;
  } catch (const Error& error) {
    context["fs_type"] = strategy.options().memfd_hugetlb ? "hugetlbfs" : "tmpfs";
    context["exec_allowed"] = std::string("unknown: ") + error.what();
  }
}

void describe_directory(const std::string& dir, std::map<std::string, std::string>& context) {
  const FsFacts facts = probe_filesystem(dir);
  context["anonmap_dir"] = facts.dir;
  context["fs_type"] = facts.fs_type;
  context["mount_point"] = facts.mount_point;
  context["mount_source"] = facts.mount_source;
  context["mount_options"] = facts.mount_options;
  context["fs_options"] = facts.super_options;
  context["block_stack"] = facts.block_stack;
  context["fscrypt"] = facts.fscrypt;
  context["exec_allowed"] = facts.exec.detail;
}

}  // namespace

std::map<std::string, std::string> describe_run(const Strategy& strategy) {
  std::map<std::string, std::string> context;
  context["anonmap_version"] = ANONMAP_VERSION;
  context["anonmap_strategy"] = std::string(Strategy::name());
  context["sizing"] = std::string(to_string(strategy.options().sizing));
  if (Strategy::name() == "memfd")
    describe_memfd(strategy, context);
  else
    describe_directory(strategy.options().dir, context);

  const SystemFacts system = probe_system();
  context["kernel"] = system.kernel;
  context["arch"] = system.arch;
  context["virt"] = system.virt;
  context["page_size"] = std::to_string(system.page_size);
  context["thp_enabled"] = system.thp_enabled;
  context["thp_shmem_enabled"] = system.thp_shmem_enabled;
  context["memfd_noexec"] = system.memfd_noexec;
  context["hugepage_size"] = std::to_string(system.hugepage_size);
  context["hugepages_total"] = std::to_string(system.hugepages_total);
  context["hugepages_free"] = std::to_string(system.hugepages_free);
  context["mem_total"] = std::to_string(system.mem_total);
  context["swap_total"] = std::to_string(system.swap_total);
  context["memory_cgroup"] = describe_memory_cgroup();  // "v1 /sys/fs/cgroup/memory", "v2 ...", or "none: why"
  return context;
}

}  // namespace anonmap::bench
