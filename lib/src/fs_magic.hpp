// statfs() f_type values the library needs to recognise (internal header).
#pragma once

#include <linux/magic.h>

namespace anonmap {

inline bool is_memory_filesystem(long f_type) {
  // ramfs has no magic of its own in older headers: RAMFS_MAGIC is 0x858458f6.
  return f_type == TMPFS_MAGIC || f_type == static_cast<long>(0x858458f6) || f_type == HUGETLBFS_MAGIC;
}

}  // namespace anonmap
