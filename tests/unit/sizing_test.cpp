#include "anonmap/sizing.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "anonmap/error.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {
namespace {

TEST(Sizing, NamesRoundTrip) {
  for (Sizing method : {Sizing::ftruncate, Sizing::grow_file, Sizing::fallocate})
    EXPECT_EQ(parse_sizing(to_string(method)), method);
  EXPECT_THROW(parse_sizing("truncate"), Error);
  EXPECT_THROW(parse_sizing(""), Error);
}

TEST(Sizing, ErrorsNameTheCallAndKeepErrno) {
  try {
    apply_sizing(-1, 4096, Sizing::ftruncate);
    FAIL() << "ftruncate(-1) succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), EBADF);
    EXPECT_STREQ(error.what(), "ftruncate: Bad file descriptor (EBADF)");
  }
  try {
    apply_sizing(-1, 4096, Sizing::fallocate);
    FAIL() << "posix_fallocate(-1) succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), EBADF);
  }
}

TEST(Sizing, GrowFileLeavesExactSize) {
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  apply_sizing(fd.get(), 1 << 20, Sizing::grow_file);
  struct stat info {};
  ASSERT_EQ(::fstat(fd.get(), &info), 0);
  EXPECT_EQ(info.st_size, 1 << 20);
}

}  // namespace
}  // namespace anonmap
