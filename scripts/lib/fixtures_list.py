#!/usr/bin/env python3
"""`anonmap-fixtures list`: the fixtures that are up, with the filesystem facts the benchmarks record.

Called by scripts/anonmap-fixtures with the ready targets as "TARGET DIR STRATEGY_HINT" triples:

    fixtures_list.py --facts PATH --fscrypt-tool PATH [--json] -- TARGET DIR HINT [TARGET DIR HINT ...]

Facts come from `anonmap-facts --json DIR...` (the harness's own facts, exactly what the benchmark context
records) when that binary is built; otherwise from findmnt and sysfs, and the output says so
("facts_source"). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys



def run(cmd: list[str], timeout: float = 30) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def describe_block(name: str) -> str:
    """One layer of a block stack, from /sys/class/block/NAME."""
    if name.startswith("loop"):
        return "loop"
    if name.startswith("dm-"):
        uuid = read(f"/sys/class/block/{name}/dm/uuid") or ""
        dm_name = read(f"/sys/class/block/{name}/dm/name") or ""
        if uuid.startswith("CRYPT-"):
            status = run(["cryptsetup", "status", dm_name]) or ""
            for line in status.splitlines():
                key, _, value = line.strip().partition(":")
                if key == "cipher" and value.strip():
                    return f"dm-crypt({value.strip()})"
            return "dm-crypt"
        if uuid.startswith("LVM-"):
            return "lvm"
        return "dm"
    # A partition names its disk; a disk is named by itself (vda, nvme0n1, sda).
    if os.path.exists(f"/sys/class/block/{name}/partition"):
        parent = os.path.basename(os.path.dirname(os.path.realpath(f"/sys/class/block/{name}")))
        return f"{parent}(part)"
    return name


def block_stack(source: str) -> str:
    """Bottom to top, e.g. loop>dm-crypt(aes-xts-plain64); "none" for a filesystem without a block device."""
    if not source.startswith("/dev/"):
        return "none"
    top = os.path.basename(os.path.realpath(source))
    seen: set[str] = set()

    def layers(name: str) -> list[str]:
        if name in seen:
            return []
        seen.add(name)
        try:
            slaves = sorted(os.listdir(f"/sys/class/block/{name}/slaves"))
        except OSError:
            slaves = []
        below = "+".join(">".join(layers(s)) for s in slaves) if slaves else ""
        return ([below] if below else []) + [describe_block(name)]

    return ">".join(layers(top))


def fallback_facts(directory: str, fscrypt_tool: str) -> dict:
    facts: dict = {"dir": directory}
    out = run(["findmnt", "--json", "--output", "TARGET,SOURCE,FSTYPE,VFS-OPTIONS,FS-OPTIONS", "--target", directory])
    fs = {}
    if out:
        try:
            fs = json.loads(out)["filesystems"][0]
        except (ValueError, KeyError, IndexError):
            fs = {}
    options = fs.get("vfs-options") or ""
    facts["fs_type"] = fs.get("fstype") or "unknown"
    facts["mount_point"] = fs.get("target") or "unknown"
    facts["mount_source"] = fs.get("source") or "unknown"
    facts["mount_options"] = options or "unknown"
    facts["fs_options"] = fs.get("fs-options") or "unknown"
    facts["block_stack"] = block_stack(fs.get("source") or "")
    fscrypt = "unknown"
    if os.access(fscrypt_tool, os.X_OK):
        fscrypt = (run([fscrypt_tool, "--status", directory]) or "unknown").strip()
    facts["fscrypt"] = fscrypt
    facts["exec_allowed"] = "noexec" not in options.split(",")
    return facts


def harness_facts(facts_tool: str, dirs: list[str]) -> dict[str, dict] | None:
    if not os.access(facts_tool, os.X_OK):
        return None
    out = run([facts_tool, "--json", *dirs], timeout=60)
    if out is None:
        print(f"anonmap-fixtures: warning: {facts_tool} --json failed; facts from findmnt/sysfs instead",
              file=sys.stderr)
        return None
    try:
        parsed = json.loads(out)
    except ValueError:
        print(f"anonmap-fixtures: warning: {facts_tool} --json printed no JSON; facts from findmnt/sysfs instead",
              file=sys.stderr)
        return None
    if isinstance(parsed, dict):
        parsed = [parsed]
    by_dir: dict[str, dict] = {}
    for i, item in enumerate(parsed if isinstance(parsed, list) else []):
        if not isinstance(item, dict):
            continue
        key = item.get("dir") or (dirs[i] if i < len(dirs) else None)
        if key:
            by_dir[os.path.realpath(key)] = item
    return by_dir


def main() -> int:
    ap = argparse.ArgumentParser(prog="anonmap-fixtures list")
    ap.add_argument("--facts", required=True)
    ap.add_argument("--fscrypt-tool", required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("rows", nargs="*")
    args = ap.parse_args()
    if len(args.rows) % 3 != 0:
        ap.error("expected TARGET DIR HINT triples")
    rows = [tuple(args.rows[i:i + 3]) for i in range(0, len(args.rows), 3)]
    dirs = [d for _, d, _ in rows]

    from_harness = harness_facts(args.facts, dirs)
    source = "anonmap-facts" if from_harness is not None else "findmnt"
    out = []
    for target, directory, hint in rows:
        facts = None
        if from_harness is not None:
            facts = from_harness.get(os.path.realpath(directory))
        entry_source = source
        if facts is None:
            facts = fallback_facts(directory, args.fscrypt_tool)
            entry_source = "findmnt"
        mount_point = os.path.dirname(directory)
        entry = {"target": target, "dir": directory, "strategy_hint": hint}
        entry.update({k: v for k, v in facts.items() if k != "dir"})
        entry["mounted"] = os.path.ismount(mount_point)
        entry["facts_source"] = entry_source
        out.append(entry)

    if args.json:
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0

    if source == "anonmap-facts":
        print(f"# facts from anonmap-facts ({args.facts})")
    else:
        print(f"# facts from findmnt/sysfs: anonmap-facts is not built ({args.facts})")

    def text(value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "?" if value is None else str(value)

    def options(e: dict) -> str:
        # The mount's own options, then the filesystem's (where huge=always, nodatacow, size= show).
        text_ = text(e.get("mount_options"))
        if e.get("fs_options"):
            text_ += " | " + text(e.get("fs_options"))
        return text_

    header = ("TARGET", "STRATEGY", "FS", "BLOCK_STACK", "FSCRYPT", "EXEC", "DIR", "MOUNT_OPTIONS | FS_OPTIONS")
    table = [header]
    for e in out:
        fs_type = text(e.get("fs_type"))
        if not e["mounted"]:
            fs_type += "(NOT MOUNTED)"
        table.append((e["target"], e["strategy_hint"], fs_type, text(e.get("block_stack")),
                      text(e.get("fscrypt")), text(e.get("exec_allowed")), e["dir"],
                      options(e)))
    widths = [max(len(r[i]) for r in table) for i in range(len(header) - 1)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
