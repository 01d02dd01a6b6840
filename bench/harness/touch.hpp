// The touch loops themselves: one byte per page, so the cost measured is the fault, not memory bandwidth.
#pragma once

#include <cstddef>
#include <cstdint>

namespace anonmap::bench {

enum class Access { write, read };

// The timed loops are never instrumented: under AddressSanitizer every touched page would also read its
// shadow byte, adding one fault per 8 pages and the shadow's own cost to what is measured.
#define ANONMAP_UNINSTRUMENTED __attribute__((no_sanitize("address", "undefined")))

// Touches one page in every `stride`, from the start of `base` up to `bytes`. Returns a value the caller
// must consume (benchmark::DoNotOptimize) so read touches are not optimized away.
//
// Defined out of line (touch.cpp), never inlined, at a 4 KiB boundary: every workload, the fidelity check's
// bare loop and every strategy's binary run this one copy of the loop at the same page offset. The address
// of the faulting store moves the cost of a fault on some machines: on the development VM (AMD EPYC guest),
// the same store loop inlined into its caller and called out of line differed by 7-20% per fault
// (docs/methodology.md), which would otherwise show up as a difference between workloads or strategies.
std::uint64_t touch_pages_write(std::byte* base, std::uint64_t bytes, std::size_t stride_pages, std::size_t page);
std::uint64_t touch_pages_read(std::byte* base, std::uint64_t bytes, std::size_t stride_pages, std::size_t page);

template <Access access>
inline std::uint64_t touch_pages(std::byte* base, std::uint64_t bytes, std::size_t stride_pages, std::size_t page) {
  if constexpr (access == Access::write)
    return touch_pages_write(base, bytes, stride_pages, page);
  else
    return touch_pages_read(base, bytes, stride_pages, page);
}

inline std::uint64_t pages_touched(std::uint64_t bytes, std::size_t stride_pages, std::size_t page) {
  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  return (bytes + step - 1) / step;
}

}  // namespace anonmap::bench
