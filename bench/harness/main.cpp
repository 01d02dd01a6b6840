// anonmap-bench-<strategy>: the workloads under bench/, linked against one strategy library.
// Our options come first and are removed from argv; the rest goes to Google Benchmark.
#include <benchmark/benchmark.h>

#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "anonmap/error.hpp"
#include "anonmap/strategy.hpp"
#include "context.hpp"
#include "harness.hpp"

namespace {

constexpr int kUsageError = 2;

// A run stopped by Ctrl-C or by the runner (SIGINT, SIGTERM) still removes the disk strategy's scratch
// directory: every backing file in it is unlinked already, so it is empty and rmdir() is all it takes.
char scratch_to_remove[PATH_MAX];

void remove_scratch_and_die(int signal_number) {
  if (scratch_to_remove[0] != '\0') ::rmdir(scratch_to_remove);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void remove_scratch_on_signals(const std::string& scratch) {
  std::strncpy(scratch_to_remove, scratch.c_str(), sizeof scratch_to_remove - 1);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::signal(signal_number, remove_scratch_and_die);
}

std::string program_name() { return "anonmap-bench-" + std::string(anonmap::Strategy::name()); }

void describe_options(CLI::App& app, anonmap::BackingOptions& options, std::string& sizing, std::string& memfd_exec) {
  const bool is_memfd = anonmap::Strategy::name() == "memfd";
  if (!is_memfd) {
    app.add_option("--dir", options.dir,
                   anonmap::Strategy::name() == "tmpfs"
                       ? "Directory on a tmpfs where the unlinked backing files are created (default /dev/shm)"
                       : "Directory on a disk filesystem where the unlinked backing files are created (default: a "
                         "scratch directory anonmap-scratch.<pid>.* made in $TMPDIR if that is on disk, else in "
                         "the current directory, and removed at exit)");
  }
  app.add_option("--sizing", sizing,
                 "How a new backing gets its size: ftruncate (sparse), grow_file (wineserver: pwrite one byte at "
                 "the end, then ftruncate) or fallocate (posix_fallocate: allocate everything now)")
      ->default_val("ftruncate");
  if (is_memfd) {
    app.add_option("--memfd-exec", memfd_exec,
                   "memfd_create exec flag: none (the kernel default, see vm.memfd_noexec), exec (MFD_EXEC) or "
                   "noexec-seal (MFD_NOEXEC_SEAL); the last two need Linux 6.3+")
        ->default_val("none");
    app.add_flag("--memfd-sealing", options.memfd_allow_sealing, "Pass MFD_ALLOW_SEALING");
    app.add_flag("--memfd-hugetlb", options.memfd_hugetlb,
                 "Pass MFD_HUGETLB: back with reserved huge pages (sizes must be multiples of the huge page size; "
                 "use --sizing=fallocate)");
  }
}

// Google Benchmark 1.7.1 aborts on --benchmark_repetitions=-1, runs nothing (exit 0) on a filter that is not
// a regular expression, exits 1 on an --benchmark_out it cannot open and prints two lines for a value it
// cannot parse. Its options that take a value are checked here first: "" if fine, else the one-line reason.
std::string check_benchmark_option(std::string_view argument) {
  const auto equals = argument.find('=');
  if (!argument.starts_with("--benchmark_") || equals == std::string_view::npos) return "";
  const std::string name(argument.substr(0, equals));
  const std::string value(argument.substr(equals + 1));
  const auto bad = [&](const std::string& why) { return name + ": " + why + ", not '" + value + "'"; };
  char* end = nullptr;
  errno = 0;
  if (name == "--benchmark_repetitions") {
    const long count = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0 || count < 1 || count > 1000000)
      return bad("must be a whole number from 1 to 1000000");
  } else if (name == "--benchmark_min_time") {
    const double seconds = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 1e6)
      return bad("must be a number of seconds above 0");
  } else if (name == "--benchmark_filter") {
    try {
      const std::regex compiled(value.starts_with('-') ? value.substr(1) : value, std::regex::extended);
    } catch (const std::regex_error& error) {
      return bad(std::string("not a regular expression (") + error.what() + ")");
    }
  } else if (name == "--benchmark_format" || name == "--benchmark_out_format") {
    if (value != "console" && value != "json" && value != "csv") return bad("must be console, json or csv");
  } else if (name == "--benchmark_out") {
    const auto slash = value.rfind('/');
    const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : value.substr(0, slash);
    if (value.empty() || value.back() == '/') return bad("must name a file");
    if (::access(parent.c_str(), W_OK | X_OK) != 0)
      return name + ": cannot write in " + parent + " (" + std::strerror(errno) + ")";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{program_name() + ": the anonmap-bench workloads on the " + std::string(anonmap::Strategy::name()) +
               " strategy. Every other option is Google Benchmark's (listed below), e.g. --benchmark_filter=REGEX, "
               "--benchmark_repetitions=N, --benchmark_out=FILE --benchmark_out_format=json."};
  app.allow_extras();
  app.set_help_flag("-h,--help", "Print this help (ours, then Google Benchmark's) and exit");
  anonmap::BackingOptions options;
  std::string sizing, memfd_exec;
  describe_options(app, options, sizing, memfd_exec);
  std::uint64_t warmup_mib = 1024;
  app.add_option("--warmup-mib", warmup_mib,
                 "Touch and free this much anonymous memory before the first benchmark (0: none). In a VM the first "
                 "touch of guest memory the host has not backed yet costs several times a normal fault; without "
                 "this, the first iterations of a run measure the hypervisor")
      ->default_val(1024)
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 20));
  int pin_cpu = -1;
  app.add_option("--cpu", pin_cpu, "Pin the benchmark thread to this CPU (sched_setaffinity); default: not pinned")
      ->check(CLI::Range(0, CPU_SETSIZE - 1));
  bool allow_fill = false;
  app.add_flag("--allow-fill", allow_fill,
               "Let a benchmark fill its target: by default one that could leave less than a tenth of the free "
               "space (and at least 256 MiB) is skipped with the reason. For tiny filesystems made to be filled");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    std::puts("\nGoogle Benchmark's options:");
    benchmark::PrintDefaultHelp();
    return 0;
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "%s: %s\n", program_name().c_str(), error.what());
    return kUsageError;
  }

  for (const std::string& argument : app.remaining()) {
    if (const std::string why = check_benchmark_option(argument); !why.empty()) {
      std::fprintf(stderr, "%s: %s\n", program_name().c_str(), why.c_str());
      return kUsageError;
    }
  }
  anonmap::bench::harness_options().space_guard = !allow_fill;
  if (pin_cpu >= 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(pin_cpu, &cpus);
    if (::sched_setaffinity(0, sizeof cpus, &cpus) != 0) {
      std::fprintf(stderr, "%s: --cpu=%d: %s\n", program_name().c_str(), pin_cpu, std::strerror(errno));
      return kUsageError;
    }
  }
  try {
    options.sizing = anonmap::parse_sizing(sizing);
    if (!memfd_exec.empty()) options.memfd_exec = anonmap::parse_memfd_exec(memfd_exec);
    const bool makes_scratch = anonmap::Strategy::name() == "disk" && options.dir.empty();
    anonmap::bench::install_strategy(std::make_unique<anonmap::Strategy>(options));
    if (makes_scratch) remove_scratch_on_signals(anonmap::bench::strategy().options().dir);
    for (const auto& [key, value] : anonmap::bench::describe_run(anonmap::bench::strategy()))
      benchmark::AddCustomContext(key, value);
  } catch (const anonmap::Error& error) {
    std::fprintf(stderr, "%s: %s\n", program_name().c_str(), error.what());
    return kUsageError;
  }

  // What CLI11 did not take belongs to Google Benchmark; anything it does not know either is an error.
  std::vector<std::string> rest = app.remaining();
  std::vector<char*> benchmark_argv{argv[0]};
  for (std::string& argument : rest) benchmark_argv.push_back(argument.data());
  benchmark_argv.push_back(nullptr);
  int benchmark_argc = static_cast<int>(benchmark_argv.size()) - 1;
  benchmark::Initialize(&benchmark_argc, benchmark_argv.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, benchmark_argv.data())) return kUsageError;
  anonmap::bench::warm_up_memory(warmup_mib * anonmap::bench::kMiB);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  anonmap::bench::install_strategy(nullptr);  // removes the disk strategy's scratch directory
  // The run is complete (its JSON too), but what the user asked for did not all fit: say so, exit 2.
  if (const auto& refused = anonmap::bench::space_guard_refusals(); refused.count > 0) {
    std::fprintf(stderr,
                 "%s: the space guard refused %d benchmark%s (first: %s), so as to leave a margin free; "
                 "nothing was filled; --allow-fill runs them\n",
                 program_name().c_str(), refused.count, refused.count == 1 ? "" : "s", refused.first.c_str());
    return kUsageError;
  }
  return 0;
}
