"""Size and stride sweeps: time per page against the mapping size (or the stride), log-log, one line per
configuration with the 95% CI of the median as error bars. One panel per variant and other parameters
(sparse_touch/write at stride 64, ...); panels where the swept parameter has a single value are left out."""

from matplotlib import ticker
from matplotlib.lines import Line2D

from . import common, stats, style

SWEEPS = {
    # parameter in the benchmark name: (file name suffix, axis label, tick label)
    "MiB": ("size-sweep", "mapping size", style.format_mib),
    "stride": ("stride-sweep", "stride (touch one page in every N)", lambda v: f"{v:g}"),
}


def panels_of(benchmarks, key):
    """{(variant, other params): [benchmarks]} for the panels with two or more values of `key`."""
    panels = {}
    for b in benchmarks:
        if b.param(key) is None:
            continue
        panels.setdefault((b.variant, b.params_without(key)), []).append(b)
    return {p: bs for p, bs in panels.items() if len({b.param(key) for b in bs}) >= 2}


def draw(results, workload, key, output_dir, formats):
    suffix, axis_label, tick_label = SWEEPS[key]
    metric = common.Metric(results, workload)
    panels = panels_of(results.benchmarks_of(workload), key)
    if not panels:
        return None
    configs = [c for c in results.configs if any(b.run_name in c.cells for bs in panels.values() for b in bs)]
    # One y axis for all panels (write and read, each stride ...): they compare at a glance.
    shown = [b for bs in panels.values() for b in bs]
    layout = style.Layout(len(panels), ncols=style.columns(len(panels)), panel=(3.6, 2.8), below_axes=0.5,
                          sharey=True)
    all_medians = [s.median for bs in panels.values() for c in configs for b in bs
                   for s in [stats.summarize(c.cells.get(b.run_name), metric.counter)] if s]
    unit, factor = metric.unit(all_medians)

    counts = []
    for index, (ax, ((variant, others), bs)) in enumerate(zip(layout.axes, panels.items())):
        xs = sorted({b.param(key) for b in bs})
        for config in configs:
            points = []
            for b in sorted(bs, key=lambda b: b.param(key)):
                s = stats.summarize(config.cells.get(b.run_name), metric.counter)
                if s and s.median > 0:
                    points.append((b.param(key), s))
                    counts.append(s.n)
            if not points:
                continue
            # Nudge each configuration sideways a little (on the log axis) so error bars do not hide each other.
            nudge = 2.0 ** (0.05 * (configs.index(config) - (len(configs) - 1) / 2))
            x = [p * nudge for p, _ in points]
            y = [s.median / factor for _, s in points]
            low = [(s.median - s.low) / factor if s.ci else 0 for _, s in points]
            high = [(s.high - s.median) / factor if s.ci else 0 for _, s in points]
            i = config.number
            ax.errorbar(x, y, yerr=[low, high], color=style.colour(i), marker=style.marker(i), markersize=4,
                        capsize=2, linewidth=1.3, elinewidth=0.9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(xs)
        ax.set_xticklabels([tick_label(x) for x in xs])
        ax.xaxis.set_minor_locator(ticker.NullLocator())
        style.log_axis(ax.yaxis)
        ax.set_xlabel(axis_label)
        if index % layout.ncols == 0:
            ax.set_ylabel(f"{metric.what} ({unit})")
        words = [w for w in [variant, style.format_params(others)] if w]
        ax.set_title(", ".join(words), loc="left")
        ax.grid(color="#e4e4e4", linewidth=0.6, which="both")

    handles = [Line2D([], [], color=style.colour(c.number), marker=style.marker(c.number)) for c in configs]
    layout.legend(handles, [c.label for c in configs])
    what = "size" if key == "MiB" else "stride"
    title = f"{workload}: {metric.what} against {axis_label.split(' (')[0]}"
    caption = (f"{metric.what.capitalize()} (lower is better) for each {what}, log-log; "
               f"{style.repetitions_text(counts)}.\n{style.machine_text(common.contexts_of(results, shown))}")
    layout.title(title)
    layout.caption(caption)
    name = f"{style.slug(workload)}-{suffix}"
    return common.Chart(name, style.save(layout.fig, output_dir, name, formats), title, caption.replace("\n", " "))
