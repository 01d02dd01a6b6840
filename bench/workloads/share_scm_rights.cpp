// Sharing with a client: wineserver creates the backing and hands its fd to a client process over a Unix
// socket (SCM_RIGHTS); the client maps it and touches it first. Here a forked child plays the client: each
// iteration the parent makes a new backing, maps it (untouched) and sends the fd; the child maps it and
// writes one word in every page. Timed: the child's first touch, measured by the child and reported back.
// Then the parent checks it sees every word the child wrote, writes its own word in every page, and the
// child checks it sees those: a backing the two processes do not both see is an error, not a result.
// Counters: the child's touch per page, fd passing latency (parent's send to the child's receive, one
// CLOCK_MONOTONIC), the child's mmap time, and the fraction of pages each side saw the other's write in.
#include <time.h>

#include <optional>

#include <fmt/format.h>

#include "fd_passing.hpp"
#include "anonmap/error.hpp"
#include "harness.hpp"

namespace anonmap::bench {
namespace {

double monotonic_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Parent -> child, with the fd: map `bytes` and write `seed + page` in word 0 of every page.
struct Offer {
  std::uint64_t bytes;
  std::uint64_t seed;
  double sent_at;
};
// Child -> parent.
struct Touched {
  int error;  // 0, or the errno that stopped the child (EFAULT: SIGBUS during the touch)
  double received_at, map_seconds, touch_seconds;
};
// Parent -> child: "I wrote ~(seed + page) in word 1 of every page". Child -> parent: how many it saw.
struct Check {
  std::uint64_t pages_seen;
};

std::uint64_t* word(std::byte* base, std::uint64_t page, int index) {
  return reinterpret_cast<std::uint64_t*>(base + page * page_size()) + index;
}

// The child's side, one backing per loop, until the parent closes the socket.
int receiver(int socket) {
  for (;;) {
    Offer offer{};
    bool eof = false;
    const UniqueFd fd = receive_message(socket, &offer, sizeof offer, &eof);
    if (eof) return 0;
    Touched touched{0, monotonic_seconds(), 0, 0};
    const std::uint64_t pages = offer.bytes / page_size();
    Mapping view;
    const Stopwatch map_clock;
    try {
      view = Mapping(fd.get(), offer.bytes, PROT_READ | PROT_WRITE, MAP_SHARED);
    } catch (const Error& error) {
      touched.error = error.code() != 0 ? error.code() : EINVAL;
    }
    touched.map_seconds = map_clock.seconds();
    if (touched.error == 0) {
      std::byte* base = view.data();
      const Stopwatch clock;
      const auto sigbus = run_catching_sigbus([&] {
        for (std::uint64_t page = 0; page < pages; ++page) *word(base, page, 0) = offer.seed + page;
      });
      touched.touch_seconds = clock.seconds();
      if (sigbus) touched.error = EFAULT;
    }
    send_message(socket, &touched, sizeof touched);
    if (touched.error != 0) continue;
    Check check{};
    receive_message(socket, &check, sizeof check);
    check.pages_seen = 0;
    for (std::uint64_t page = 0; page < pages; ++page)
      if (*word(view.data(), page, 1) == ~(offer.seed + page)) ++check.pages_seen;
    send_message(socket, &check, sizeof check);
  }
}

}  // namespace

void share_scm_rights(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * kMiB;
  const std::uint64_t pages = bytes / page_size();
  double pass_seconds = 0, map_seconds = 0, touch_seconds = 0;
  std::uint64_t iterations = 0, parent_saw = 0, child_saw = 0;
  std::optional<ChildProcess> child;
  try {
    child.emplace(receiver, /*receive_timeout_seconds=*/60);
  } catch (const Error& error) {
    state.SkipWithError(error.what());
    return;
  }
  for (auto _ : state) {
    auto mapped = new_mapped_backing(state, bytes, pages);
    if (!mapped) break;
    try {
      const Offer offer{bytes, iterations << 32, monotonic_seconds()};
      send_message(child->socket(), &offer, sizeof offer, mapped->backing.fd());
      Touched touched{};
      receive_message(child->socket(), &touched, sizeof touched);
      state.SetIterationTime(touched.touch_seconds);
      if (touched.error != 0) {
        state.SkipWithError(touched.error == EFAULT
                                ? "receiver: SIGBUS during the first touch: the filesystem could not back the page"
                                : errno_message("receiver: mmap of the received fd", touched.error).c_str());
        break;
      }
      std::byte* base = mapped->view.data();
      std::uint64_t seen = 0;
      for (std::uint64_t page = 0; page < pages; ++page) {
        if (*word(base, page, 0) == offer.seed + page) ++seen;
        *word(base, page, 1) = ~(offer.seed + page);
      }
      Check check{};
      send_message(child->socket(), &check, sizeof check);
      receive_message(child->socket(), &check, sizeof check);
      if (seen != pages || check.pages_seen != pages) {
        state.SkipWithError(fmt::format("the processes do not see each other's writes: parent saw {} and child {} "
                                        "of {} pages",
                                        seen, check.pages_seen, pages)
                                .c_str());
        break;
      }
      pass_seconds += touched.received_at - offer.sent_at;
      map_seconds += touched.map_seconds;
      touch_seconds += touched.touch_seconds;
      parent_saw += seen;
      child_saw += check.pages_seen;
      ++iterations;
    } catch (const Error& error) {
      state.SkipWithError(fmt::format("receiver: {}; the child {}", error.what(), child->finish()).c_str());
      break;
    }
  }
  if (iterations == 0) return;
  const auto per_iteration = static_cast<double>(iterations);
  state.counters["pages"] = static_cast<double>(pages);
  state.counters["ns_per_page"] = touch_seconds * 1e9 / (per_iteration * static_cast<double>(pages));
  state.counters["pass_fd_us"] = pass_seconds * 1e6 / per_iteration;
  state.counters["receiver_map_us"] = map_seconds * 1e6 / per_iteration;
  state.counters["parent_saw_child"] = static_cast<double>(parent_saw) / (per_iteration * static_cast<double>(pages));
  state.counters["child_saw_parent"] = static_cast<double>(child_saw) / (per_iteration * static_cast<double>(pages));
}

BENCHMARK(share_scm_rights)
    ->Name("share/scm_rights")
    ->ArgName("MiB")
    ->Arg(1)
    ->Arg(16)
    ->Arg(256)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace anonmap::bench
