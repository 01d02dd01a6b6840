#!/usr/bin/python3
"""Tests of plots/anonmap-plot: render the committed inputs in data/ and check the files are real images.

    /usr/bin/python3 tests/plots/test_plots.py        (ctest runs it as plots.render)

Exit code 0 when every case passes, 1 when one fails, 77 (skipped) without python3-matplotlib.
"""

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PLOTTER = os.path.join(REPO, "plots", "anonmap-plot")
DATA = os.path.join(HERE, "data")
SKIP = 77

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "plots"))

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_BYTES = 10 * 1024


def plot(*args):
    """Run anonmap-plot; (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, PLOTTER, *args], capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def check_png(path):
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == PNG_SIGNATURE, f"{path}: no PNG signature")
    check(data[12:16] == b"IHDR", f"{path}: no IHDR chunk first")
    width, height = struct.unpack(">II", data[16:24])
    check(400 <= width <= 4000 and 150 <= height <= 4000, f"{path}: odd size {width}x{height}")
    check(len(data) > MIN_BYTES, f"{path}: only {len(data)} bytes")


def check_svg(path):
    check(os.path.getsize(path) > MIN_BYTES, f"{path}: only {os.path.getsize(path)} bytes")
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise Failure(f"{path}: not XML: {error}") from None
    check(root.tag.endswith("svg"), f"{path}: root element is {root.tag}, not svg")


def check_no_leftovers(directory):
    leftovers = [n for n in os.listdir(directory) if n.startswith(".") or n.endswith(".tmp")]
    check(not leftovers, f"temporary files left in {directory}: {leftovers}")


def check_images(directory, expected):
    """Every expected chart as PNG and SVG, nothing else but index.md, and index.md links every PNG."""
    names = sorted(os.listdir(directory))
    wanted = sorted([f"{e}.{fmt}" for e in expected for fmt in ("png", "svg")] + ["index.md"])
    check(names == wanted, f"files {names}, expected {wanted}")
    for name in names:
        path = os.path.join(directory, name)
        if name.endswith(".png"):
            check_png(path)
        elif name.endswith(".svg"):
            check_svg(path)
    with open(os.path.join(directory, "index.md")) as f:
        index = f.read()
    for e in expected:
        check(f"]({e}.png)" in index, f"index.md does not link {e}.png")
    check_no_leftovers(directory)
    return index


# --- cases ---------------------------------------------------------------------------------------------------

def test_every_chart_kind(tmp):
    out = os.path.join(tmp, "plots")
    rc, _, err = plot("--output", out, os.path.join(DATA, "touch"), os.path.join(DATA, "space"),
                      os.path.join(DATA, "pressure"))
    check(rc == 0, f"exit code {rc}: {err}")
    index = check_images(out, [
        "dense_touch-bars", "dense_touch-ratio", "dense_touch-size-sweep",
        "sparse_touch-bars", "sparse_touch-ratio", "sparse_touch-size-sweep", "sparse_touch-stride-sweep",
        "space-reclaim-steps", "pressure-outcomes"])
    # Each caption names the machine of its own files: real for the touch charts, synthetic for the others.
    for words in ("median of 6 repetitions", "95% CI", "host vm,", "kernel 6.18", "host synthetic,"):
        check(words in index, f"index.md captions do not say {words!r}")
    check("vm / synthetic" not in index, "a caption names a machine whose files it does not show")


def test_real_run_directory(tmp):
    """A run directory as the runner leaves it (run.json beside the results, which is not a result): real
    space-reclaim and memory-pressure results."""
    out = os.path.join(tmp, "plots")
    rc, _, err = plot("--output", out, os.path.join(DATA, "run"))
    check(rc == 0, f"exit code {rc}: {err}")
    index = check_images(out, ["space-reclaim-steps", "pressure-outcomes"])
    check("median of 6 repetitions" in index and "outcomes over 6 repetitions" in index, "captions")


def test_default_output_beside_input(tmp):
    run = os.path.join(tmp, "run")
    shutil.copytree(os.path.join(DATA, "space"), run)
    rc, _, err = plot("--format", "png", run)
    check(rc == 0, f"exit code {rc}: {err}")
    check(os.path.exists(os.path.join(run, "plots", "space-reclaim-steps.png")), "no plots/ beside the input")
    check(not os.path.exists(os.path.join(run, "plots", "space-reclaim-steps.svg")), "--format png wrote SVG")
    check("no timed workloads" in err and "no memory-pressure results" in err,
          f"the chart kinds left out are not named on stderr: {err}")


def test_few_repetitions_no_interval(tmp):
    """Three repetitions: medians, no error bars, and the caption says why."""
    for name in ("memfd", "disk@ext4"):
        with open(os.path.join(DATA, "touch", f"{name}.json")) as f:
            doc = json.load(f)
        doc["benchmarks"] = [b for b in doc["benchmarks"] if b.get("repetition_index", 0) < 3]
        with open(os.path.join(tmp, f"{name}.json"), "w") as f:
            json.dump(doc, f)
    out = os.path.join(tmp, "plots")
    rc, _, err = plot("--output", out, "--base", "disk@ext4", os.path.join(tmp, "memfd.json"),
                      os.path.join(tmp, "disk@ext4.json"))
    check(rc == 0, f"exit code {rc}: {err}")
    index = check_images(out, [
        "dense_touch-bars", "dense_touch-ratio", "dense_touch-size-sweep",
        "sparse_touch-bars", "sparse_touch-ratio", "sparse_touch-size-sweep", "sparse_touch-stride-sweep"])
    check("median of 3 repetitions; no error bars" in index, "caption does not say there are no error bars")
    check("relative to disk@ext4" in index, "--base not used")


def test_bad_input(tmp):
    """One line on stderr, exit code 2, and no output directory made."""
    not_json = os.path.join(tmp, "not_json.json")
    with open(not_json, "w") as f:
        f.write("{ this is not JSON")
    summary = os.path.join(tmp, "summary.json")
    with open(summary, "w") as f:
        json.dump({"tool": "anonmap-compare", "format_version": 1}, f)
    no_list = os.path.join(tmp, "no_list.json")
    with open(no_list, "w") as f:
        json.dump({"context": {}}, f)
    empty = os.path.join(tmp, "empty.json")
    with open(empty, "w") as f:
        json.dump({"context": {}, "benchmarks": []}, f)
    empty_dir = os.path.join(tmp, "empty_dir")
    os.mkdir(empty_dir)
    good = os.path.join(DATA, "space", "memfd.json")
    cases = [
        ([not_json], f"anonmap-plot: {not_json}: not valid JSON"),
        ([summary], f"anonmap-plot: {summary}: an anonmap-compare summary"),
        ([no_list], f"anonmap-plot: {no_list}: not a Google Benchmark JSON file"),
        ([empty], f"anonmap-plot: {empty}: no benchmarks to plot"),
        ([empty_dir], f"anonmap-plot: {empty_dir}: no *.json files"),
        ([os.path.join(tmp, "missing.json")], "anonmap-plot: "),
        (["--format", "png,gif", good], "anonmap-plot: --format: gif"),
        (["--base", "nosuch", good], "anonmap-plot: --base nosuch: no such configuration"),
        (["--bogus", good], "anonmap-plot: unrecognized arguments: --bogus"),
    ]
    for args, start in cases:
        out = os.path.join(tmp, "out")
        rc, stdout, err = plot("--output", out, *args)
        check(rc == 2, f"{args}: exit code {rc}, not 2")
        check(err.count("\n") == 1 and err.startswith(start), f"{args}: stderr {err!r}, expected one line {start!r}")
        check(not os.path.exists(out), f"{args}: output directory made")


def test_append_report_and_stale_images(tmp):
    """--append-report adds one 'Plots' section (replaced, not repeated, on a second run); images an earlier
    index.md named and this run did not make are removed; the same input gives the same SVG."""
    report = os.path.join(tmp, "report.md")
    with open(report, "w") as f:
        f.write("# Report\n\nTables.\n")
    out = os.path.join(tmp, "plots")
    space, pressure = os.path.join(DATA, "space"), os.path.join(DATA, "pressure")
    rc, _, err = plot("--output", out, "--append-report", report, space, pressure)
    check(rc == 0, f"exit code {rc}: {err}")
    with open(os.path.join(out, "space-reclaim-steps.svg"), "rb") as f:
        first_svg = f.read()
    rc, _, err = plot("--output", out, "--append-report", report, space, os.path.join(pressure, "memfd.json"),
                      os.path.join(pressure, "tmpfs@dev-shm.json"), os.path.join(pressure, "disk@btrfs.json"),
                      os.path.join(pressure, "disk@ext4.json"))
    check(rc == 0, f"exit code {rc}: {err}")
    with open(os.path.join(out, "space-reclaim-steps.svg"), "rb") as f:
        check(f.read() == first_svg, "the same input gave a different SVG")
    rc, _, err = plot("--output", out, "--append-report", report, space)
    check(rc == 0, f"exit code {rc}: {err}")
    check_images(out, ["space-reclaim-steps"])  # the pressure images are gone
    with open(report) as f:
        text = f.read()
    check(text.startswith("# Report\n\nTables.\n"), "report's own text changed")
    check(text.count("## Plots") == 1, "not exactly one Plots section")
    check("](plots/space-reclaim-steps.png)" in text, "report does not link plots/space-reclaim-steps.png")
    check("pressure-outcomes" not in text, "report still links the removed chart")


def test_no_partial_file_on_failure(tmp):
    """An image that fails half-way leaves neither a temporary nor a final file."""
    from anonmap_plots import style

    layout = style.Layout(1)

    def failing_savefig(out, **_kwargs):
        out.write(b"half an image")
        raise OSError(28, "No space left on device")

    layout.fig.savefig = failing_savefig
    try:
        style.save(layout.fig, tmp, "broken", ["png"])
        raise Failure("save did not raise")
    except OSError:
        pass
    check(os.listdir(tmp) == [], f"left behind: {os.listdir(tmp)}")


def test_median_ci():
    """The interval's ranks, checked against the binomial coverage by hand."""
    from anonmap_plots import stats

    check(stats.median_ci([5, 1, 4, 2, 3]) is None, "n = 5 must have no 95% interval (coverage 93.75%)")
    check(stats.median_ci([6, 1, 5, 2, 4, 3]) == (1, 6), "n = 6: [x(1), x(6)] (coverage 96.9%)")
    # n = 10: P(B <= 1) = 11/1024, coverage 97.9% for k = 2; P(B <= 2) = 56/1024, 89.1% for k = 3.
    check(stats.median_ci(list(range(1, 11))) == (2, 9), "n = 10: [x(2), x(9)]")
    # n = 20: P(B <= 5) = 0.0207 (95.9%), P(B <= 6) = 0.0577 (88.5%): k = 6.
    check(stats.median_ci(list(range(1, 21))) == (6, 15), "n = 20: [x(6), x(15)]")
    check(stats.median([3, 1, 2, 10]) == 2.5 and stats.median([7]) == 7, "median")


def test_name_parsing():
    from anonmap_plots import load

    b = load.Benchmark("space/reclaim/plain/MiB:64/iterations:1/manual_time")
    check((b.workload, b.variant, b.params) == ("space/reclaim", "plain", (("MiB", "64"),)), vars(b))
    b = load.Benchmark("sparse_touch/read/MiB:1024/stride:64/manual_time")
    check((b.workload, b.variant, b.param("stride")) == ("sparse_touch", "read", 64.0), vars(b))
    b = load.Benchmark("lifecycle")
    check((b.workload, b.variant, b.params) == ("lifecycle", "", ()), vars(b))


def test_sizes_in_numeric_order():
    """Random interleaving writes benchmarks shuffled; charts list variants as first seen, sizes by value."""
    from anonmap_plots import load

    results = load.Results()
    for name in ("dense_touch/write/MiB:64/manual_time", "dense_touch/read/MiB:16/manual_time",
                 "dense_touch/write/MiB:4/manual_time", "dense_touch/write/MiB:16/manual_time",
                 "dense_touch/read/MiB:4/manual_time", "sparse_touch/write/MiB:64/stride:512/manual_time",
                 "sparse_touch/write/MiB:64/stride:16/manual_time"):
        results.benchmarks[name] = load.Benchmark(name)
    order = [(b.variant, b.param("MiB")) for b in results.benchmarks_of("dense_touch")]
    check(order == [("write", 4), ("write", 16), ("write", 64), ("read", 4), ("read", 16)], order)
    strides = [b.param("stride") for b in results.benchmarks_of("sparse_touch")]
    check(strides == [16, 512], strides)


def main():
    if importlib.util.find_spec("matplotlib") is None:
        print(f"SKIP: python3-matplotlib not installed (for {sys.executable})")
        return SKIP

    cases = [(name, case) for name, case in globals().items() if name.startswith("test_")]
    passed = failed = 0
    for name, case in cases:
        tmp = tempfile.mkdtemp(prefix="anonmap-plots-test.")
        try:
            if case.__code__.co_argcount:
                case(tmp)
            else:
                case()
            print(f"ok    {name}", flush=True)
            passed += 1
        except Failure as failure:
            print(f"FAIL  {name}: {failure}", flush=True)
            failed += 1
        except Exception as error:  # a bug in the plotter or the test: report it, run the other cases
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            failed += 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"plots: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
