"""What every chart shares: colours, units, the figure layout, the caption, and writing the files safely."""

import math
import os
import tempfile
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display: files only
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib import ticker  # noqa: E402

# Reproducible files: no creation date in SVG or PNG, stable SVG ids (committed plots diff cleanly).
matplotlib.rcParams["svg.hashsalt"] = "anonmap-bench"
matplotlib.rcParams["font.size"] = 9
matplotlib.rcParams["axes.titlesize"] = 10
matplotlib.rcParams["axes.spines.top"] = False
matplotlib.rcParams["axes.spines.right"] = False

# Okabe-Ito: told apart with every kind of colour blindness (yellow, the weakest on white, last).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
CI_TEXT = "error bars: 95% CI of the median (distribution-free, order statistics)"


def colour(index):
    return PALETTE[index % len(PALETTE)]


def marker(index):
    return MARKERS[index % len(MARKERS)]


# --- units -------------------------------------------------------------------------------------------------

TIME_UNITS = [("ns", 1.0), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)]
SIZE_UNITS = [("KiB", 1.0), ("MiB", 1024.0), ("GiB", 1024.0 ** 2)]


def pick_unit(largest, units):
    """The largest unit in which `largest` is still at least 1 (the first unit for 0 or nothing)."""
    chosen = units[0]
    for name, factor in units:
        if largest >= factor:
            chosen = (name, factor)
    return chosen


def format_number(value, _position=None):
    """Tick labels: 0.5, 2, 40, 1500 (no 1e+03 notation)."""
    if value == 0:
        return "0"
    if abs(value) >= 1e6 or abs(value) < 1e-3:
        return f"{value:.0e}"
    return f"{value:.4g}"


def log_axis(axis):
    """A log axis labelled at 1, 2 and 5 times each power of ten, in plain numbers."""
    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(ticker.FuncFormatter(format_number))
    axis.set_minor_formatter(ticker.NullFormatter())


def format_mib(mib):
    """64 -> '64 MiB', 1024 -> '1 GiB'."""
    if mib >= 1024 and mib % 1024 == 0:
        return f"{mib / 1024:g} GiB"
    return f"{mib:g} MiB"


def format_params(params):
    """('MiB','64'),('stride','16') -> '64 MiB, stride 16'."""
    words = []
    for key, value in params:
        if key == "MiB":
            try:
                words.append(format_mib(float(value)))
                continue
            except ValueError:
                pass
        if key == "k_pct":  # the memory-pressure workload: mapping size in percent of the cgroup limit
            words.append(f"mapping {value}% of it")
            continue
        if key.endswith("_MiB"):
            words.append(f"{key[:-4]} {value} MiB")
        else:
            words.append(f"{key} {value}")
    return ", ".join(words)


def slug(text):
    """A file-name-safe word: 'space/reclaim' -> 'space-reclaim'."""
    out = "".join(c if c.isalnum() or c in "_-" else "-" for c in text)
    return "-".join(part for part in out.split("-") if part) or "chart"


# --- caption -----------------------------------------------------------------------------------------------

def machine_text(contexts):
    """'host vm, kernel 6.1.0-18-amd64, kvm; 2024-05-01' from the files' contexts (several values joined by
    ' / ': results of different machines or kernels drawn together say so)."""
    def values(key):
        seen = []
        for context in contexts:
            v = str(context.get(key, "") or "")
            if v and v not in seen:
                seen.append(v)
        return " / ".join(seen) or "?"

    dates = sorted({str(c.get("date", ""))[:10] for c in contexts if c.get("date")})
    date = dates[0] if len(dates) == 1 else (f"{dates[0]} to {dates[-1]}" if dates else "date ?")
    virt = values("virt")
    parts = [f"host {values('host_name')}", f"kernel {values('kernel')}"]
    if virt != "?":
        parts.append("bare metal" if virt == "none" else virt)
    return f"{', '.join(parts)}; {date}."


def count_text(counts):
    """'10' or '3-10': the numbers of repetitions behind the cells of a chart."""
    counts = sorted(set(counts))
    if not counts:
        return "0"
    return f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def repetitions_text(counts, ci_text=CI_TEXT):
    """'median of 10 repetitions' or 'median of 3-10 repetitions', plus what happens below 6."""
    counts = sorted(set(counts))
    if not counts:
        return "no repetitions"
    text = f"median of {count_text(counts)} repetitions"
    if counts[-1] < 6:
        text += "; no error bars: a 95% CI of the median needs 6 or more"
    elif counts[0] < 6:
        text += f"; {ci_text} (none where fewer than 6)"
    else:
        text += f"; {ci_text}"
    return text


# --- layout ------------------------------------------------------------------------------------------------

def columns(panels):
    """Panels per row: 2 for 2 or 4 panels (no lonely last panel), else up to 3."""
    return 2 if panels in (2, 4) else min(3, panels)


class Layout:
    """A grid of panels with fixed margins in inches: title on top, legend on the right, caption below.

    Fixed margins (rather than automatic layout) keep every chart of a kind the same shape, and keep the
    legend and the caption out of the data.
    """

    def __init__(self, panels, ncols=1, panel=(6.0, 2.8), below_axes=0.7, legend_width=1.9, caption_lines=3,
                 left=0.9, top=0.7, sharey=False):
        self.nrows = max(1, math.ceil(panels / ncols))
        self.ncols = min(ncols, panels) if panels else 1
        pw, ph = panel
        gap_h = 0.3 if sharey else 0.9  # between panels across: room for the y labels unless shared
        gap_v = below_axes + 0.35      # tick labels of the panel above, and this panel's title
        bottom = below_axes + 0.2 + 0.16 * caption_lines + 0.1
        width = left + self.ncols * pw + (self.ncols - 1) * gap_h + legend_width + 0.15
        height = top + self.nrows * ph + (self.nrows - 1) * gap_v + bottom
        self.fig, axes = plt.subplots(self.nrows, self.ncols, figsize=(width, height), squeeze=False,
                                      sharey=sharey)
        self.fig.subplots_adjust(left=left / width, right=(width - legend_width - 0.15) / width,
                                 top=(height - top) / height, bottom=bottom / height,
                                 wspace=gap_h / pw, hspace=gap_v / ph)
        self.axes = [ax for row in axes for ax in row]
        for ax in self.axes[panels:]:
            ax.set_visible(False)  # the empty cells of the last row
        self.axes = self.axes[:panels]
        self.width, self.height = width, height
        self.left, self.legend_width = left, legend_width
        self.caption_top = bottom - below_axes - 0.15  # inches from the bottom edge

    def title(self, text):
        self.fig.text(self.left / self.width, 1 - 0.18 / self.height, text, ha="left", va="top",
                      fontsize=12, fontweight="bold")

    def caption(self, text):
        chars = max(40, int((self.width - self.left - 0.2) / 0.068))
        lines = []
        for paragraph in text.split("\n"):
            lines.extend(textwrap.wrap(paragraph, chars) or [""])
        # Anchored at its top, under the tick labels: a longer caption grows downwards, and the tight
        # bounding box used when saving makes room for it.
        self.fig.text(self.left / self.width, self.caption_top / self.height, "\n".join(lines), ha="left", va="top",
                      fontsize=8, color="#333333", linespacing=1.35)

    def legend(self, handles, labels, title="configuration"):
        if not handles:
            return
        top = self.axes[0].get_position().y1 if self.axes else 0.9
        self.fig.legend(handles, labels, loc="upper left", title=title, frameon=False,
                        bbox_to_anchor=((self.width - self.legend_width) / self.width + 0.01, top))


# --- writing -----------------------------------------------------------------------------------------------

def save(fig, output_dir, name, formats):
    """Write name.<format> for each format: to a temporary file first, renamed into place when complete.

    Returns the file names written. On any failure the temporary file is removed: no partial image remains.
    """
    written = []
    for fmt in formats:
        final = os.path.join(output_dir, f"{name}.{fmt}")
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=f".{fmt}.tmp", dir=output_dir)
        try:
            with os.fdopen(handle, "wb") as out:
                metadata = {"Date": None} if fmt == "svg" else ({"Software": None} if fmt == "png" else None)
                fig.savefig(out, format=fmt, dpi=100, metadata=metadata, bbox_inches="tight", pad_inches=0.15)
            os.chmod(temporary, 0o644)
            os.replace(temporary, final)
        except BaseException:
            os.unlink(temporary)
            raise
        written.append(os.path.basename(final))
    plt.close(fig)
    return written
