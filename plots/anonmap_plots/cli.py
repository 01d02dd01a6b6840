"""anonmap-plot's command line: read the inputs, draw every chart kind that has data, write index.md."""

import argparse
import importlib.util
import os
import sys

from . import load

PROGRAM = "anonmap-plot"
USAGE_ERROR = 2
FORMATS = ("png", "svg", "pdf")

DESCRIPTION = """\
Draw the charts of anonmap-bench results (Google Benchmark JSON files, or run directories holding them):
per workload, grouped bars of every configuration and the ratio to a baseline; size and stride sweeps;
the space-reclaim steps; the memory-pressure outcomes. Writes PNG and SVG files and index.md (the images
with their captions) into the output directory. Needs matplotlib (Debian: python3-matplotlib).
"""

EXAMPLES = """\
examples:
  /usr/bin/python3 plots/anonmap-plot results/HOST/RUN/
  /usr/bin/python3 plots/anonmap-plot --base tmpfs@dev-shm --format png --output /tmp/p results/HOST/RUN/*.json
"""


class UsageError(Exception):
    pass


def parse_args(argv):
    parser = argparse.ArgumentParser(prog=PROGRAM, description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR",
                        help="Google Benchmark JSON files, or directories whose *.json files are read")
    parser.add_argument("--output", "-o", metavar="DIR",
                        help="where the images go (default: a 'plots' directory beside the first input)")
    parser.add_argument("--base", metavar="LABEL",
                        help="configuration the ratios are taken against (default: memfd when present, else "
                             "the first configuration)")
    parser.add_argument("--format", default="png,svg", metavar="LIST",
                        help=f"comma list of image formats among {','.join(FORMATS)} (default png,svg)")
    parser.add_argument("--append-report", metavar="MARKDOWN",
                        help="also add (or replace) a 'Plots' section at the end of this Markdown report, "
                             "linking the images relative to it")

    def error(message):
        raise UsageError(message)

    parser.error = error
    args = parser.parse_args(argv)
    args.formats = [f.strip() for f in args.format.split(",") if f.strip()]
    bad = [f for f in args.formats if f not in FORMATS]
    if not args.formats or bad:
        raise UsageError(f"--format: {','.join(bad) or 'empty'}: not among {','.join(FORMATS)}")
    if args.output is None:
        first = args.inputs[0]
        base_dir = first if os.path.isdir(first) else os.path.dirname(os.path.abspath(first))
        args.output = os.path.join(base_dir, "plots")
    return args


STRATEGY_ORDER = ["memfd", "tmpfs", "disk"]


def order_configs(results, base_label):
    """The baseline first, then memfd, tmpfs and disk configurations (others last), each in the order read.

    Colours are given in this order, so a configuration keeps its colour in every chart of a run."""
    if base_label is None:
        base = results.config("memfd") or results.configs[0]
    else:
        base = results.config(base_label)
        if base is None:
            have = ", ".join(c.label for c in results.configs)
            raise UsageError(f"--base {base_label}: no such configuration (the inputs have: {have})")

    def rank(config):
        kind = STRATEGY_ORDER.index(config.strategy) if config.strategy in STRATEGY_ORDER else len(STRATEGY_ORDER)
        return (config is not base, kind)

    results.configs.sort(key=rank)  # stable: the order read within a kind
    for number, config in enumerate(results.configs):
        config.number = number
    return base


def say(message):
    print(f"{PROGRAM}: {message}", file=sys.stderr, flush=True)


def draw_all(results, base, output_dir, formats):
    """Every chart kind that the inputs have data for; a line on stderr for each kind left out."""
    # Imported here: reading and checking the inputs works (and fails cleanly) without matplotlib.
    from . import bars, common, pressure, ratio, space, sweeps

    charts, sweep_count = [], 0
    for workload in results.workloads():
        if not common.succeeded(results, workload):
            failure = common.first_failure(common.cells_of(results, results.benchmarks_of(workload)))
            say(f"{workload}: no repetition succeeded, no chart (e.g. {failure})")
    timed = common.timed_workloads(results)
    for workload in timed:
        charts.append(bars.draw(results, workload, output_dir, formats))
        charts.append(ratio.draw(results, workload, base, output_dir, formats))
        for key in sweeps.SWEEPS:
            sweep = sweeps.draw(results, workload, key, output_dir, formats)
            sweep_count += sweep is not None
            charts.append(sweep)
    if not timed:
        say("no timed workloads (dense_touch, sparse_touch, ...) in the input: no bar, ratio or sweep charts")
    else:
        if len(results.configs) < 2:
            say(f"one configuration only ({base.label}): no ratio charts")
        if sweep_count == 0:
            say("no workload with two or more sizes or strides: no sweep charts")

    space_workloads = [w for w in results.workloads() if common.is_space(results, w)]
    for workload in space_workloads:
        charts.append(space.draw(results, workload, output_dir, formats))
    if not space_workloads:
        say("no space-reclaim results (held_after_*_KiB counters) in the input: no space chart")

    pressure_workloads = [w for w in results.workloads() if common.is_pressure(results, w)]
    if pressure_workloads:
        charts.append(pressure.draw(results, pressure_workloads, output_dir, formats))
    else:
        say("no memory-pressure results (outcome counters) in the input: no pressure chart")
    return [c for c in charts if c is not None]


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        results = load.load(args.inputs)
        base = order_configs(results, args.base)
    except (UsageError, load.InputError) as error:
        say(str(error))
        return USAGE_ERROR

    if importlib.util.find_spec("matplotlib") is None:
        say(f"matplotlib is missing for {sys.executable} (Debian: apt-get install python3-matplotlib)")
        return 1

    from . import index

    try:
        os.makedirs(args.output, exist_ok=True)
        previous = index.listed_files(args.output)
        charts = draw_all(results, base, args.output, args.formats)
        index.write(args.output, charts, results)
        index.remove_stale(args.output, previous, charts)
        if args.append_report:
            index.append_to_report(args.append_report, args.output, charts)
    except OSError as error:
        say(f"{error.filename or args.output}: {error.strerror or error}")
        return 1
    say(f"{len(charts)} chart{'' if len(charts) == 1 else 's'} in {args.output}")
    return 0
