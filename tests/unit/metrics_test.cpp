#include "anonmap/metrics.hpp"

#include <gtest/gtest.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <cstring>
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

// getrusage()'s minor faults are what the benchmarks report; the kernel's own software event for them
// (perf_event_open PERF_COUNT_SW_PAGE_FAULTS_MIN, this thread) must agree, page for page.
TEST(Faults, GetrusageAgreesWithThePerfPageFaultCounter) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_SW_PAGE_FAULTS_MIN;
  attr.disabled = 1;
  UniqueFd counter(static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC)));
  if (!counter) GTEST_SKIP() << "perf_event_open unavailable: " << std::strerror(errno);

  constexpr std::size_t kPages = 2048;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(kPages * page)), 0);
  Mapping view(fd.get(), kPages * page, PROT_READ | PROT_WRITE);
  const FaultCounts before = thread_faults();
  ::ioctl(counter.get(), PERF_EVENT_IOC_ENABLE, 0);
  for (std::size_t i = 0; i < kPages; ++i) view.data()[i * page] = std::byte{1};
  ::ioctl(counter.get(), PERF_EVENT_IOC_DISABLE, 0);
  const FaultCounts after = thread_faults();
  std::uint64_t perf_faults = 0;
  ASSERT_EQ(::read(counter.get(), &perf_faults, sizeof perf_faults), static_cast<ssize_t>(sizeof perf_faults));
  const auto rusage_faults = static_cast<std::uint64_t>(after.minor - before.minor);
  EXPECT_GE(perf_faults, kPages);
  // The ioctl and getrusage calls themselves may fault a page or two outside the perf window.
  EXPECT_LE(rusage_faults - std::min(rusage_faults, perf_faults), 2u) << rusage_faults << " vs " << perf_faults;
  EXPECT_LE(perf_faults - std::min(rusage_faults, perf_faults), 2u) << rusage_faults << " vs " << perf_faults;
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
