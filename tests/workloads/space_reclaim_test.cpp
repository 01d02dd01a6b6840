// The space workload: an unlinked backing holds its space after munmap while its fd is open, gives it
// back at close, and gives it back before unmap when it is decommitted (PUNCH_HOLE, MADV_REMOVE).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_json.hpp"

namespace {

using anonmap::test::find_benchmark;
using anonmap::test::run_bench_json;
using nlohmann::json;

constexpr double kTouchedKiB = 64 * 1024;

double counter(const json& bench, const char* name) {
  if (!bench.contains(name)) throw std::runtime_error(std::string("no counter ") + name + " in " + bench.dump());
  return bench.at(name).get<double>();
}

// What every strategy shows exactly (st_blocks of the open fd).
void expect_file_blocks(const json& output) {
  const json& plain = find_benchmark(output, "space/reclaim/plain/MiB:64/iterations:1/manual_time");
  ASSERT_FALSE(plain.value("error_occurred", false)) << plain.dump();
  EXPECT_GE(counter(plain, "held_after_touch_KiB"), kTouchedKiB);
  EXPECT_GE(counter(plain, "held_after_unmap_KiB"), kTouchedKiB) << "freed before close?";
  for (const char* variant : {"punch_hole", "madv_remove"}) {
    const json& bench = find_benchmark(output, std::string("space/reclaim/") + variant + "/MiB:64/iterations:1/manual_time");
    ASSERT_FALSE(bench.value("error_occurred", false)) << bench.dump();
    EXPECT_GE(counter(bench, "held_after_touch_KiB"), kTouchedKiB) << variant;
    EXPECT_LT(counter(bench, "held_after_decommit_KiB"), kTouchedKiB * 0.05) << variant;
    EXPECT_LT(counter(bench, "held_after_unmap_KiB"), kTouchedKiB * 0.05) << variant;
  }
}

// Free space of a filesystem shared with other writers: only differences far above the noise are checked.
void expect_free_space_returned_at_close(const json& output) {
  const json& plain = find_benchmark(output, "space/reclaim/plain/MiB:64/iterations:1/manual_time");
  EXPECT_GT(counter(plain, "fs_held_unmap_KiB"), kTouchedKiB / 2);
  EXPECT_LT(counter(plain, "fs_held_close_KiB"), kTouchedKiB / 2);
  EXPECT_EQ(counter(plain, "held_after_close_KiB"), counter(plain, "fs_held_close_KiB"));
}

const char* const kFilter = "^space/reclaim/.*/MiB:64/";

TEST(SpaceReclaim, DiskFileOnExt4HoldsBlocksUntilCloseUnlessDecommitted) {
  anonmap::test::TempDir dir("/var/tmp");
  const json output = run_bench_json(ANONMAP_BENCH_DISK, kFilter, {"--dir=" + dir.path()});
  expect_file_blocks(output);
  expect_free_space_returned_at_close(output);
}

TEST(SpaceReclaim, TmpfsFileOnItsOwnMountIsExact) {
  if (!anonmap::test::running_as_root()) GTEST_SKIP() << "mounting a tmpfs needs root";
  anonmap::test::TempDir mount_point;
  const anonmap::test::ScopedTmpfsMount tmpfs(mount_point.path(), "size=1g");
  const json output = run_bench_json(ANONMAP_BENCH_TMPFS, kFilter, {"--dir=" + mount_point.path()});
  expect_file_blocks(output);
  // Nothing else uses this mount: its free space is exact.
  const json& plain = find_benchmark(output, "space/reclaim/plain/MiB:64/iterations:1/manual_time");
  EXPECT_EQ(counter(plain, "fs_held_touch_KiB"), kTouchedKiB);
  EXPECT_EQ(counter(plain, "fs_held_unmap_KiB"), kTouchedKiB);
  EXPECT_EQ(counter(plain, "fs_held_close_KiB"), 0.0);
  const json& punched = find_benchmark(output, "space/reclaim/punch_hole/MiB:64/iterations:1/manual_time");
  EXPECT_EQ(counter(punched, "fs_held_decommit_KiB"), 0.0);
  EXPECT_TRUE(plain.contains("shmem_close_KiB"));
}

TEST(SpaceReclaim, MemfdReportsShmem) {
  const json output = run_bench_json(ANONMAP_BENCH_MEMFD, kFilter);
  expect_file_blocks(output);
  const json& plain = find_benchmark(output, "space/reclaim/plain/MiB:64/iterations:1/manual_time");
  // System-wide Shmem moves with everything else running: present, and the same as held_after_close.
  EXPECT_EQ(counter(plain, "held_after_close_KiB"), counter(plain, "shmem_close_KiB"));
  EXPECT_FALSE(plain.contains("fs_held_close_KiB"));
}

}  // namespace
