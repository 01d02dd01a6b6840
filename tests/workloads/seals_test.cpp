// seals: the kernel enforces each memfd seal (checked here directly, and through the benchmark's counters);
// the file strategies report that they have none.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_json.hpp"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

namespace {

using anonmap::test::find_benchmark;
using anonmap::test::run_bench_json;
using nlohmann::json;

constexpr off_t kSize = 64 * 1024;

// A sealable memfd of kSize bytes, closed by the destructor.
struct SealableMemfd {
  SealableMemfd() : fd(::memfd_create("anonmap-seals-test", MFD_CLOEXEC | MFD_ALLOW_SEALING)) {
    if (fd >= 0 && ::ftruncate(fd, kSize) != 0) ::close(std::exchange(fd, -1));
  }
  ~SealableMemfd() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

int errno_of(bool failed) { return failed ? errno : 0; }
int write_one(int fd, off_t offset) {
  const char byte = 1;
  return errno_of(::pwrite(fd, &byte, 1, offset) != 1);
}
int map_writable(int fd) {
  void* view = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (view == MAP_FAILED) return errno;
  ::munmap(view, kSize);
  return 0;
}

TEST(SealsKernel, ShrinkAndGrowRefuseTheirDirection) {
  SealableMemfd shrink, grow;
  ASSERT_GE(shrink.fd, 0);
  ASSERT_EQ(::fcntl(shrink.fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
  EXPECT_EQ(errno_of(::ftruncate(shrink.fd, kSize / 2) != 0), EPERM);
  EXPECT_EQ(errno_of(::ftruncate(shrink.fd, kSize * 2) != 0), 0);
  ASSERT_EQ(::fcntl(grow.fd, F_ADD_SEALS, F_SEAL_GROW), 0);
  EXPECT_EQ(errno_of(::ftruncate(grow.fd, kSize * 2) != 0), EPERM);
  EXPECT_EQ(write_one(grow.fd, kSize), EPERM);
  EXPECT_EQ(write_one(grow.fd, 0), 0);
}

TEST(SealsKernel, WriteSealRefusesWritesAndWritableMappings) {
  SealableMemfd memfd;
  ASSERT_GE(memfd.fd, 0);
  EXPECT_EQ(write_one(memfd.fd, 0), 0);
  ASSERT_EQ(::fcntl(memfd.fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
  EXPECT_EQ(write_one(memfd.fd, 0), EPERM);
  EXPECT_EQ(map_writable(memfd.fd), EPERM);
  EXPECT_EQ(::fcntl(memfd.fd, F_GET_SEALS) & F_SEAL_WRITE, F_SEAL_WRITE);
}

TEST(SealsKernel, WriteSealIsBusyWhileAWritableMappingExists) {
  SealableMemfd memfd;
  ASSERT_GE(memfd.fd, 0);
  void* view = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED, memfd.fd, 0);
  ASSERT_NE(view, MAP_FAILED);
  EXPECT_EQ(errno_of(::fcntl(memfd.fd, F_ADD_SEALS, F_SEAL_WRITE) != 0), EBUSY);
  // F_SEAL_FUTURE_WRITE is allowed there, and the existing view stays writable.
  EXPECT_EQ(errno_of(::fcntl(memfd.fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) != 0), 0);
  static_cast<volatile char*>(view)[0] = 7;
  EXPECT_EQ(write_one(memfd.fd, 0), EPERM);
  EXPECT_EQ(map_writable(memfd.fd), EPERM);
  ::munmap(view, kSize);
}

TEST(SealsKernel, FileWithoutAllowSealingIsSealedAgainstSealing) {
  const int fd = ::memfd_create("anonmap-seals-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(errno_of(::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0), EPERM);
  ::close(fd);
}

TEST(SealsBench, MemfdEnforcesEverySeal) {
  const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "seals/enforced");
  const json& run = find_benchmark(output, "seals/enforced/iterations:1");
  ASSERT_FALSE(run.value("error_occurred", false)) << run.dump();
  for (const char* counter :
       {"unsealed_all_allowed", "shrink_ftruncate_refused", "shrink_grow_allowed", "grow_ftruncate_refused",
        "grow_write_past_end_refused", "grow_write_inside_allowed", "write_write_refused", "write_mmap_refused",
        "write_mprotect_refused", "write_busy_while_mapped", "future_write_added_while_mapped",
        "future_write_write_refused", "future_write_mmap_refused", "future_write_mprotect_refused",
        "seal_add_refused", "all_enforced"}) {
    ASSERT_TRUE(run.contains(counter)) << "no counter " << counter;
    EXPECT_EQ(run.at(counter).get<double>(), 1.0) << counter << ": " << run.value("label", "");
  }
  if (run.at("exec_supported").get<double>() == 1.0) {
    EXPECT_EQ(run.at("exec_chmod_refused").get<double>(), 1.0);
  }
}

TEST(SealsBench, AddingASealIsTimed) {
  const json output = run_bench_json(ANONMAP_BENCH_MEMFD, "seals/add/(write|future_write)/resident:0");
  for (const char* name : {"seals/add/write/resident:0/iterations:1000/manual_time",
                           "seals/add/future_write/resident:0/iterations:1000/manual_time"}) {
    const json& run = find_benchmark(output, name);
    EXPECT_FALSE(run.value("error_occurred", false)) << run.dump();
    EXPECT_GT(run.at("real_time").get<double>(), 0.0);
    EXPECT_EQ(run.at("resident_MiB").get<double>(), 0.0);
  }
}

TEST(SealsBench, FileStrategiesReportUnsupported) {
  for (const auto& [strategy, path] : {std::pair{"tmpfs", ANONMAP_BENCH_TMPFS}, std::pair{"disk", ANONMAP_BENCH_DISK}}) {
    const json output = run_bench_json(path, "seals/enforced|seals/add/shrink/resident:0");
    for (const char* name : {"seals/enforced/iterations:1", "seals/add/shrink/resident:0/iterations:1000/manual_time"}) {
      const json& run = find_benchmark(output, name);
      EXPECT_TRUE(run.value("error_occurred", false)) << run.dump();
      EXPECT_NE(run.value("error_message", "").find(std::string("seals: unsupported by the ") + strategy + " strategy"),
                std::string::npos)
          << run.dump();
    }
  }
}

}  // namespace
