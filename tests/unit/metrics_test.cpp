#include "anonmap/metrics.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anonmap/error.hpp"
#include "anonmap/mapping.hpp"
#include "anonmap/system_facts.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {
namespace {

TEST(KbFields, ParsesKilobytesAndPlainCounts) {
  const KbFields fields = parse_kb_fields(
      "MemTotal:       24683664 kB\nHugePages_Free:       12\n"
      "55d0c0000000-7ffd00000000 ---p 00000000 00:00 0  [rollup]\nRss:  100 kB\n");
  EXPECT_EQ(fields.at("MemTotal"), 24683664ull * 1024);
  EXPECT_EQ(fields.at("HugePages_Free"), 12u);
  EXPECT_EQ(fields.at("Rss"), 100u * 1024);
  EXPECT_EQ(fields.size(), 3u);  // the address line of smaps_rollup is not a field
}

TEST(KbFields, ReadsProcMeminfo) {
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  EXPECT_GT(meminfo.at("MemTotal"), 0u);
  EXPECT_TRUE(meminfo.count("Shmem"));
  EXPECT_THROW(read_kb_fields("/proc/does-not-exist"), Error);
}

TEST(SelectedChoice, PicksTheBracketedEntry) {
  EXPECT_EQ(selected_choice("always [madvise] never"), "madvise");
  EXPECT_EQ(selected_choice("always within_size advise [never] deny force"), "never");
  EXPECT_EQ(selected_choice("0"), "0");
}

TEST(Faults, FirstTouchOfShmemPagesCountsMinorFaults) {
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  ASSERT_TRUE(fd);
  constexpr std::size_t kPages = 64;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(kPages * page)), 0);
  Mapping view(fd.get(), kPages * page, PROT_READ | PROT_WRITE);
  const FaultCounts before = thread_faults();
  for (std::size_t i = 0; i < kPages; ++i) view.data()[i * page] = std::byte{1};
  const FaultCounts after = thread_faults();
  EXPECT_GE(after.minor - before.minor, static_cast<std::int64_t>(kPages));
  EXPECT_EQ(allocated_bytes(fd.get()), kPages * page);
}

TEST(Snapshot, SeesRssGrowWithTouchedPages) {
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  constexpr std::size_t kBytes = 8 << 20;
  ASSERT_EQ(::ftruncate(fd.get(), kBytes), 0);
  Mapping view(fd.get(), kBytes, PROT_READ | PROT_WRITE);
  const MemorySnapshot before = take_snapshot(fd.get());
  for (std::size_t offset = 0; offset < kBytes; offset += 4096) view.data()[offset] = std::byte{1};
  const MemorySnapshot after = take_snapshot(fd.get());
  EXPECT_GE(after.rss - before.rss, kBytes);
  EXPECT_EQ(after.file_allocated, kBytes);
}

TEST(SystemFacts, DescribeThisMachine) {
  const SystemFacts facts = probe_system();
  EXPECT_FALSE(facts.kernel.empty());
  EXPECT_EQ(facts.page_size, static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
  EXPECT_GT(facts.mem_total, 0u);
  EXPECT_FALSE(facts.virt.empty());
  EXPECT_EQ(facts.thp_enabled.find('['), std::string::npos);
}

}  // namespace
}  // namespace anonmap
