#!/usr/bin/env bash
# Tests for vm/anonmap-vm (issue 6).
#
#   test_vm.sh [--cli-only] ANONMAP_VM BUILD_DIR
#
# --cli-only: what needs neither root nor QEMU (help, bad input, missing kernel).
# Otherwise, as root with qemu-system-x86_64, a static busybox and a kernel in /boot other than the running one:
#   - a time limit that passes during boot: exit 124, QEMU killed, no work directory left;
#   - SIGTERM while the guest boots: exit 130, QEMU killed, no work directory left;
#   - the guest kernel boots, brings up btrfs on dm-crypt and runs the smallest dense touch on it once; its JSON
#     comes back with block_stack containing "dm-crypt(", virt tcg or kvm, kernel = the guest's release and
#     anonmap_vm = qemu-<virt>; nothing is left behind.
# Exit codes: 0 all passed, 1 something failed, 77 skipped (the reason is printed).
# Environment: ANONMAP_SKIP_VM=1 skips the VM boots (e.g. a CI without time for emulation);
# ANONMAP_VM_TEST_ACCEL (default auto), ANONMAP_VM_TEST_TIMEOUT (seconds for the boot with btrfs-dmcrypt,
# default 600), ANONMAP_VM_TEST_KERNEL (default: anonmap-vm's own choice).

set -uo pipefail
shopt -s nullglob

CLI_ONLY=0
if [[ ${1:-} == --cli-only ]]; then CLI_ONLY=1; shift; fi
[[ $# -eq 2 ]] || { echo "usage: $0 [--cli-only] ANONMAP_VM BUILD_DIR" >&2; exit 2; }
VM=$(readlink -f -- "$1")
BUILD=$(readlink -f -- "$2")
[[ -x $VM ]] || { echo "FAIL: $VM is not executable" >&2; exit 1; }

CHECKS_NAME=vm
# shellcheck source-path=SCRIPTDIR source=../support/checks.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../support/checks.sh"
skip() { printf 'skipped: %s\n' "$*"; printf 'vm: %d passed, 0 failed (the rest skipped)\n' "$PASSED"; exit 77; }

# ---------------------------------------------------------------------------------------------------------------
# No root, no QEMU needed

cli_tests() {
  expect_rc 0 '*usage: anonmap-vm*--kernel PATH*--modules DIR*--memory MiB*--cpus N*--accel MODE*--timeout SEC*--results DIR*--build-dir DIR*--fixtures LIST*' \
    "$VM" --help
  expect_rc 2 'anonmap-vm: unknown option*' "$VM" --bogus
  expect_rc 2 'anonmap-vm: --accel must be auto, kvm or tcg*' "$VM" --accel fast
  expect_rc 2 'anonmap-vm: --memory must be*' "$VM" --memory 12
  expect_rc 2 'anonmap-vm: --timeout must be*' "$VM" --timeout soon
  expect_rc 2 'anonmap-vm: option --kernel needs a value*' "$VM" --kernel
  expect_rc 2 'anonmap-vm: unexpected argument*' "$VM" quick
  expect_rc 2 'anonmap-vm: --kernel /nonexistent/vmlinuz: no such file' "$VM" --kernel /nonexistent/vmlinuz
  expect_rc 2 "anonmap-vm: runner argument '--results' is set by anonmap-vm*" "$VM" -- --quick --results /tmp
  expect_rc 2 "anonmap-vm: --native with a runner --label*" "$VM" --native -- --quick --label mine
  expect_rc 0 '*--native*kernels.md*' "$VM" --help
  # One line on stderr for every usage error.
  local out
  out=$("$VM" --cpus 0 2>&1 >/dev/null)
  if [[ $(printf '%s\n' "$out" | wc -l) == 1 ]]; then pass "a usage error is one line"; else fail "a usage error is one line: $out"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# Leftovers: a work directory this run made, a QEMU process using it.

work_dir_of() { sed -n 's/^anonmap-vm: work directory \(\/var\/tmp\/anonmap-vm\.[A-Za-z0-9]*\)$/\1/p' "$1" | head -n1; }

qemu_of() {  # WORKDIR: the pids of processes whose command line names WORKDIR
  local pid
  for pid in /proc/[0-9]*; do
    { tr '\0' ' ' <"$pid/cmdline"; } 2>/dev/null | grep -qF -- "$1/" && printf '%s\n' "${pid#/proc/}"
  done
  return 0
}

check_no_leftovers() {  # WHAT LOG
  local what=$1 log=$2 work
  work=$(work_dir_of "$log")
  if [[ -z $work ]]; then
    fail "$what: no 'work directory' line in the output"
    return
  fi
  if [[ ! -e $work ]]; then pass "$what: $work removed"; else fail "$what: $work left behind"; fi
  local pids
  pids=$(qemu_of "$work")
  if [[ -z $pids ]]; then pass "$what: no QEMU left"; else fail "$what: processes still use $work: $pids"; fi
}

# ---------------------------------------------------------------------------------------------------------------
# The guest

KERNEL_ARGS=()
RESULTS='' LOGS='' GUEST_BUILD=''
cleanup() {
  local dir
  for dir in "$RESULTS" "$LOGS" "$GUEST_BUILD"; do [[ -n $dir ]] && rm -rf -- "$dir"; done
  return 0
}

timeout_test() {
  local log=$LOGS/timeout.log rc
  "$VM" "${KERNEL_ARGS[@]}" --accel tcg --timeout 3 --build-dir "$BUILD" --results "$RESULTS" --fixtures none \
    -- --quick --strategies=memfd --repetitions 1 --no-report >"$log" 2>&1
  rc=$?
  if [[ $rc == 124 ]] && grep -q 'time limit of 3s passed' "$log"; then pass "--timeout 3 -> exit 124 with the reason"; else
    fail "--timeout 3 -> exit $rc (wanted 124): $(tail -n3 "$log")"; fi
  check_no_leftovers "after the time limit" "$log"
}

signal_test() {
  local log=$LOGS/signal.log pid i rc
  "$VM" "${KERNEL_ARGS[@]}" --accel tcg --timeout 120 --build-dir "$BUILD" --results "$RESULTS" --fixtures none \
    -- --quick --strategies=memfd --repetitions 1 --no-report >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 300; i++)); do
    grep -q 'anonmap-vm: booting' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  sleep 2
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"; rc=$?
  if [[ $rc == 130 ]] && grep -q 'interrupted' "$log"; then pass "SIGTERM while booting -> exit 130"; else
    fail "SIGTERM while booting -> exit $rc (wanted 130): $(tail -n3 "$log")"; fi
  check_no_leftovers "after SIGTERM" "$log"
}

dmcrypt_test() {
  local log=$LOGS/dmcrypt.log rc release started
  release=$("$VM" "${KERNEL_ARGS[@]}" --show --build-dir "$BUILD" 2>&1 | sed -n 's/^release //p')
  if [[ -z $release ]]; then
    fail "anonmap-vm --show names the guest kernel's release: $("$VM" "${KERNEL_ARGS[@]}" --show --build-dir "$BUILD" 2>&1)"
    return
  fi
  # The binaries from a copy in /tmp, where the guest mounts its own tmpfs: the guest must still find them
  # (as it must a checkout cloned into /tmp).
  local binary
  for binary in bench/anonmap-bench-{memfd,tmpfs,disk} tools/facts/anonmap-facts tools/compare/anonmap-compare \
    tools/fscrypt/anonmap-fscrypt-setup; do
    install -D "$BUILD/$binary" "$GUEST_BUILD/$binary" || { fail "cannot copy $BUILD/$binary to $GUEST_BUILD"; return; }
  done
  started=$SECONDS
  "$VM" "${KERNEL_ARGS[@]}" --accel "${ANONMAP_VM_TEST_ACCEL:-auto}" --kvm-probe 15 \
    --timeout "${ANONMAP_VM_TEST_TIMEOUT:-600}" --build-dir "$GUEST_BUILD" --results "$RESULTS" --fixtures btrfs-dmcrypt \
    --native -- --quick --fixtures --strategies memfd --filter 'dense_touch/write/MiB:4/' --repetitions 1 \
    >"$log" 2>&1
  rc=$?
  printf '     (the guest run took %ss: %s)\n' "$((SECONDS - started))" "$(grep -o 'done in .*' "$log" || tail -n1 "$log")"
  if [[ $rc != 0 ]]; then
    fail "anonmap-vm with btrfs-dmcrypt exited $rc:"
    sed 's/^/     | /' "$log" | tail -n 30
  else
    pass "anonmap-vm with btrfs-dmcrypt exited 0"
  fi
  local files=("$RESULTS"/*/*-vm-"$release"-*/disk@btrfs-dmcrypt.json)
  if [[ ${#files[@]} != 1 ]]; then
    fail "one disk@btrfs-dmcrypt.json in $RESULTS/*/*-vm-$release-*/, found ${#files[@]}: $(find "$RESULTS" -type f | head)"
  else
    local verdict
    verdict=$(python3 - "${files[0]}" "$release" <<'EOF'
import json, sys
path, release = sys.argv[1], sys.argv[2]
data = json.load(open(path))
c = data["context"]
problems = []
if "dm-crypt(" not in c.get("block_stack", ""):
    problems.append(f"block_stack {c.get('block_stack')!r} has no dm-crypt(")
if c.get("virt") not in ("tcg", "kvm"):
    problems.append(f"virt {c.get('virt')!r} is neither tcg nor kvm")
if c.get("kernel") != release:
    problems.append(f"kernel {c.get('kernel')!r} is not the guest's {release!r}")
if c.get("anonmap_vm") != f"qemu-{c.get('virt')}":
    problems.append(f"anonmap_vm {c.get('anonmap_vm')!r} is not qemu-{c.get('virt')}")
if c.get("fs_type") != "btrfs":
    problems.append(f"fs_type {c.get('fs_type')!r} is not btrfs")
good = [b for b in data["benchmarks"] if not b.get("error_occurred") and not b.get("skipped")]
if not good:
    problems.append("no benchmark ran without an error")
print("; ".join(problems) if problems else f"ok block_stack={c['block_stack']} virt={c['virt']} kernel={c['kernel']}")
EOF
)
    if [[ $verdict == ok* ]]; then pass "btrfs-dmcrypt JSON: ${verdict#ok }"; else fail "btrfs-dmcrypt JSON: $verdict"; fi
    kernels_report_test "$(dirname -- "${files[0]}")" "$release"
  fi
  check_no_leftovers "after the btrfs-dmcrypt run" "$log"
}

# --native: a run here beside the guest's, and the kernels report in the guest's run directory.
kernels_report_test() {  # GUEST_RUN_DIR RELEASE
  local guest=$1 release=$2 native report=$1/kernels.md
  native=("$RESULTS"/*/*-native-"$(uname -r)")
  if [[ ${#native[@]} == 1 && -f ${native[0]}/memfd.json && ! -e ${native[0]}/disk@btrfs-dmcrypt.json ]]; then
    pass "--native: memfd ran here too (and btrfs-dmcrypt did not: no device-mapper in this kernel)"
  else
    fail "--native: one native run with memfd.json only in $RESULTS, found: $(find "$RESULTS" -name '*.json' | tr '\n' ' ')"
  fi
  if [[ -f $guest/report.md && -f $report ]] && grep -q "\`$(uname -r)@" "$report" && grep -q "\`$release@" "$report" &&
    grep -q '^| disk@btrfs-dmcrypt | `dense_touch/write/MiB:4/' "$report" && grep -q '^| memfd | `dense_touch' "$report"; then
    pass "report.md (made here) and kernels.md: both kernels as columns, memfd and disk@btrfs-dmcrypt as rows"
  else
    fail "report.md and kernels.md in $guest with both kernels and both configurations: $(ls "$guest"; head -c 600 "$report" 2>&1)"
  fi
}

# ---------------------------------------------------------------------------------------------------------------

cli_tests
if ((CLI_ONLY)); then finish; exit; fi

[[ -n ${ANONMAP_SKIP_VM:-} ]] && skip "ANONMAP_SKIP_VM is set"
((EUID == 0)) || skip "not root"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
static_busybox=0
for candidate in /bin/busybox /usr/bin/busybox; do
  [[ -x $candidate && $(LC_ALL=C ldd "$candidate" 2>&1 || true) == *'not a dynamic executable'* ]] && static_busybox=1
done
((static_busybox)) || skip "no static busybox (apt-get install busybox-static)"
if [[ -n ${ANONMAP_VM_TEST_KERNEL:-} ]]; then
  KERNEL_ARGS=(--kernel "$ANONMAP_VM_TEST_KERNEL")
else
  others=()
  for image in /boot/vmlinuz-*; do
    [[ ${image#/boot/vmlinuz-} == "$(uname -r)" ]] || others+=("$image")
  done
  ((${#others[@]})) || skip "no guest kernel in /boot other than the running one (apt-get install linux-image-amd64)"
fi
for strategy in memfd tmpfs disk; do
  [[ -x $BUILD/bench/anonmap-bench-$strategy ]] || skip "$BUILD/bench/anonmap-bench-$strategy not built"
done
[[ -x $BUILD/tools/facts/anonmap-facts ]] || skip "$BUILD/tools/facts/anonmap-facts not built"
before=$(printf '%s\n' /var/tmp/anonmap-vm.* | sort)

RESULTS=$(mktemp -d /tmp/anonmap-vm-test-results.XXXXXX)
LOGS=$(mktemp -d /tmp/anonmap-vm-test-logs.XXXXXX)
GUEST_BUILD=$(mktemp -d /tmp/anonmap-vm-test-build.XXXXXX)
trap cleanup EXIT

timeout_test
signal_test
dmcrypt_test

after=$(printf '%s\n' /var/tmp/anonmap-vm.* | sort)
if [[ $after == "$before" ]]; then pass "no new /var/tmp/anonmap-vm.* left"; else
  fail "new /var/tmp/anonmap-vm.* left: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')"; fi
finish
