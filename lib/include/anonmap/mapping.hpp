// Mapping: owns one mmap() region and unmaps it exactly once.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <utility>

namespace anonmap {

class Mapping {
 public:
  Mapping() = default;
  // Maps `length` bytes of `fd` at `offset`; throws anonmap::Error on failure (EPERM on a noexec mount, ...).
  Mapping(int fd, std::size_t length, int prot, int flags = MAP_SHARED, off_t offset = 0);
  Mapping(Mapping&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), length_(std::exchange(other.length_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = std::exchange(other.data_, nullptr);
      length_ = std::exchange(other.length_, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return length_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }
  // Unmaps now (benchmarks that time munmap call this explicitly).
  void reset() noexcept {
    if (data_ != nullptr) ::munmap(data_, length_);
    data_ = nullptr;
    length_ = 0;
  }

 private:
  std::byte* data_ = nullptr;
  std::size_t length_ = 0;
};

}  // namespace anonmap
