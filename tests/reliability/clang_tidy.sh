#!/usr/bin/env bash
# clang-tidy over the project's own sources (lib/, bench/, tools/, fuzz/; not tests/) with the committed
# .clang-tidy (found next to the sources), from a build's compile_commands.json. Exit 77 (ctest: skipped) when clang-tidy is not installed.
# Usage: clang_tidy.sh SOURCE_DIR BUILD_DIR [JOBS]
set -euo pipefail
src=$1 build=$2 jobs=${3:-2}
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
runner=$(command -v run-clang-tidy || command -v run-clang-tidy-14 || true)
if [[ -z $tidy || -z $runner ]]; then
  echo "clang-tidy: not installed (Debian: apt-get install clang-tidy); skipped" >&2
  exit 77
fi
[[ -f $build/compile_commands.json ]] || { echo "clang-tidy: no $build/compile_commands.json" >&2; exit 2; }
# bench/ is compiled once per strategy binary: three compile commands per file that differ only in the
# ANONMAP_STRATEGY_NAME definition, which no preprocessor condition reads. clang-tidy would analyse each file once
# per command (three times the work for the same findings), so it gets a database with the first command of each.
db=$(mktemp -d "$build/clang-tidy-db.XXXXXX")
trap 'rm -rf "$db"' EXIT
python3 - "$build/compile_commands.json" "$db/compile_commands.json" <<'PY'
import json, sys
seen, unique = set(), []
for entry in json.load(open(sys.argv[1])):
    if entry["file"] not in seen:
        seen.add(entry["file"])
        unique.append(entry)
json.dump(unique, open(sys.argv[2], "w"))
PY
# The build may be GCC's: clang must not trip over GCC-only warning options.
"$runner" -clang-tidy-binary "$tidy" -p "$db" -quiet -j "$jobs" \
  -extra-arg=-Wno-unknown-warning-option "^$src/(lib|bench|tools|fuzz)/.*\.cpp$"
