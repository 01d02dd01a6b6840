#include "anonmap/sigbus.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anonmap/mapping.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {
namespace {

// A page past the end of the file behind a shared mapping raises SIGBUS, as a full filesystem does.
TEST(Sigbus, TouchPastEndOfFileIsReportedNotFatal) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(4 * page)), 0);
  Mapping view(fd.get(), 4 * page, PROT_READ | PROT_WRITE);
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(2 * page)), 0);

  volatile std::size_t pages_done = 0;
  const auto fault = run_catching_sigbus([&] {
    for (std::size_t i = 0; i < 4; ++i) {
      view.data()[i * page] = std::byte{1};
      pages_done = i + 1;
    }
  });
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(*fault, reinterpret_cast<std::uintptr_t>(view.data() + 2 * page));
  EXPECT_EQ(pages_done, 2u);
}

TEST(Sigbus, NoFaultReturnsNothingAndGuardsAgainAfterAFault) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(page)), 0);
  Mapping view(fd.get(), 2 * page, PROT_READ | PROT_WRITE);
  EXPECT_FALSE(run_catching_sigbus([&] { view.data()[0] = std::byte{1}; }).has_value());
  EXPECT_TRUE(run_catching_sigbus([&] { view.data()[page] = std::byte{1}; }).has_value());
  EXPECT_TRUE(run_catching_sigbus([&] { view.data()[page] = std::byte{1}; }).has_value());
}

TEST(SigbusDeathTest, OutsideTheGuardSigbusStillKills) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  EXPECT_EXIT(
      {
        run_catching_sigbus([] {});  // installs the handler
        UniqueFd fd(::memfd_create("anonmap-test", MFD_CLOEXEC));
        Mapping view(fd.get(), page, PROT_READ | PROT_WRITE);
        view.data()[0] = std::byte{1};
      },
      ::testing::KilledBySignal(SIGBUS), "");
}

}  // namespace
}  // namespace anonmap
