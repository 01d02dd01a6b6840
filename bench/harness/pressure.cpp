#include "pressure.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cerrno>
#include <new>
#include <optional>

#include "anonmap/error.hpp"
#include "anonmap/metrics.hpp"
#include "anonmap/sigbus.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap::bench {
namespace {

// The child's exit codes other than 0 (completed).
constexpr int kExitSigbus = 70;
constexpr int kExitAbandoned = 71;  // the harness went away before saying "go"

// What the child tells the parent, in a shared anonymous page: it survives the child's death.
struct ChildReport {
  std::atomic<std::uint64_t> touched_pages{0};
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<std::int64_t> end_ns{0};
  std::atomic<std::uint64_t> fault_offset{0};
};

std::int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// The child: no allocation, no exceptions, no Google Benchmark; _exit so the harness's atexit work (the disk
// strategy's scratch directory) is not done twice.
[[noreturn]] void child_main(int go_fd, pid_t parent, ChildReport* report, std::byte* base, std::uint64_t bytes,
                             std::size_t stride_pages, std::size_t page) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kExitAbandoned);
  char go = 0;
  ssize_t got;
  do got = ::read(go_fd, &go, 1);
  while (got < 0 && errno == EINTR);
  if (got != 1) ::_exit(kExitAbandoned);

  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  std::uint64_t offset = 0, touched = 0;
  report->start_ns.store(monotonic_ns());
  const auto sigbus = run_catching_sigbus([&] {
    for (; offset < bytes; offset += step) {
      *reinterpret_cast<volatile std::uint8_t*>(base + offset) = 1;
      report->touched_pages.store(++touched, std::memory_order_relaxed);
    }
  });
  report->end_ns.store(monotonic_ns());
  if (sigbus) {
    report->fault_offset.store(*sigbus - reinterpret_cast<std::uintptr_t>(base));
    ::_exit(kExitSigbus);
  }
  ::_exit(0);
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// Waits for `child` until `deadline_ns`; returns its wait status, or nothing when the time is up.
std::optional<int> wait_until(pid_t child, int pidfd, std::int64_t deadline_ns) {
  for (;;) {
    const std::int64_t left_ms = (deadline_ns - monotonic_ns()) / 1'000'000;
    if (left_ms <= 0) return std::nullopt;
    pollfd ready{pidfd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(std::min<std::int64_t>(left_ms, 1000)));
    if (polled < 0 && errno != EINTR) break;
    if (polled > 0) break;
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

std::string_view to_string(PressureOutcome outcome) {
  switch (outcome) {
    case PressureOutcome::completed: return "completed";
    case PressureOutcome::oom_killed: return "oom_killed";
    case PressureOutcome::sigbus: return "sigbus";
    case PressureOutcome::timeout: return "timeout";
    case PressureOutcome::killed: return "killed";
    case PressureOutcome::failed: return "failed";
  }
  return "?";
}

ChildTouch touch_in_child(const MemoryCgroup& cgroup, const Mapping& view, std::size_t stride_pages,
                          std::size_t page, std::chrono::seconds time_limit) {
  ChildTouch result;
  const Mapping shared(-1, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
  auto* report = new (shared.data()) ChildReport;
  int go_pipe[2];
  if (::pipe2(go_pipe, O_CLOEXEC) != 0) {
    result.error = errno_message("pipe2", errno);
    return result;
  }
  UniqueFd go_read(go_pipe[0]), go_write(go_pipe[1]);

  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    result.error = errno_message("fork", errno);
    return result;
  }
  if (child == 0) {
    ::close(go_write.release());  // no destructor runs in the child: it leaves by _exit
    child_main(go_read.get(), parent, report, view.data(), view.size(), stride_pages, page);
  }
  go_read.reset();

  // Into the cgroup before the first touch, so that every page it faults in is charged there.
  const UniqueFd pidfd(pidfd_open(child));
  try {
    if (!pidfd) throw_errno("pidfd_open");
    cgroup.add(child);
  } catch (const Error& error) {
    ::kill(child, SIGKILL);
    go_write.reset();
    ::waitpid(child, nullptr, 0);
    result.error = error.what();
    return result;
  }
  const std::int64_t released_ns = monotonic_ns();
  const char go = 1;
  if (::write(go_write.get(), &go, 1) != 1) {
    result.error = errno_message("write to the child", errno);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return result;
  }

  const std::int64_t deadline_ns =
      released_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(time_limit).count();
  std::optional<int> status = wait_until(child, pidfd.get(), deadline_ns);
  const std::int64_t ended_ns = monotonic_ns();
  if (!status) {
    ::kill(child, SIGKILL);
    int killed_status = 0;
    while (::waitpid(child, &killed_status, 0) < 0 && errno == EINTR) {
    }
    result.outcome = PressureOutcome::timeout;
    result.signal = SIGKILL;
  } else if (WIFEXITED(*status)) {
    const int code = WEXITSTATUS(*status);
    if (code == 0) {
      result.outcome = PressureOutcome::completed;
    } else if (code == kExitSigbus) {
      result.outcome = PressureOutcome::sigbus;
      result.fault_offset = report->fault_offset.load();
    } else {
      result.error = "the child exited with code " + std::to_string(code);
    }
  } else if (WIFSIGNALED(*status)) {
    result.signal = WTERMSIG(*status);
    result.outcome = result.signal == SIGKILL && cgroup.oom_kills() > 0 ? PressureOutcome::oom_killed
                                                                        : PressureOutcome::killed;
  }

  result.touched_pages = report->touched_pages.load();
  const std::int64_t start = report->start_ns.load();
  const std::int64_t end = report->end_ns.load() != 0 ? report->end_ns.load() : ended_ns;
  result.seconds = start != 0 ? static_cast<double>(end - start) / 1e9 : 0.0;
  return result;
}

SystemActivity system_activity() {
  SystemActivity activity;
  const StatFields vmstat = read_stat_fields("/proc/vmstat");
  if (const auto found = vmstat.find("nr_written"); found != vmstat.end()) activity.written_pages = found->second;
  if (const auto found = vmstat.find("pswpout"); found != vmstat.end()) activity.swapped_out_pages = found->second;
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  if (const auto found = meminfo.find("SwapTotal"); found != meminfo.end()) activity.swap_total = found->second;
  return activity;
}

}  // namespace anonmap::bench
