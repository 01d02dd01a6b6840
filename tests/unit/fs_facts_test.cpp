#include "anonmap/fs_facts.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "anonmap/error.hpp"
#include "test_support.hpp"

namespace anonmap {
namespace {

using test::running_as_root;
using test::ScopedLoopMount;
using test::ScopedTmpfsMount;
using test::TempDir;

TEST(FsFacts, DevShmIsTmpfsWithItsMountOptions) {
  const FsFacts facts = probe_filesystem("/dev/shm");
  EXPECT_EQ(facts.fs_type, "tmpfs");
  EXPECT_EQ(facts.dir, "/dev/shm");
  EXPECT_TRUE(has_mount_option(facts.mount_options, "rw") || has_mount_option(facts.mount_options, "ro"))
      << facts.mount_options;
  EXPECT_EQ(facts.block_stack, "none");
  EXPECT_EQ(facts.exec.allowed, !has_mount_option(facts.mount_options, "noexec")) << facts.exec.detail;
}

TEST(FsFacts, DiskDirectoryHasABlockDevice) {
  const FsFacts facts = probe_filesystem("/");
  EXPECT_NE(facts.fs_type, "tmpfs");
  EXPECT_EQ(facts.mount_point, "/");
  EXPECT_FALSE(facts.block_stack.empty());
}

TEST(FsFacts, RefusesMissingDirectoryAndFile) {
  EXPECT_THROW(probe_filesystem("/nonexistent-anonmap-dir"), Error);
  EXPECT_THROW(probe_filesystem("/proc/self/status"), Error);
}

TEST(FsFacts, ExecProbeLeavesNothingBehind) {
  TempDir dir;
  const ExecProbe probe = probe_exec_in_dir(dir.path());
  EXPECT_TRUE(probe.detail == "yes" || probe.detail.rfind("no: ", 0) == 0) << probe.detail;
  EXPECT_TRUE(test::list_directory(dir.path()).empty());
}

TEST(FsFacts, ExecProbeSaysWhyWhenItCannotCreateAFile) {
  const ExecProbe probe = probe_exec_in_dir("/proc");
  EXPECT_FALSE(probe.allowed);
  EXPECT_EQ(probe.detail.rfind("unknown: ", 0), 0u) << probe.detail;
}

TEST(FsFacts, StatfsTypeNames) {
  EXPECT_EQ(statfs_type_name(0x01021994), "tmpfs");
  EXPECT_EQ(statfs_type_name(0x9123683E), "btrfs");
  EXPECT_EQ(statfs_type_name(0x58465342), "xfs");
  EXPECT_EQ(statfs_type_name(0x1234), "0x1234");
}

TEST(FsFacts, MountOptionsAreMatchedWhole) {
  EXPECT_TRUE(has_mount_option("rw,nosuid,noexec,relatime", "noexec"));
  EXPECT_FALSE(has_mount_option("rw,noexecute", "noexec"));
  EXPECT_FALSE(has_mount_option("", "noexec"));
}

TEST(FsFacts, FscryptIsOffOrUnsupportedOnAPlainDirectory) {
  const std::string policy = fscrypt_policy_of("/dev/shm");
  EXPECT_TRUE(policy == "off" || policy == "unsupported") << policy;
}

// wineserver's probe on a noexec mount: this is what sends it to $WINEPREFIX.
TEST(FsFactsAsRoot, NoexecTmpfsFailsTheExecProbe) {
  if (!running_as_root()) GTEST_SKIP() << "not root: cannot mount a noexec tmpfs";
  TempDir where;
  ScopedTmpfsMount mount(where.path(), "size=4m", MS_NOEXEC);
  const FsFacts facts = probe_filesystem(where.path());
  EXPECT_EQ(facts.fs_type, "tmpfs");
  EXPECT_TRUE(has_mount_option(facts.mount_options, "noexec")) << facts.mount_options;
  EXPECT_FALSE(facts.exec.allowed);
  EXPECT_NE(facts.exec.detail.find("EPERM"), std::string::npos) << facts.exec.detail;
  EXPECT_TRUE(test::list_directory(where.path()).empty());
}

TEST(FsFactsAsRoot, LoopMountedBtrfsIsBtrfsOnLoop) {
  if (!running_as_root()) GTEST_SKIP() << "not root: cannot attach a loop device";
  if (!test::have_program("mkfs.btrfs")) GTEST_SKIP() << "mkfs.btrfs not installed (Debian package btrfs-progs)";
  TempDir work("/var/tmp");
  ScopedLoopMount btrfs(work.path() + "/btrfs.img", work.path() + "/mnt", 128, {"mkfs.btrfs", "-q"});
  ASSERT_TRUE(btrfs.mounted()) << btrfs.error();
  const FsFacts facts = probe_filesystem(work.path() + "/mnt");
  EXPECT_EQ(facts.fs_type, "btrfs");
  EXPECT_EQ(facts.block_stack.rfind("loop", 0), 0u) << facts.block_stack;
  EXPECT_TRUE(facts.exec.allowed) << facts.exec.detail;
}

}  // namespace
}  // namespace anonmap
