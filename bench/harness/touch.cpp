#include "touch.hpp"

namespace anonmap::bench {

// Out of line and 4 KiB aligned: see touch.hpp. (GCC ignores attributes on a template's explicit
// instantiations, hence two plain functions.)
#define ANONMAP_TOUCH_LOOP __attribute__((noinline, aligned(4096))) ANONMAP_UNINSTRUMENTED

ANONMAP_TOUCH_LOOP std::uint64_t touch_pages_write(std::byte* base, std::uint64_t bytes, std::size_t stride_pages,
                                                   std::size_t page) {
  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  for (std::uint64_t offset = 0; offset < bytes; offset += step)
    *reinterpret_cast<volatile std::uint8_t*>(base + offset) = 1;
  return 0;
}

ANONMAP_TOUCH_LOOP std::uint64_t touch_pages_read(std::byte* base, std::uint64_t bytes, std::size_t stride_pages,
                                                  std::size_t page) {
  const std::uint64_t step = std::uint64_t{stride_pages} * page;
  std::uint64_t sum = 0;
  for (std::uint64_t offset = 0; offset < bytes; offset += step)
    sum += *reinterpret_cast<volatile std::uint8_t*>(base + offset);
  return sum;
}

}  // namespace anonmap::bench
