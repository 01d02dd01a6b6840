"""Ratio to a baseline configuration, on a log-2 axis so that 2x faster and 2x slower are the same distance
from 1x: one row per benchmark of the workload, one marker per other configuration.

The marker is the ratio of the medians. Its bar runs from (low / base high) to (high / base low) of the two
95% intervals: when both intervals cover their medians, which happens with probability at least
0.95 x 0.95 (the configurations ran independently), the bar covers the true ratio.
"""

import math

from matplotlib import ticker
from matplotlib.lines import Line2D

from . import common, stats, style


RATIO_CI_TEXT = ("error bars: from the two 95% CIs of the medians, (low / base high) to (high / base low), "
                 "joint coverage at least 90%")


def ratio_label(value, _position=None):
    """2 -> '2x', 0.5 -> '1/2x', 1 -> '1x'."""
    if value >= 1:
        return f"{value:g}x"
    return f"1/{1 / value:g}x"


def draw(results, workload, base, output_dir, formats):
    metric = common.Metric(results, workload)
    benchmarks = [b for b in results.benchmarks_of(workload) if b.run_name in base.cells]
    others = [c for c in results.configs
              if c is not base and any(b.run_name in c.cells for b in benchmarks)]
    if not benchmarks or not others:
        return None

    rows = len(benchmarks)
    layout = style.Layout(1, panel=(6.5, max(1.6, 0.2 + rows * (0.16 * len(others) + 0.14))),
                          below_axes=0.45, left=2.0)
    ax = layout.axes[0]
    counts, extremes = [], [2.0]
    for ci, config in enumerate(others):
        for row, b in enumerate(benchmarks):
            y = row + (ci - (len(others) - 1) / 2) * (0.7 / len(others))
            s = stats.summarize(config.cells.get(b.run_name), metric.counter)
            s0 = stats.summarize(base.cells.get(b.run_name), metric.counter)
            if not s or not s0 or s.median <= 0 or s0.median <= 0:
                if config.cells.get(b.run_name) is not None:
                    ax.text(1.0, y, " n/a", va="center", fontsize=7, color="#555555")
                continue
            counts += [s.n, s0.n]
            value = s.median / s0.median
            error, right_end = None, value
            if s.ci and s0.ci and s0.low > 0 and s.low > 0:
                low, high = s.low / s0.high, s.high / s0.low
                error = [[value - low], [high - value]]
                extremes += [1 / low, high]
                right_end = high
            extremes += [value, 1 / value]
            ax.errorbar(value, y, xerr=error, fmt=style.marker(config.number), color=style.colour(config.number),
                        markersize=5, capsize=2, elinewidth=1)
            # The ratio in numbers, right of the bar's end (clear of the line).
            ax.annotate(f"{value:.3g}x", (right_end, y), xytext=(5, 0), textcoords="offset points",
                        fontsize=7, color="#333333", va="center")

    # Symmetric limits around 1x, a power of two wide, so that distances read the same both ways.
    power = math.ceil(math.log2(max(extremes)) + 0.25)
    ax.set_xscale("log", base=2)
    ax.set_xlim(2.0 ** -power, 2.0 ** power)
    # Ticks at powers of two, always at 1x, at most about nine of them.
    step = max(1, math.ceil(power / 4))
    ticks = [2.0 ** k for k in range(-power, power + 1) if k % step == 0]
    ax.xaxis.set_major_locator(ticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(ratio_label))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.axvline(1.0, color="#444444", linewidth=1)
    ax.set_yticks(range(rows))
    ax.set_yticklabels([common.instance_label(b, with_variant=True) for b in benchmarks])
    ax.set_ylim(rows - 0.5, -0.5)  # first benchmark on top
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"{metric.what}, relative to {base.label}   (left: faster, right: slower)")

    handles = [Line2D([], [], marker=style.marker(c.number), color=style.colour(c.number), linestyle="")
               for c in others]
    layout.legend(handles, [c.label for c in others], title=f"against {base.label}")
    title = f"{workload}: {metric.what} relative to {base.label}"
    caption = (f"Ratio of medians of {metric.what} (configuration / {base.label}; below 1x is faster), "
               f"each {style.repetitions_text(counts, RATIO_CI_TEXT)}.\n"
               f"{style.machine_text(common.contexts_of(results, benchmarks, [base] + others))}")
    layout.title(title)
    layout.caption(caption)
    name = f"{style.slug(workload)}-ratio"
    return common.Chart(name, style.save(layout.fig, output_dir, name, formats), title, caption.replace("\n", " "))
