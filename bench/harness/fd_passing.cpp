#include "fd_passing.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "anonmap/error.hpp"

namespace anonmap::bench {

void send_message(int socket, const void* data, std::size_t size, int fd) {
  iovec payload{const_cast<void*>(data), size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  if (fd >= 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  }
  ssize_t sent;
  while ((sent = ::sendmsg(socket, &message, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (sent < 0) throw_errno("sendmsg");
  if (static_cast<std::size_t>(sent) != size) throw Error(fmt::format("sendmsg: sent {} of {} bytes", sent, size));
}

UniqueFd receive_message(int socket, void* data, std::size_t size, bool* eof) {
  iovec payload{data, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &payload;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t got;
  while ((got = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  if (got < 0) throw_errno(errno == EAGAIN ? "recvmsg: timed out" : "recvmsg");
  UniqueFd fd;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
      int received = -1;
      std::memcpy(&received, CMSG_DATA(header), sizeof received);
      fd.reset(received);
    }
  }
  if (eof != nullptr) *eof = got == 0;
  if (got == 0 && eof != nullptr) return UniqueFd();
  if (got == 0) throw Error("recvmsg: the other process closed its end");
  if (static_cast<std::size_t>(got) != size || (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0)
    throw Error(fmt::format("recvmsg: a message of {} bytes, expected {}", got, size));
  return fd;
}

ChildProcess::ChildProcess(const std::function<int(int socket)>& body, int receive_timeout_seconds) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) throw_errno("socketpair");
  UniqueFd ours(ends[0]), theirs(ends[1]);
  const timeval timeout{receive_timeout_seconds, 0};
  if (::setsockopt(ours.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) throw_errno("SO_RCVTIMEO");
  pid_ = ::fork();
  if (pid_ < 0) throw_errno("fork");
  if (pid_ == 0) {
    ours.reset();
    int status = 1;
    try {
      status = body(theirs.get());
    } catch (...) {
      status = 1;
    }
    ::_exit(status);  // never back into the benchmark: no destructors, no atexit, no stdio flush
  }
  socket_ = std::move(ours);
}

std::string ChildProcess::finish() {
  if (pid_ < 0) return "already finished";
  socket_.reset();  // the child's receive sees EOF and it returns
  int status = 0;
  for (int waited_ms = 0;; waited_ms += 10) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) return errno_message("waitpid", errno);
    if (waited_ms == 1000) ::kill(pid_, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return fmt::format("exited with {}", WEXITSTATUS(status));
  const char* name = sigabbrev_np(WTERMSIG(status));
  return fmt::format("killed by SIG{} ({})", name != nullptr ? name : "?",
                     strsignal(WTERMSIG(status)));
}

ChildProcess::~ChildProcess() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace anonmap::bench
