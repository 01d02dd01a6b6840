// libFuzzer target for anonmap-compare's JSON reader (tools/compare/input.cpp): any bytes must end in a parsed
// result or an InputError with a reason, never a crash, a hang, a leak or an undefined behaviour. A file
// that parses is also compared with itself and rendered in every format, as the tool would.
//
//   build: cmake --preset fuzz && cmake --build --preset fuzz
//   run:   build/fuzz/fuzz/anonmap-compare-fuzz -max_total_time=60 -max_len=65536 fuzz/corpus
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "input.hpp"
#include "render.hpp"
#include "report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace anonmap::compare;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<ResultFile> files;
  try {
    files.push_back(parse_result(text, "a.json"));
  } catch (const InputError&) {
    return 0;  // refused with a reason: what the reader promises
  }
  if (files.front().runs.empty()) __builtin_trap();  // parse_result promises at least one run
  files.push_back(files.front());
  files.back().path = "b.json";
  try {
    const Report report = build_report(files, Options{});
    for (const Format format : {Format::text, Format::markdown, Format::csv, Format::json}) (void)render(report, format);
  } catch (const UsageError&) {
  } catch (const InputError&) {
  }
  return 0;
}
