# Every dependency comes from a Debian package; a missing one stops configure and names the package.
macro(anonmap_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR
      "${package} not found: install the Debian package '${debian_package}' "
      "(apt-get install -y ${debian_package})")
  endif()
endmacro()

anonmap_require(benchmark libbenchmark-dev)
anonmap_require(fmt libfmt-dev)
anonmap_require(nlohmann_json nlohmann-json3-dev)
anonmap_require(CLI11 libcli11-dev)
if(ANONMAP_BUILD_TESTS)
  anonmap_require(GTest libgtest-dev)
  include(GoogleTest)
endif()
