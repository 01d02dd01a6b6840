# Sourced by the shell tests (tests/fixtures, tests/vm): counted checks and the closing line ctest reads.
#   CHECKS_NAME   the word before the closing 'N passed, N failed' line (set it before sourcing)
# shellcheck shell=bash

PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
finish() {
  printf '%s: %d passed, %d failed\n' "$CHECKS_NAME" "$PASSED" "$FAILED"
  ((FAILED == 0))
}

# expect_rc RC OUTPUT_PATTERN CMD...: CMD exits RC and its stderr+stdout matches the glob pattern.
expect_rc() {
  local want=$1 pattern=$2 out rc
  shift 2
  out=$("$@" 2>&1); rc=$?
  # shellcheck disable=SC2053 # the pattern is a glob on purpose
  if [[ $rc == "$want" && $out == $pattern ]]; then
    pass "$* -> exit $want"
  else
    fail "$* -> exit $rc (wanted $want), output: $out"
  fi
}
