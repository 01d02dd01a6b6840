"""Memory pressure outcomes as a table: one row per case (workload, density, limit, size), one column per
configuration; each cell coloured by what happened most often and saying it in words, with how many
repetitions ended that way and the median peak memory and pages written back."""

from matplotlib.patches import Patch, Rectangle

from . import common, stats, style

# Outcome -> (words in the cell, colour); Okabe-Ito colours, lightened under the text.
LOOK = {
    "completed": ("completed", "#009E73"),
    "oom_killed": ("OOM-killed", "#D55E00"),
    "sigbus": ("SIGBUS", "#E69F00"),
    "timeout": ("timeout", "#CC79A7"),
    "killed": ("killed", "#56B4E9"),
    "skipped": ("skipped", "#BBBBBB"),
}


def outcome_of(cell, index):
    """The outcome of repetition `index`: its label, or else the counter that is 1."""
    label = cell.labels[index]
    if label in common.OUTCOMES:
        return label
    sample = cell.samples[index]
    for outcome in common.OUTCOMES:
        if sample.get(outcome) == 1:
            return outcome
    return "completed" if sample.get("completed", 1) else "unknown"


def lighten(hex_colour, amount=0.6):
    """The colour mixed with white, so that black text on it stays readable."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return tuple(c + (1 - c) * amount for c in rgb)


def cell_text(cell):
    """(outcome, lines of text) for one cell."""
    if not cell.samples:
        reason = cell.errors[0] if cell.errors else "not run"
        if len(reason) > 34:
            reason = reason[:32] + "..."
        return "skipped", ["skipped", reason]
    tally = {}
    for i in range(len(cell.samples)):
        outcome = outcome_of(cell, i)
        tally[outcome] = tally.get(outcome, 0) + 1
    main = max(tally, key=lambda o: (tally[o], -common.OUTCOMES.index(o) if o in common.OUTCOMES else -99))
    n = len(cell.samples)
    lines = [", ".join(f"{LOOK.get(o, (o,))[0]} {k}/{n}" for o, k in sorted(tally.items(), key=lambda t: -t[1]))]
    details = []
    for counter, short in (("peak_MiB", "peak"), ("written_back_MiB", "written back")):
        s = stats.summarize(cell, counter)
        if s:
            details.append(f"{short} {s.median:.0f} MiB")
    if details:
        lines.append(", ".join(details))
    return main, lines


def draw(results, workloads, output_dir, formats):
    benchmarks = [b for w in workloads for b in results.benchmarks_of(w)]
    configs = [c for c in results.configs if any(b.run_name in c.cells for b in benchmarks)]
    rows, cols = len(benchmarks), len(configs)
    cell_w, cell_h = 2.3, 0.52
    layout = style.Layout(1, panel=(cols * cell_w, rows * cell_h), below_axes=0.1, left=2.9, top=0.85, legend_width=1.6,
                          caption_lines=4)
    ax = layout.axes[0]
    counts, seen = [], []
    for r, b in enumerate(benchmarks):
        for c, config in enumerate(configs):
            cell = config.cells.get(b.run_name)
            if cell is None:
                ax.text(c + 0.5, r + 0.5, "not run", ha="center", va="center", fontsize=7, color="#777777")
                continue
            outcome, lines = cell_text(cell)
            if cell.samples:
                counts.append(len(cell.samples))
            if outcome not in seen:
                seen.append(outcome)
            colour = LOOK.get(outcome, (outcome, "#999999"))[1]
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=lighten(colour), edgecolor="white", linewidth=2))
            ax.text(c + 0.5, r + 0.5, "\n".join(lines), ha="center", va="center", fontsize=7,
                    fontweight="normal", linespacing=1.3)
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_xticks([c + 0.5 for c in range(cols)])
    ax.set_xticklabels([c.label for c in configs], fontweight="bold")
    ax.xaxis.tick_top()
    ax.set_yticks([r + 0.5 for r in range(rows)])
    ax.set_yticklabels([f"{b.workload}/{common.instance_label(b, with_variant=True)}" for b in benchmarks])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)

    order = [o for o in list(LOOK) if o in seen] + [o for o in seen if o not in LOOK]
    handles = [Patch(facecolor=lighten(LOOK.get(o, (o, "#999999"))[1]), edgecolor="#999999") for o in order]
    layout.legend(handles, [LOOK.get(o, (o,))[0] for o in order], title="most repetitions")
    title = "Memory pressure: what happened to the child"
    caption = (f"Outcome of a child process in a memory cgroup writing a mapping of k% of the cgroup's limit; "
               f"each cell: outcomes over {style.count_text(counts)} repetitions, the median peak memory of the "
               "cgroup and the median written back to disk.\n"
               f"{style.machine_text(common.contexts_of(results, benchmarks))}")
    layout.title(title)
    layout.caption(caption)
    name = "pressure-outcomes"
    return common.Chart(name, style.save(layout.fig, output_dir, name, formats), title, caption.replace("\n", " "))
