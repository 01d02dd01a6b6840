#include "anonmap/mapping.hpp"

#include "anonmap/error.hpp"

namespace anonmap {

Mapping::Mapping(int fd, std::size_t length, int prot, int flags, off_t offset) {
  void* address = ::mmap(nullptr, length, prot, flags, fd, offset);
  if (address == MAP_FAILED) throw_errno("mmap");
  data_ = static_cast<std::byte*>(address);
  length_ = length;
}

}  // namespace anonmap
