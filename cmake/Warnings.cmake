# Warnings are a usage requirement of our own targets only: no global flags.
add_library(anonmap_warnings INTERFACE)
target_compile_options(anonmap_warnings INTERFACE -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion)
# GCC 12 at -O3 reports impossible overlaps in std::string's operator+ (GCC bug 105329): a false positive.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(anonmap_warnings INTERFACE -Wno-restrict)
endif()
if(ANONMAP_WERROR)
  target_compile_options(anonmap_warnings INTERFACE -Werror)
endif()

# Sanitizer builds (preset "asan"): AddressSanitizer + UndefinedBehaviorSanitizer on everything we build.
option(ANONMAP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ANONMAP_SANITIZE)
  target_compile_options(anonmap_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(anonmap_warnings INTERFACE -fsanitize=address,undefined)
  # GCC documents that -fsanitize=address makes -Wmaybe-uninitialized report false positives; with GCC 12
  # at -O2 it does so inside libstdc++'s <regex>.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(anonmap_warnings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
