"""Space reclaim: how much space a backing still holds after each step (touch, decommit by hole punch or
MADV_REMOVE, unmap, close), per configuration. One panel per benchmark (variant and size), the steps along
the x axis in the order they happen, one bar per configuration."""

from matplotlib.patches import Patch

from . import common, stats, style

# The order the steps happen in; a step not listed here goes before 'close', in name order.
STEP_ORDER = ["touch", "decommit", "punch", "punch_hole", "remove", "madv_remove", "unmap", "close"]


def steps_of(cells):
    """Step names found in held_after_<step>_KiB counters, in the order they happen."""
    found = set()
    for cell in cells:
        for sample in cell.samples:
            for counter in sample:
                match = common.HELD_COUNTER.match(counter)
                if match:
                    found.add(match.group(1))

    def rank(step):
        if step in STEP_ORDER:
            return (STEP_ORDER.index(step), step)
        return (STEP_ORDER.index("close") - 0.5, step)

    return sorted(found, key=rank)


def format_kib(kib):
    """0 -> '0', 32 -> '32 KiB', -16 -> '-16 KiB'."""
    return "0" if kib == 0 else f"{kib:.0f} KiB"


def draw(results, workload, output_dir, formats):
    benchmarks = results.benchmarks_of(workload)
    configs = [c for c in results.configs if any(b.run_name in c.cells for b in benchmarks)]
    all_cells = [cell for _, _, cell in common.cells_of(results, benchmarks)]
    # One unit for the whole figure, so panels compare.
    largest = max((v for cell in all_cells for sample in cell.samples
                   for counter, v in sample.items() if common.HELD_COUNTER.match(counter)), default=0)
    unit, factor = style.pick_unit(largest, style.SIZE_UNITS)
    # Each panel shows the steps its benchmark has (plain: no decommit step).
    panel_steps = [steps_of(cell for _, _, cell in common.cells_of(results, [b])) for b in benchmarks]
    most_steps = max(len(steps) for steps in panel_steps)

    layout = style.Layout(len(benchmarks), ncols=style.columns(len(benchmarks)),
                          panel=(max(3.0, 0.4 + most_steps * (0.14 * len(configs) + 0.25)), 2.6), below_axes=0.45)
    counts = []
    width = 0.8 / len(configs)
    for ax, b, steps in zip(layout.axes, benchmarks, panel_steps):
        lowest = 0.0
        for ci, config in enumerate(configs):
            cell = config.cells.get(b.run_name)
            for si, step in enumerate(steps):
                x = si - 0.4 + width * (ci + 0.5)
                s = stats.summarize(cell, f"held_after_{step}_KiB")
                if s is None:
                    if cell is not None and not cell.samples:  # every repetition failed: say so
                        ax.text(x, 0.02, "n/a", transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                                fontsize=6, color="#555555", rotation=90)
                    continue
                counts.append(s.n)
                error = None
                if s.ci:
                    error = [[(s.median - s.low) / factor], [(s.high - s.median) / factor]]
                ax.bar(x, s.median / factor, width, color=style.colour(config.number), yerr=error,
                       capsize=2, error_kw={"elinewidth": 0.9, "ecolor": "#222222"})
                if abs(s.median) < 0.03 * largest:
                    # A bar too small to see: write its value, so it is not mistaken for a missing one.
                    # (Above its error bar, clear of it.)
                    top = max(s.median, s.high if s.ci else s.median, 0) / factor
                    ax.annotate(format_kib(s.median), (x, top), xytext=(0, 3), textcoords="offset points",
                                ha="center", va="bottom", fontsize=6.5, rotation=90,
                                color=style.colour(config.number))
                lowest = min(lowest, s.median / factor)
        ax.set_xticks(range(len(steps)))
        ax.set_xticklabels([f"after\n{step.replace('_', ' ')}" for step in steps])
        ax.set_xlim(-0.6, len(steps) - 0.4)
        ax.set_ylim(bottom=lowest * 1.1)  # 0, or below where noise made a value negative
        ax.set_ylabel(f"space held ({unit})")
        ax.set_title(common.instance_label(b, with_variant=True), loc="left")
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)

    handles = [Patch(color=style.colour(c.number)) for c in configs]
    layout.legend(handles, [c.label for c in configs])
    title = f"{workload}: space held after each step"
    contexts = common.contexts_of(results, benchmarks)
    caption = (f"Space the backing holds after each step (counters held_after_<step>_KiB; higher means not yet "
               f"given back), {style.repetitions_text(counts)}.\n{style.machine_text(contexts)}")
    note = common.failure_note(common.cells_of(results, benchmarks))
    if note:
        caption += "\n" + note
    layout.title(title)
    layout.caption(caption)
    name = f"{style.slug(workload)}-steps"
    return common.Chart(name, style.save(layout.fig, output_dir, name, formats), title, caption.replace("\n", " "))
