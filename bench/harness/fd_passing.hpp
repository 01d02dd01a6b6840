// Handing an fd to another process, as wineserver hands a mapping's fd to its clients: SCM_RIGHTS over a
// Unix socket, plus the child process on the other end, owned so that it never outlives its benchmark.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>

#include "anonmap/unique_fd.hpp"

namespace anonmap::bench {

// Sends one message of `size` bytes from `data` over the connected SOCK_SEQPACKET socket `socket`, with
// `fd` attached as SCM_RIGHTS when fd >= 0. Throws Error.
void send_message(int socket, const void* data, std::size_t size, int fd = -1);

// Receives one message of exactly `size` bytes into `data`; returns the fd that came with it (empty when
// none). On EOF (the peer closed its end): sets *eof and returns an empty fd when `eof` is given, else
// throws. Throws Error on a short message or a timeout (SO_RCVTIMEO: EAGAIN).
UniqueFd receive_message(int socket, void* data, std::size_t size, bool* eof = nullptr);

// A forked child connected to us by a SOCK_SEQPACKET socketpair. The child runs `body(its socket)` and
// _exit()s with what it returns (never returning into the benchmark). The destructor kills and reaps it.
class ChildProcess {
 public:
  // `receive_timeout_seconds` bounds every receive_message() on socket(), so a stuck child is an error.
  ChildProcess(const std::function<int(int socket)>& body, int receive_timeout_seconds);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int socket() const noexcept { return socket_.get(); }
  // Closes our end, waits for the child (killing it if it is not gone in a second) and says how it ended:
  // "exited with 0", "killed by SIGBUS (Bus error)".
  std::string finish();

 private:
  UniqueFd socket_;
  pid_t pid_ = -1;
};

}  // namespace anonmap::bench
