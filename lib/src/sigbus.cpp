#include "anonmap/sigbus.hpp"

#include <signal.h>

#include <mutex>

namespace anonmap::detail {
namespace {

// One armed scope per thread at a time; benchmarks touch from one thread.
thread_local sigjmp_buf scope_target;
thread_local bool armed = false;
thread_local std::uintptr_t last_fault_address = 0;
struct sigaction previous_action;

void on_sigbus(int signal_number, siginfo_t* info, void* context) {
  if (!armed) {
    // Not inside run_catching_sigbus(): behave as if we had never installed a handler.
    if (previous_action.sa_flags & SA_SIGINFO) {
      previous_action.sa_sigaction(signal_number, info, context);
      return;
    }
    if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
      previous_action.sa_handler(signal_number);
      return;
    }
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
    return;
  }
  armed = false;
  last_fault_address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  siglongjmp(scope_target, 1);
}

// Installed once and left in place, so arming a scope costs no system call: the guard can sit inside a
// timed region. SA_NODEFER keeps SIGBUS unblocked after the jump, which is why sigsetjmp need not save
// and restore the signal mask (that would be a system call per scope).
void install_handler_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous_action);
  });
}

}  // namespace

SigbusScope::SigbusScope() {
  install_handler_once();
  last_fault_address = 0;
  armed = true;
}

SigbusScope::~SigbusScope() { armed = false; }

sigjmp_buf& SigbusScope::jump_target() noexcept { return scope_target; }

std::uintptr_t SigbusScope::fault_address() const noexcept { return last_fault_address; }

}  // namespace anonmap::detail
