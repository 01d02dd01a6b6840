"""index.md: the images with their titles and captions, for a reader and for the Markdown report to link."""

import os
import re
import tempfile

MARKER = "<!-- anonmap-plot: images -->"
LINK = re.compile(r"\]\(([^)/]+\.(?:png|svg|pdf))\)")


def write_atomically(path, text):
    handle, temporary = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def image_markdown(chart, prefix, heading="##"):
    """A heading, the first image, the caption and links to the other formats."""
    first, others = chart.files[0], chart.files[1:]
    lines = [f"{heading} {chart.title}", "", f"![{chart.title}]({prefix}{first})", "", chart.caption]
    if others:
        lines[-1] += " (" + ", ".join(f"[{f.rsplit('.', 1)[1].upper()}]({prefix}{f})" for f in others) + ")"
    return "\n".join(lines) + "\n"


def write(output_dir, charts, results):
    sources = ", ".join(sorted({os.path.basename(p) for c in results.configs for p in c.paths}))
    parts = ["# Plots", "", f"Made by anonmap-plot from {sources}.", ""]
    parts += [image_markdown(c, "") for c in charts]
    write_atomically(os.path.join(output_dir, "index.md"), "\n".join(parts))


def listed_files(output_dir):
    """Image files an earlier index.md in this directory named."""
    try:
        with open(os.path.join(output_dir, "index.md"), encoding="utf-8") as f:
            return set(LINK.findall(f.read()))
    except OSError:
        return set()


def remove_stale(output_dir, previous, charts):
    """Remove the images of an earlier run that this run did not make again (only files index.md named)."""
    current = {f for c in charts for f in c.files}
    for name in sorted(previous - current):
        try:
            os.unlink(os.path.join(output_dir, name))
        except FileNotFoundError:
            pass


def append_to_report(report_path, output_dir, charts):
    """Add a 'Plots' section at the end of a Markdown report (replacing one an earlier call added)."""
    prefix = os.path.relpath(output_dir, os.path.dirname(os.path.abspath(report_path)))
    prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
    with open(report_path, encoding="utf-8") as f:
        text = f.read()
    text = text.split(MARKER)[0].rstrip("\n")
    section = [MARKER, "", "## Plots", ""]
    images = [image_markdown(c, prefix, "###") for c in charts]
    section += images or ["No charts: nothing plottable in these results.\n"]
    write_atomically(report_path, text + "\n\n" + "\n".join(section))
