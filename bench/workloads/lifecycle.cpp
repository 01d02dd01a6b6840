// Lifecycle: the whole life of a backing nobody touches: create + size, map, unmap, close. What every
// NtCreateSection / NtMapViewOfSection / NtClose costs before the first page is used. For the file
// strategies "create" is wineserver's open(O_CREAT|O_EXCL) + unlink in the directory, so the directory
// operations (and the filesystem's journal) are part of it; for memfd it is memfd_create. Sizing is the
// binary's --sizing (the `sizing` key of the context): with fallocate, close is also where the allocated
// blocks or pages are given back. Each phase is timed and reported (create_us includes sizing); the
// iteration time is their sum.
#include <algorithm>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "harness.hpp"

namespace anonmap::bench {
namespace {

// Only --sizing=fallocate allocates anything here (ftruncate nothing, grow_file one block). Like the
// harness's guard: keep a tenth of the room (at least 256 MiB) out of reach.
bool room_to_allocate(benchmark::State& state, std::uint64_t bytes) {
  if (strategy().options().sizing != Sizing::fallocate || !harness_options().space_guard) return true;
  const KbFields meminfo = read_kb_fields("/proc/meminfo");
  const std::uint64_t memory = meminfo.count("MemAvailable") ? meminfo.at("MemAvailable") : 0;
  std::uint64_t room = memory;
  if (Strategy::name() != "memfd") {
    const std::uint64_t filesystem = free_bytes(strategy().options().dir);
    room = Strategy::name() == "tmpfs" ? std::min(filesystem, memory) : filesystem;
  }
  const std::uint64_t margin = std::max<std::uint64_t>(room / 10, 256 * kMiB);
  if (bytes + margin <= room) return true;
  state.SkipWithError(fmt::format("not enough room: needs {} MiB, {} MiB free and {} MiB kept as margin",
                                  bytes / kMiB, room / kMiB, margin / kMiB)
                          .c_str());
  return false;
}

}  // namespace

void lifecycle(benchmark::State& state) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(state.range(0)) * 1024;
  if (!room_to_allocate(state, bytes)) return;
  double create_seconds = 0, map_seconds = 0, unmap_seconds = 0, close_seconds = 0;
  std::uint64_t iterations = 0;
  for (auto _ : state) {
    try {
      const Stopwatch clock;
      Backing backing = strategy().create(bytes);
      const double created = clock.seconds();
      Mapping view(backing.fd(), bytes, PROT_READ | PROT_WRITE, MAP_SHARED);
      const double mapped = clock.seconds();
      view.reset();
      const double unmapped = clock.seconds();
      backing.close();
      const double seconds = clock.seconds();
      state.SetIterationTime(seconds);
      create_seconds += created;
      map_seconds += mapped - created;
      unmap_seconds += unmapped - mapped;
      close_seconds += seconds - unmapped;
      ++iterations;
    } catch (const Error& error) {
      state.SkipWithError(error.what());
      break;
    }
  }
  if (iterations == 0) return;
  const double per_iteration = static_cast<double>(iterations);
  state.counters["create_us"] = create_seconds * 1e6 / per_iteration;
  state.counters["map_us"] = map_seconds * 1e6 / per_iteration;
  state.counters["unmap_us"] = unmap_seconds * 1e6 / per_iteration;
  state.counters["close_us"] = close_seconds * 1e6 / per_iteration;
}

BENCHMARK(lifecycle)
    ->Name("lifecycle")
    ->ArgName("KiB")
    ->Arg(64)
    ->Arg(2048)
    ->Arg(std::int64_t{64} * 1024)
    ->Arg(std::int64_t{1024} * 1024)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace anonmap::bench
