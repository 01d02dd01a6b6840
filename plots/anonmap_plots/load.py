"""Read Google Benchmark JSON files (1.7.1's format and newer) and group their repetitions.

One configuration (a column of the report: memfd, tmpfs@dev-shm, disk@ext4, ...) is named by the file's
context key `anonmap_config`; files with the same configuration are merged, as anonmap-compare does. Each
benchmark name is split into its workload ("dense_touch"), its variant ("write") and its parameters
("MiB:16", "stride:64"); Google Benchmark's own suffixes (manual_time, iterations:1, ...) are dropped.
"""

import glob
import json
import os


class InputError(Exception):
    """A file that cannot be plotted: reported as 'anonmap-plot: FILE: problem', exit code 2."""

    def __init__(self, path, problem):
        super().__init__(f"{path}: {problem}")


# Name parts Google Benchmark appends: not parameters of the workload.
GBENCH_SUFFIXES = ("manual_time", "real_time", "process_time")
GBENCH_SUFFIX_KEYS = ("iterations", "repeats", "threads", "min_time", "min_warmup_time")


class Benchmark:
    """One benchmark instance, e.g. dense_touch/write/MiB:16, split into its parts."""

    def __init__(self, run_name):
        self.run_name = run_name
        words, params = [], []
        for part in run_name.split("/"):
            if part in GBENCH_SUFFIXES or part.split(":")[0] in GBENCH_SUFFIX_KEYS:
                continue
            if ":" in part:
                key, _, value = part.partition(":")
                params.append((key, value))
            else:
                words.append(part)
        # "dense_touch/write" -> workload dense_touch, variant write; "space/reclaim/plain" -> space/reclaim, plain.
        if len(words) >= 2:
            self.workload, self.variant = "/".join(words[:-1]), words[-1]
        else:
            self.workload, self.variant = (words[0] if words else run_name), ""
        self.params = tuple(params)
        self.key = run_name

    def param(self, key):
        """The parameter's value as a number (None when the name has no such parameter)."""
        for k, value in self.params:
            if k == key:
                try:
                    return float(value)
                except ValueError:
                    return None
        return None

    def params_without(self, *keys):
        return tuple((k, v) for k, v in self.params if k not in keys)


class Cell:
    """The repetitions of one benchmark in one configuration."""

    def __init__(self):
        self.samples = []        # one dict of numbers per good repetition: counters and real_time_ns
        self.labels = []         # each good repetition's "label" (the pressure workload's outcome)
        self.errors = []         # error messages of the failed or skipped repetitions
        self.contexts = []       # the contexts of the files its repetitions came from (machine, kernel, date)

    def values(self, counter):
        return [s[counter] for s in self.samples if counter in s]

    def has(self, counter):
        return any(counter in s for s in self.samples)


class Config:
    """One configuration: its label, the context of its (first) file, and its cells by benchmark name."""

    def __init__(self, label, context, path):
        self.label = label
        self.context = context
        self.paths = [path]
        self.cells = {}
        self.number = 0          # its place in the run, which gives its colour and marker (set by the caller)

    @property
    def strategy(self):
        return self.context.get("anonmap_strategy", "")


class Results:
    """Everything read: configurations in order, and every benchmark instance seen, in order of appearance."""

    def __init__(self):
        self.configs = []
        self.benchmarks = {}     # run_name -> Benchmark, in the order they first appear

    def config(self, label):
        for c in self.configs:
            if c.label == label:
                return c
        return None

    def workloads(self):
        """Workload names in order of first appearance."""
        seen = []
        for b in self.benchmarks.values():
            if b.workload not in seen:
                seen.append(b.workload)
        return seen

    def benchmarks_of(self, workload):
        """The workload's instances: variants in order of first appearance, sizes and strides in numeric order
        (runs with random interleaving list them shuffled; a reader expects 4 MiB before 16 MiB)."""
        found = [b for b in self.benchmarks.values() if b.workload == workload]
        variant_order = list(dict.fromkeys(b.variant for b in found))
        return sorted(found, key=lambda b: (variant_order.index(b.variant), param_sort_key(b.params)))


def param_sort_key(params):
    """Numbers by value, before words; keys keep their order in the name."""
    def one(value):
        try:
            return (0, float(value), "")
        except ValueError:
            return (1, 0.0, value)
    return tuple((key, one(value)) for key, value in params)


TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def expand(inputs):
    """Files named, and the *.json files of directories named (run.json, the runner's own record, left out)."""
    files = []
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(p for p in glob.glob(os.path.join(item, "*.json"))
                           if os.path.basename(p) != "run.json")
            if not found:
                raise InputError(item, "no *.json files in this directory")
            files.extend(found)
        elif os.path.exists(item):
            files.append(item)
        else:
            raise InputError(item, "no such file or directory")
    return files


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(path, f"not valid JSON ({error})") from None
    if isinstance(doc, dict) and doc.get("tool") == "anonmap-compare":
        raise InputError(path, "an anonmap-compare summary; give the Google Benchmark JSON files it was made from")
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise InputError(path, "not a Google Benchmark JSON file (no 'benchmarks' list)")
    if not isinstance(doc.get("context", {}), dict):
        raise InputError(path, "'context' is not an object")
    return doc


def numbers_of(entry):
    """The counters of one repetition, plus its real time in nanoseconds as 'real_time_ns'."""
    numbers = {}
    skip = {"family_index", "per_family_instance_index", "repetitions", "repetition_index", "threads",
            "iterations", "real_time", "cpu_time"}
    for key, value in entry.items():
        if key in skip or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        numbers[key] = float(value)
    unit = TIME_UNIT_NS.get(entry.get("time_unit", "ns"), 1.0)
    if isinstance(entry.get("real_time"), (int, float)):
        numbers["real_time_ns"] = float(entry["real_time"]) * unit
    return numbers


def load(inputs):
    """Read every input; raise InputError on the first file that is not usable."""
    results = Results()
    for path in expand(inputs):
        doc = read_json(path)
        context = doc.get("context", {})
        label = str(context.get("anonmap_config") or context.get("anonmap_strategy")
                    or os.path.splitext(os.path.basename(path))[0])
        config = results.config(label)
        if config is None:
            config = Config(label, context, path)
            results.configs.append(config)
        else:
            config.paths.append(path)
        for index, entry in enumerate(doc["benchmarks"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise InputError(path, f"benchmark {index} has no name")
            if entry.get("run_type", "iteration") != "iteration":
                continue  # aggregates (mean, median, ...): computed here from the repetitions instead
            run_name = entry.get("run_name") or entry["name"]
            if not isinstance(run_name, str):
                raise InputError(path, f"benchmark {index} has no name")
            if run_name not in results.benchmarks:
                results.benchmarks[run_name] = Benchmark(run_name)
            cell = config.cells.setdefault(run_name, Cell())
            if not any(c is context for c in cell.contexts):
                cell.contexts.append(context)
            if entry.get("error_occurred") or entry.get("skipped"):
                cell.errors.append(str(entry.get("error_message") or entry.get("skip_message") or "failed"))
            else:
                cell.samples.append(numbers_of(entry))
                cell.labels.append(str(entry.get("label", "")))
    if not results.benchmarks:
        raise InputError(inputs[0] if len(inputs) == 1 else " ".join(inputs), "no benchmarks to plot")
    return results
