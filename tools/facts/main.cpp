// anonmap-facts: what the benchmarks would record about a directory's filesystem, without running them.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"

int main(int argc, char** argv) {
  CLI::App app{"anonmap-facts: the filesystem facts anonmap-bench records for each directory (fs type, mount "
               "options, block device stack, fscrypt, and wineserver's PROT_EXEC probe)"};
  std::vector<std::string> dirs;
  bool as_json = false;
  app.add_option("dirs", dirs, "Directories to describe")->required();
  app.add_flag("--json", as_json, "Print a JSON array of objects instead of text");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "anonmap-facts: %s\n", error.what());
    return 2;
  }
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& dir : dirs) {
    anonmap::FsFacts facts;
    try {
      facts = anonmap::probe_filesystem(dir);
    } catch (const anonmap::Error& error) {
      std::fprintf(stderr, "anonmap-facts: %s\n", error.what());
      return 2;
    }
    if (as_json) {
      all.push_back({{"dir", facts.dir},
                     {"fs_type", facts.fs_type},
                     {"mount_point", facts.mount_point},
                     {"mount_source", facts.mount_source},
                     {"mount_options", facts.mount_options},
                     {"fs_options", facts.super_options},
                     {"block_stack", facts.block_stack},
                     {"fscrypt", facts.fscrypt},
                     {"exec_allowed", facts.exec.allowed},
                     {"exec_probe", facts.exec.detail}});
    } else {
      fmt::print("{}\n  fs_type       {}\n  mount         {} on {} ({})\n  fs_options    {}\n  block_stack   {}\n"
                 "  fscrypt       {}\n  exec probe    {}\n",
                 facts.dir, facts.fs_type, facts.mount_source, facts.mount_point, facts.mount_options,
                 facts.super_options, facts.block_stack, facts.fscrypt, facts.exec.detail);
    }
  }
  if (as_json) fmt::print("{}\n", all.dump(2));
  return 0;
}
