// How a new backing is given its size. On tmpfs they all end alike; on disk filesystems they allocate
// differently, which is why the method is a parameter of every benchmark run.
#pragma once

#include <cstdint>
#include <string_view>

namespace anonmap {

enum class Sizing {
  ftruncate,  // ftruncate(fd, size): a sparse file, nothing allocated
  grow_file,  // wineserver's grow_file(): pwrite one zero byte at offset `size`, then ftruncate(fd, size)
  fallocate,  // posix_fallocate(fd, 0, size): every block allocated now (the only one hugetlbfs accepts)
};

std::string_view to_string(Sizing);
Sizing parse_sizing(std::string_view);  // "ftruncate" | "grow_file" | "fallocate"; throws Error

// Gives `fd` the size `size` with `method`. Throws Error naming the call that failed.
void apply_sizing(int fd, std::uint64_t size, Sizing method);

}  // namespace anonmap
