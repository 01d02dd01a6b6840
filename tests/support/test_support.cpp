#include "test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace anonmap::test {

std::vector<std::string> list_directory(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  return names;
}

TempDir::TempDir(const std::string& parent) {
  std::string pattern = parent + "/anonmap-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp in " + parent + ": " + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(got));
  return text;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  // stdout and stderr go to two temporary files, read back after the child exits (no pipe deadlock).
  TempDir scratch;
  const std::string out_path = scratch.path() + "/stdout", err_path = scratch.path() + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t child = 0;
  const int error = ::posix_spawnp(&child, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (error != 0) {
    result.output = argv[0] + ": " + std::strerror(error);
    result.exit_code = 127;
    return result;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const int out_fd = ::open(out_path.c_str(), O_RDONLY), err_fd = ::open(err_path.c_str(), O_RDONLY);
  result.stdout_text = drain(out_fd);
  result.output = result.stdout_text + drain(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  return result;
}

bool have_program(const std::string& name) {
  return run_command({"sh", "-c", "command -v " + name}).exit_code == 0;
}

ScopedTmpfsMount::ScopedTmpfsMount(const std::string& where, const std::string& options, unsigned long flags)
    : where_(where) {
  if (::mount("anonmap-test", where.c_str(), "tmpfs", flags, options.c_str()) != 0)
    throw std::runtime_error("mount tmpfs on " + where + ": " + std::strerror(errno));
}

ScopedTmpfsMount::~ScopedTmpfsMount() { ::umount2(where_.c_str(), MNT_DETACH); }

ScopedLoopMount::ScopedLoopMount(const std::string& image, const std::string& where, std::uint64_t size_mib,
                                 const std::vector<std::string>& mkfs_argv)
    : image_(image), where_(where) {
  const CommandResult made = run_command({"truncate", "-s", std::to_string(size_mib) + "M", image});
  if (made.exit_code != 0) {
    error_ = made.output;
    return;
  }
  std::vector<std::string> mkfs = mkfs_argv;
  mkfs.push_back(image);
  if (const CommandResult formatted = run_command(mkfs); formatted.exit_code != 0) {
    error_ = formatted.output;
    return;
  }
  std::filesystem::create_directories(where);
  if (const CommandResult mounted = run_command({"mount", "-o", "loop", image, where}); mounted.exit_code != 0) {
    error_ = mounted.output;
    return;
  }
  mounted_ = true;
}

ScopedLoopMount::~ScopedLoopMount() {
  if (mounted_) ::umount2(where_.c_str(), 0);
  ::unlink(image_.c_str());
}

}  // namespace anonmap::test
