"""Pieces the chart modules share: which workloads each chart kind takes, what is measured, the record of a
chart written."""

import re

from . import style

HELD_COUNTER = re.compile(r"^held_after_(.+)_KiB$")
OUTCOMES = ["completed", "oom_killed", "sigbus", "timeout", "killed"]


class Chart:
    """A chart written: its base name, its files, its title and caption (for index.md)."""

    def __init__(self, name, files, title, caption):
        self.name, self.files, self.title, self.caption = name, files, title, caption


def cells_of(results, benchmarks):
    """Every (config, benchmark, cell) present."""
    for config in results.configs:
        for b in benchmarks:
            cell = config.cells.get(b.run_name)
            if cell is not None:
                yield config, b, cell


def contexts_of(results, benchmarks, configs=None):
    """The contexts of the files behind these benchmarks (of these configurations): for the caption."""
    found = []
    for config, _, cell in cells_of(results, benchmarks):
        if configs is None or config in configs:
            found += [c for c in cell.contexts if not any(c is f for f in found)]
    return found


def is_space(results, workload):
    """A space-reclaim workload: its repetitions count held_after_<step>_KiB."""
    return any(HELD_COUNTER.match(counter) for _, _, cell in cells_of(results, results.benchmarks_of(workload))
               for s in cell.samples for counter in s)


def is_pressure(results, workload):
    """A memory-pressure workload: outcome counters (completed, oom_killed, ...) or outcome labels."""
    for _, _, cell in cells_of(results, results.benchmarks_of(workload)):
        if any(cell.has(o) for o in OUTCOMES) or any(label in OUTCOMES for label in cell.labels):
            return True
    return False


def succeeded(results, workload):
    """Whether any repetition of the workload, in any configuration, succeeded."""
    return any(cell.samples for _, _, cell in cells_of(results, results.benchmarks_of(workload)))


def timed_workloads(results):
    """Workloads for the speed charts: all but space reclaim and memory pressure, which have their own, and
    those where nothing succeeded."""
    return [w for w in results.workloads()
            if succeeded(results, w) and not is_space(results, w) and not is_pressure(results, w)]


class Metric:
    """What the speed charts show for a workload: ns_per_page where it has it, else the real time."""

    def __init__(self, results, workload):
        benchmarks = results.benchmarks_of(workload)
        has_per_page = any(cell.has("ns_per_page") for _, _, cell in cells_of(results, benchmarks))
        self.counter = "ns_per_page" if has_per_page else "real_time_ns"
        sparse = any(b.param("stride") is not None for b in benchmarks)
        if has_per_page:
            self.what = "time per touched page" if sparse else "time per page"
        else:
            self.what = "time"

    def unit(self, medians):
        """(unit name, factor) for these values in ns: the unit of the middle one, so that on a log axis
        spanning decades the ticks read 5, 20, 2000 rather than 0.005, 0.02, 2."""
        values = sorted(m for m in medians if m > 0)
        return style.pick_unit(values[len(values) // 2] if values else 0, style.TIME_UNITS)


def instance_label(benchmark, with_variant=False):
    """'16 MiB' or 'write, 16 MiB, stride 64'."""
    words = [benchmark.variant] if with_variant and benchmark.variant else []
    params = style.format_params(benchmark.params)
    if params:
        words.append(params)
    return ", ".join(words) or benchmark.run_name


def variants(benchmarks):
    """Variant names in order of first appearance."""
    seen = []
    for b in benchmarks:
        if b.variant not in seen:
            seen.append(b.variant)
    return seen


def first_failure(cells):
    """'memfd huge/...: message' for the first cell where no repetition succeeded ('' when there is none)."""
    for config, benchmark, cell in cells:
        if not cell.samples and cell.errors:
            message = cell.errors[0]
            if len(message) > 90:
                message = message[:87] + "..."
            return f"{config.label} {benchmark.run_name}: {message}"
    return ""


def failure_note(cells):
    """A caption line for the bars marked n/a ('' when none failed)."""
    failure = first_failure(cells)
    return f"n/a: no repetition succeeded, e.g. {failure}" if failure else ""
