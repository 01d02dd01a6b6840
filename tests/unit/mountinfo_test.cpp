#include "mountinfo.hpp"

#include <gtest/gtest.h>

#include "anonmap/error.hpp"

namespace anonmap {
namespace {

// Lines in the format of proc(5), including optional fields and an escaped space in a mount point.
constexpr const char* kMountinfo =
    "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard\n"
    "30 22 0:25 / /dev/shm rw,nosuid,nodev shared:5 master:2 - tmpfs tmpfs rw,size=1024k\n"
    "31 22 7:3 / /mnt/with\\040space rw,noexec - btrfs /dev/loop3 rw,space_cache=v2\n"
    "32 30 0:26 / /dev/shm rw,noexec - tmpfs tmpfs rw,size=2048k\n"
    "not a mountinfo line\n";

TEST(Mountinfo, ParsesFieldsAroundOptionalOnes) {
  const auto mounts = parse_mountinfo(kMountinfo);
  ASSERT_EQ(mounts.size(), 4u);
  EXPECT_EQ(mounts[1].mount_point, "/dev/shm");
  EXPECT_EQ(mounts[1].mount_options, "rw,nosuid,nodev");
  EXPECT_EQ(mounts[1].fs_type, "tmpfs");
  EXPECT_EQ(mounts[1].super_options, "rw,size=1024k");
  EXPECT_EQ(mounts[2].major, 7u);
  EXPECT_EQ(mounts[2].minor, 3u);
  EXPECT_EQ(mounts[2].source, "/dev/loop3");
}

TEST(Mountinfo, UnescapesOctalInMountPoints) {
  EXPECT_EQ(parse_mountinfo(kMountinfo)[2].mount_point, "/mnt/with space");
}

TEST(Mountinfo, LongestPrefixWinsAndLaterMountHidesEarlier) {
  const auto mounts = parse_mountinfo(kMountinfo);
  EXPECT_EQ(mount_containing(mounts, "/home/user").fs_type, "ext4");
  EXPECT_EQ(mount_containing(mounts, "/mnt/with space/dir").fs_type, "btrfs");
  // Two mounts on /dev/shm: the later (noexec, 2048k) is the one a path there reaches.
  EXPECT_EQ(mount_containing(mounts, "/dev/shm/x").super_options, "rw,size=2048k");
  // A name that merely starts like a mount point is not under it.
  EXPECT_EQ(mount_containing(mounts, "/dev/shmem").fs_type, "ext4");
}

TEST(Mountinfo, NoContainingMountIsAnError) {
  EXPECT_THROW(mount_containing({}, "/x"), Error);
}

}  // namespace
}  // namespace anonmap
