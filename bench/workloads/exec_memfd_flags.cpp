// What each memfd exec flag allows on this kernel (memfd binary only): no flag, MFD_EXEC, MFD_NOEXEC_SEAL
// (Linux 6.3+). The flag is about execve(), not about mmap(): MFD_NOEXEC_SEAL clears the x bits and adds
// F_SEAL_EXEC so the memfd can neither be executed nor chmod'ed +x, but mmap(PROT_EXEC) checks only the
// mount's noexec, and memfd's internal mount has none, so a JIT or wineserver may still map it RX. Each
// benchmark makes its own memfds (memfd_create directly, not through the strategy: --memfd-exec does not
// matter here) and records, before its loop: mode_octal (e.g. 777), seal_exec (F_SEAL_EXEC set, 1/0),
// chmod_x_allowed (fchmod 0755 succeeded, 1/0) and execve_allowed (a child fexecve()d a "#!/bin/sh" script
// in such a memfd, 1/0). Timed, per iteration on a new memfd holding a function: mmap PROT_READ|PROT_EXEC
// MAP_SHARED and the first call, exactly as exec/dual_view; exec_allowed says whether that mmap succeeded.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <optional>

#include "exec_code.hpp"
#include "harness.hpp"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

extern char** environ;

namespace anonmap::bench {
namespace {

struct MemfdFlag {
  const char* name;  // as --memfd-exec spells it
  const char* flag_name;
  unsigned flag;
};
constexpr MemfdFlag kFlags[] = {
    {"none", "no exec flag", 0}, {"exec", "MFD_EXEC", MFD_EXEC}, {"noexec-seal", "MFD_NOEXEC_SEAL", MFD_NOEXEC_SEAL}};

constexpr int kScriptRan = 42;
constexpr int kExecveFailed = 100;  // + errno

// In a child: a memfd with `flag` (without MFD_CLOEXEC, so /bin/sh can read the script through /dev/fd)
// holding a shell script, fexecve()d. Returns 0 when the script ran, else the errno of fexecve (or -1).
int execve_errno(unsigned flag) {
  const pid_t child = ::fork();
  if (child < 0) return errno;
  if (child == 0) {
    const int fd = ::memfd_create("anonmap-execve", flag);
    static const char kScript[] = "#!/bin/sh\nexit 42\n";
    if (fd < 0 || ::write(fd, kScript, sizeof kScript - 1) != static_cast<ssize_t>(sizeof kScript - 1)) ::_exit(1);
    char arg0[] = "anonmap-memfd-script";
    char* argv[] = {arg0, nullptr};
    ::fexecve(fd, argv, environ);
    ::_exit(kExecveFailed + errno);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kScriptRan) return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) > kExecveFailed) return WEXITSTATUS(status) - kExecveFailed;
  return -1;
}

// A new memfd with `flag`, one page long, holding a function that returns `value`.
UniqueFd memfd_with_code(const MemfdFlag& flag, std::uint32_t value) {
  UniqueFd fd(::memfd_create("anonmap-exec", MFD_CLOEXEC | flag.flag));
  if (!fd) throw_errno(fmt::format("memfd_create(MFD_CLOEXEC|{})", flag.flag_name));
  std::byte code[kReturnCodeBytes > 0 ? kReturnCodeBytes : 1] = {};
  write_return_code(code, value);
  if (::ftruncate(fd.get(), static_cast<off_t>(page_size())) != 0) throw_errno("ftruncate");
  if (::pwrite(fd.get(), code, kReturnCodeBytes, 0) != static_cast<ssize_t>(kReturnCodeBytes)) throw_errno("pwrite");
  return fd;
}

// The execve-related facts, recorded as counters and summed up in the label.
void record_flag_facts(benchmark::State& state, const MemfdFlag& flag, int fd) {
  struct stat info {};
  const int mode = ::fstat(fd, &info) == 0 ? static_cast<int>(info.st_mode & 07777) : -1;
  const int seals = ::fcntl(fd, F_GET_SEALS);
  const bool seal_exec = seals >= 0 && (seals & F_SEAL_EXEC) != 0;
  const bool chmod_x = ::fchmod(fd, 0755) == 0;
  const int chmod_errno = chmod_x ? 0 : errno;
  const int execve = execve_errno(flag.flag);
  state.counters["mode_octal"] = std::stod(fmt::format("{:o}", mode));
  state.counters["seal_exec"] = seal_exec ? 1 : 0;
  state.counters["chmod_x_allowed"] = chmod_x ? 1 : 0;
  state.counters["execve_allowed"] = execve == 0 ? 1 : 0;
  const auto outcome = [](bool allowed, int error) {
    return allowed ? std::string("allowed") : fmt::format("refused ({})", error > 0 ? errno_name(error) : "?");
  };
  state.SetLabel(fmt::format("{}: mode {:04o}, F_SEAL_EXEC {}, chmod +x {}, execve {}", flag.flag_name, mode,
                             seal_exec ? "set" : "not set", outcome(chmod_x, chmod_errno),
                             outcome(execve == 0, execve)));
}

void exec_memfd_flag(benchmark::State& state, const MemfdFlag& flag) {
  state.counters["exec_allowed"] = 0;
  if (!kHaveMachineCode) {
    state.SkipWithError(kNoMachineCode);
    return;
  }
  try {
    record_flag_facts(state, flag, memfd_with_code(flag, 0).get());
  } catch (const Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  ExecTimes times;
  for (auto _ : state) {
    const std::uint32_t value = code_value(times.iterations);
    UniqueFd fd;
    try {
      fd = memfd_with_code(flag, value);
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
    std::optional<ExecCall> call;
    try {
      call = map_and_call(fd.get(), MAP_SHARED);
    } catch (const Error& error) {
      state.SkipWithError(exec_denied(error.code(), "mmap PROT_READ|PROT_EXEC, MAP_SHARED").c_str());
      break;
    }
    state.SetIterationTime(call->map_seconds + call->call_seconds);
    if (call->returned != value) {
      state.SkipWithError(
          fmt::format("exec: the RX view returned {:#x}, expected {:#x}", call->returned, value).c_str());
      break;
    }
    times.add(*call);
  }
  times.report(state);
}

// Registered in the memfd binary only: the other strategies have no memfd flags to record.
const bool registered = [] {
  if (Strategy::name() != "memfd") return false;
  for (const MemfdFlag& flag : kFlags)
    benchmark::RegisterBenchmark(fmt::format("exec/memfd_flag/{}", flag.name).c_str(),
                                 [&flag](benchmark::State& state) { exec_memfd_flag(state, flag); })
        ->MinTime(0.01)  // a new memfd per iteration costs more than the timed part
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  return true;
}();

}  // namespace
}  // namespace anonmap::bench
