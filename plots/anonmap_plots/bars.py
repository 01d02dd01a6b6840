"""Grouped bars: per workload, one panel per variant (write, read, ...), one group of bars per size or
stride, one bar per configuration (strategy on a filesystem), with the 95% CI of the median as error bars."""

from matplotlib.patches import Patch

from . import common, stats, style


def draw(results, workload, output_dir, formats):
    metric = common.Metric(results, workload)
    benchmarks = results.benchmarks_of(workload)
    configs = [c for c in results.configs if any(b.run_name in c.cells for b in benchmarks)]
    panels = common.variants(benchmarks)
    most_groups = max(sum(1 for b in benchmarks if b.variant == v) for v in panels)
    panel_width = max(4.5, min(12.0, 0.9 + most_groups * (0.22 * len(configs) + 0.35)))
    layout = style.Layout(len(panels), panel=(panel_width, 2.6), below_axes=0.6)

    # One unit for the whole figure; each panel its own scale (write and read may differ tenfold).
    summaries = {(c.label, b.run_name): stats.summarize(c.cells.get(b.run_name), metric.counter)
                 for c in configs for b in benchmarks}
    unit, factor = metric.unit(s.median for s in summaries.values() if s)

    counts, any_log = [], False
    for ax, variant in zip(layout.axes, panels):
        group = [b for b in benchmarks if b.variant == variant]
        medians = [summaries[(c.label, b.run_name)].median for c in configs for b in group
                   if summaries[(c.label, b.run_name)]]
        positive = [m for m in medians if m > 0]
        log_scale = bool(positive) and max(positive) / min(positive) > 30
        width = 0.8 / len(configs)
        for ci, config in enumerate(configs):
            for gi, b in enumerate(group):
                x = gi - 0.4 + width * (ci + 0.5)
                cell = config.cells.get(b.run_name)
                s = summaries[(config.label, b.run_name)]
                if s is None:
                    if cell is not None:  # present but every repetition failed: say so where the bar would be
                        ax.text(x, 0.02, "n/a", transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                                fontsize=7, color="#555555", rotation=90)
                    continue
                counts.append(s.n)
                error = None
                if s.ci:
                    error = [[(s.median - s.low) / factor], [(s.high - s.median) / factor]]
                ax.bar(x, s.median / factor, width, color=style.colour(config.number), yerr=error, capsize=2,
                       error_kw={"elinewidth": 0.9, "ecolor": "#222222"})
        ax.set_xticks(range(len(group)))
        ax.set_xticklabels([style.format_params(b.params).replace(", ", "\n") or b.run_name for b in group])
        ax.set_xlim(-0.6, len(group) - 0.4)
        ax.set_title(f"{workload}/{variant}" if variant else workload, loc="left")
        ax.set_ylabel(f"{metric.what} ({unit})")
        if log_scale:
            any_log = True
            ax.set_yscale("log")
            style.log_axis(ax.yaxis)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)

    handles = [Patch(color=style.colour(c.number)) for c in configs]
    layout.legend(handles, [c.label for c in configs])
    title = f"{workload}: {metric.what} by configuration"
    log_text = " Log scale where the values of a panel span more than 30x." if any_log else ""
    caption = (f"{metric.what.capitalize()} (lower is better), {style.repetitions_text(counts)}.{log_text}"
               f"\n{style.machine_text(common.contexts_of(results, benchmarks))}")
    note = common.failure_note(common.cells_of(results, benchmarks))
    if note:
        caption += "\n" + note
    layout.title(title)
    layout.caption(caption)
    name = f"{style.slug(workload)}-bars"
    return common.Chart(name, style.save(layout.fig, output_dir, name, formats), title, caption.replace("\n", " "))
