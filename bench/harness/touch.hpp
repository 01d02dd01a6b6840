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
template <Access access>
ANONMAP_UNINSTRUMENTED inline std::uint64_t touch_pages(std::byte* base, std::uint64_t bytes, std::size_t stride_pages, std::size_t page) {
  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  std::uint64_t sum = 0;
  for (std::uint64_t offset = 0; offset < bytes; offset += step) {
    auto* byte = reinterpret_cast<volatile std::uint8_t*>(base + offset);
    if constexpr (access == Access::write)
      *byte = 1;
    else
      sum += *byte;
  }
  return sum;
}

inline std::uint64_t pages_touched(std::uint64_t bytes, std::size_t stride_pages, std::size_t page) {
  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  return (bytes + step - 1) / step;
}

}  // namespace anonmap::bench
