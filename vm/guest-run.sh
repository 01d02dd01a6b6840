#!/bin/bash
# guest-run.sh: PID 1 of the anonmap-vm guest. The initramfs made by vm/anonmap-vm mounts this machine's / read-only
# over virtio-9p and switches to it with this script, which then:
#   - mounts what a read-only / needs writable: /run, /tmp, /dev/shm (tmpfs), cgroup2, the scratch disk (ext4,
#     /dev/vda) at /var/tmp, and the results share (9p tag anonmapout) at /run/anonmap-vm/out; a checkout (or
#     build directory) under one of those is bound back from the host's / so that the guest finds it;
#   - makes the guest kernel's modules the ones modprobe finds (/lib/modules/<release>) and loads loop, ext4,
#     btrfs, xfs, dm-crypt and friends;
#   - runs the job anonmap-vm wrote to the share (job.sh): scripts/anonmap-fixtures up, scripts/anonmap-run,
#     scripts/anonmap-fixtures down;
#   - writes the runner's exit status to the share's 'status' file, syncs and powers off.
# It never returns: PID 1 ending would panic the kernel (which, with panic=-1 and QEMU's -no-reboot, also ends QEMU).

set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LANG=C.UTF-8

OUT=/run/anonmap-vm/out
HOST_ROOT=/run/anonmap-vm/host
FIXTURES_ROOT=/var/tmp/anonmap-fixtures

say() { printf 'anonmap-vm(guest): %s\n' "$*"; }

power_off() {
  sync
  echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
  echo o >/proc/sysrq-trigger 2>/dev/null
  # Wait with builtins only: while the power-off runs, the host's files (9p) go away, and an exec would fail.
  [[ -p /run/anonmap-vm/wait ]] && read -r -t 120 _ <>/run/anonmap-vm/wait
  exit 1
}

fail() {
  say "FAILED: $*"
  [[ -d $OUT ]] && mountpoint -q "$OUT" && echo "setup failed: $*" >"$OUT/status"
  power_off
}

if (($$ != 1)); then
  echo "guest-run.sh: runs only as PID 1 inside the anonmap-vm guest (see vm/anonmap-vm --help)" >&2
  exit 2
fi
exec </dev/null >/dev/console 2>&1

uptime_s() { awk '{ print $1 }' /proc/uptime; }

# ---------------------------------------------------------------------------------------------------------------
# Mounts

setup_mounts() {
  mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || fail "cannot mount /run"
  mkdir -p "$OUT" "$HOST_ROOT" /run/lock /run/cryptsetup
  # The host's / once more, without the mounts made here: the way to a checkout in the host's /tmp (say) once
  # the guest's own /tmp covers it.
  mount --bind / "$HOST_ROOT" || fail "cannot bind the host's / at $HOST_ROOT"
  mkfifo /run/anonmap-vm/wait
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 anonmapout "$OUT" ||
    fail "cannot mount the results share (9p tag anonmapout)"
  [[ -r $OUT/job.sh ]] || fail "no job.sh in the results share"
  # shellcheck source=/dev/null
  source "$OUT/job.sh" || fail "cannot read job.sh"

  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp || fail "cannot mount /tmp"
  mkdir -p /dev/shm /dev/pts
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || fail "cannot mount /dev/shm"
  mount -t devpts -o mode=620,ptmxmode=666 devpts /dev/pts || true
  # devtmpfs has no /dev/fd and friends; bash's process substitution uses /dev/fd.
  ln -sfn /proc/self/fd /dev/fd
  ln -sfn /proc/self/fd/0 /dev/stdin
  ln -sfn /proc/self/fd/1 /dev/stdout
  ln -sfn /proc/self/fd/2 /dev/stderr
  mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup 2>/dev/null || mount -t cgroup2 cgroup2 /sys/fs/cgroup ||
    say "warning: no cgroup2 (the memory pressure workloads will skip)"
  echo "$ANONMAP_VM_HOSTNAME" >/proc/sys/kernel/hostname
  # Every SysRq function, so that QEMU's monitor can ask a hung guest what it is doing ('sendkey alt-sysrq-w',
  # see anonmap-vm --keep); Debian's default mask leaves out the task and CPU dumps.
  echo 1 >/proc/sys/kernel/sysrq
}

# show_host_paths DIR...: the checkout, the binaries and the guest kernel's modules where the host has them,
# also when they are under one of the DIRs, on which the guest has mounted its own file system: a bind from the
# host's /.
show_host_paths() {
  local path covered
  for path in "$ANONMAP_VM_REPO" "$ANONMAP_VM_BUILD_DIR" "$ANONMAP_VM_MODULES"; do
    for covered in "$@"; do
      [[ $path == "$covered"/* ]] || continue
      if ! mkdir -p "$path" || ! mount --bind "$HOST_ROOT$path" "$path"; then
        fail "cannot show the host's $path in the guest"
      fi
    done
  done
}

# The guest kernel's modules where modprobe (and the kernel's request_module) looks for them.
setup_modules() {
  local release
  release=$(uname -r)
  if [[ $(readlink -f "/lib/modules/$release" 2>/dev/null) != "$ANONMAP_VM_MODULES" ]]; then
    mount -t tmpfs -o mode=0755 tmpfs /lib/modules || fail "cannot mount a tmpfs at /lib/modules"
    mkdir -p "/lib/modules/$release"
    mount --bind "$ANONMAP_VM_MODULES" "/lib/modules/$release" || fail "cannot bind $ANONMAP_VM_MODULES"
  fi
  # What the scratch disk and every fixture need; the fixtures load their filesystem and dm-crypt when they make
  # them, and the kernel asks modprobe for ciphers and checksums as it needs them (under TCG each module costs
  # seconds: btrfs's raid6 and xor benchmark themselves, the crypto modules test themselves).
  modprobe -a -q virtio_rng ext4 loop 2>/dev/null || true
}

setup_scratch() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -b /dev/vda ]] && break
    sleep 0.1
  done
  [[ -b /dev/vda ]] || fail "no scratch disk /dev/vda"
  grep -qw ext4 /proc/filesystems || fail "the guest kernel has no ext4 (built in or module) for the scratch disk"
  mount -t ext4 -o noinit_itable,nosuid,nodev /dev/vda /var/tmp || fail "cannot mount the scratch disk at /var/tmp"
  chmod 1777 /var/tmp
}

# ---------------------------------------------------------------------------------------------------------------
# The job

fixtures() {
  "$ANONMAP_VM_REPO/scripts/anonmap-fixtures" --root "$FIXTURES_ROOT" --build-dir "$ANONMAP_VM_BUILD_DIR" "$@"
}

run_job() {
  local code=0 started
  cd /var/tmp || return 1
  export HOME=/tmp/home MPLCONFIGDIR=/tmp/matplotlib PYTHONDONTWRITEBYTECODE=1
  mkdir -p "$HOME"
  # Google Benchmark adds BENCHMARK_CONTEXT's pairs to every result's context.
  export BENCHMARK_CONTEXT="anonmap_vm=qemu-$ANONMAP_VM_ACCEL,anonmap_vm_qemu=$ANONMAP_VM_QEMU_VERSION,anonmap_vm_host_kernel=$ANONMAP_VM_HOST_KERNEL"
  if [[ $ANONMAP_VM_FIXTURES != none ]]; then
    started=$(uptime_s)
    local only=()
    [[ $ANONMAP_VM_FIXTURES == all ]] || only=(--only "$ANONMAP_VM_FIXTURES")
    say "fixtures up (${ANONMAP_VM_FIXTURES})"
    fixtures up "${only[@]}" || { code=$?; say "anonmap-fixtures up failed ($code)"; }
    say "fixtures up took $(awk -v a="$started" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')s"
  fi
  if ((code == 0)); then
    say "anonmap-run ${ANONMAP_VM_RUNNER_ARGS[*]}"
    python3 "$ANONMAP_VM_REPO/scripts/anonmap-run" "${ANONMAP_VM_RUNNER_ARGS[@]}" || code=$?
  fi
  if [[ $ANONMAP_VM_FIXTURES != none ]]; then
    fixtures down >/dev/null || { say "anonmap-fixtures down failed"; ((code)) || code=1; }
  fi
  return "$code"
}

setup_mounts
show_host_paths /run /tmp /dev/shm
setup_modules
setup_scratch
show_host_paths /var/tmp
say "kernel $(uname -r) up in $(uptime_s)s under ${ANONMAP_VM_ACCEL}; $(nproc) CPUs, $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"

# Through a pipe: the runner draws its progress in place only on a terminal, and /dev/console is one.
run_job 2>&1 | cat
code=${PIPESTATUS[0]}
dmesg >"$OUT/dmesg.log" 2>/dev/null || true
echo "$code" >"$OUT/status"
say "finished with status $code after $(uptime_s)s; powering off"
cd /
sync
umount /var/tmp 2>/dev/null || say "warning: the scratch disk is still busy"
power_off
