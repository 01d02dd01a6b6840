#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace anonmap::test {

template <class Body>
int run_as_user(uid_t uid, Body&& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(99);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace anonmap::test
