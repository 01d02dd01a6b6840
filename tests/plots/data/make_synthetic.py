#!/usr/bin/python3
"""Write the synthetic test inputs of anonmap-plot: space/*.json and pressure/*.json (see README.md).

The numbers are invented, for the shape of the files only (what the space-reclaim and memory-pressure
workloads write); they say nothing about any filesystem. Deterministic: running it again gives the same files.

    /usr/bin/python3 tests/plots/data/make_synthetic.py
"""

import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
REPETITIONS = 6

CONFIGS = [
    # label, strategy, fs_type
    ("memfd", "memfd", "tmpfs"),
    ("tmpfs@dev-shm", "tmpfs", "tmpfs"),
    ("disk@ext4", "disk", "ext4"),
    ("disk@btrfs", "disk", "btrfs"),
]


def context(label, strategy, fs_type):
    return {
        "date": "2024-05-01T12:00:00+00:00", "host_name": "synthetic", "num_cpus": 2, "mhz_per_cpu": 2000,
        "library_build_type": "release", "anonmap_config": label, "anonmap_strategy": strategy,
        "fs_type": fs_type, "block_stack": "none" if strategy != "disk" else "loop", "kernel": "6.1.0-synthetic",
        "virt": "none", "anonmap_rounds": str(REPETITIONS), "anonmap_version": "0.1.0",
    }


def entry(run_name, family, instance, repetition, real_ms, counters, label=None, error=None):
    e = {"name": run_name, "family_index": family, "per_family_instance_index": instance, "run_name": run_name,
         "run_type": "iteration", "repetitions": REPETITIONS, "repetition_index": repetition, "threads": 1,
         "iterations": 1, "real_time": real_ms, "cpu_time": real_ms / 2, "time_unit": "ms"}
    if error:
        e["error_occurred"] = True
        e["error_message"] = error
        return e
    e.update(counters)
    if label is not None:
        e["label"] = label
    return e


def write(directory, label, ctx, benchmarks):
    os.makedirs(os.path.join(HERE, directory), exist_ok=True)
    lines = ",\n".join("  " + json.dumps(b) for b in benchmarks)
    with open(os.path.join(HERE, directory, f"{label}.json"), "w") as f:
        f.write('{\n"context": ' + json.dumps(ctx, indent=1) + ',\n"benchmarks": [\n' + lines + "\n]\n}\n")


def space(rng, label, strategy):
    """space/reclaim/{plain,punch_hole,madv_remove}/MiB:64: KiB held after touch, (decommit,) unmap, close."""
    full = 65536.0
    benchmarks = []
    for family, variant in enumerate(["plain", "punch_hole", "madv_remove"]):
        run_name = f"space/reclaim/{variant}/MiB:64/iterations:1/manual_time"
        for r in range(REPETITIONS):
            if label == "disk@btrfs" and variant == "madv_remove":
                benchmarks.append(entry(run_name, family, 0, r, 0, {}, error="madvise(MADV_REMOVE): Operation "
                                        "not supported (EOPNOTSUPP)"))
                continue
            noise = rng.uniform(-300, 300) if strategy != "disk" else rng.uniform(0, 64)
            counters = {"held_after_touch_KiB": full}
            decommitted = variant != "plain"
            if decommitted:
                counters["held_after_decommit_KiB"] = 0.0
            counters["held_after_unmap_KiB"] = 0.0 if decommitted else full
            counters["held_after_close_KiB"] = max(0.0, noise)
            counters["touched_KiB"] = full
            benchmarks.append(entry(run_name, family, 0, r, rng.uniform(1, 3), counters))
    return benchmarks


def pressure(rng, label, strategy):
    """pressure/... cases: outcome label and 0/1 counters, peak_MiB, written_back_MiB."""
    cases = [("pressure/dense", 50), ("pressure/dense", 200), ("pressure/sparse", 200), ("pressure_swap/dense", 200)]
    benchmarks = []
    for family, (name, k_pct) in enumerate(cases):
        run_name = f"{name}/limit_MiB:64/k_pct:{k_pct}/iterations:1/manual_time"
        for r in range(REPETITIONS):
            if label == "disk@btrfs" and name.startswith("pressure_swap"):
                benchmarks.append(entry(run_name, family, 0, r, 0, {},
                                        error="pressure: not enough room in /var/tmp for a swap file"))
                continue
            mapping = 64 * k_pct / 100
            if k_pct <= 100 or name == "pressure/sparse" or name.startswith("pressure_swap"):
                outcome = "completed"
            elif strategy == "disk":
                outcome = "timeout" if label == "disk@btrfs" and r in (1, 4) else "completed"
            else:
                outcome = "oom_killed"
            written = mapping - 48 + rng.uniform(0, 8) if strategy == "disk" and mapping > 64 else 0.0
            counters = {o: float(o == outcome) for o in ["completed", "oom_killed", "sigbus", "timeout", "killed"]}
            counters.update({"peak_MiB": min(64.0, mapping + rng.uniform(0, 2)), "written_back_MiB": written,
                             "limit_MiB": 64.0, "mapping_MiB": mapping})
            benchmarks.append(entry(run_name, family, 0, r, rng.uniform(50, 900), counters, label=outcome))
    return benchmarks


def main():
    rng = random.Random(8)
    for label, strategy, fs_type in CONFIGS:
        ctx = context(label, strategy, fs_type)
        write("space", label, ctx, space(rng, label, strategy))
        write("pressure", label, ctx, pressure(rng, label, strategy))


if __name__ == "__main__":
    main()
