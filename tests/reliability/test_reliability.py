"""Reliability and safety (issue 9): full filesystems, the space guard, kills, bad input, least privilege.

Usage: python3 test_reliability.py REPO BUILD_DIR GROUP [unittest args]
GROUP is one of: bad_input, kill, runner_kill, full_fs, least_privilege. full_fs and least_privilege need
root (loop mounts; switching to the 'nobody' user): elsewhere they exit 77, which ctest reports as skipped.
Every group cleans up after itself: no file, mount, loop device or process is left behind."""

import glob
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

REPO, BUILD, GROUP = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
RUNNER = os.path.join(REPO, "scripts", "anonmap-run")
FIXTURES = os.path.join(REPO, "scripts", "anonmap-fixtures")
COMPARE = os.path.join(BUILD, "tools", "compare", "anonmap-compare")
FACTS = os.path.join(BUILD, "tools", "facts", "anonmap-facts")
COMPARE_DATA = os.path.join(REPO, "tests", "compare", "data")
SKIP = 77
# Small and quick: no warm-up, the shortest runs Google Benchmark allows.
QUICK = ["--warmup-mib=0", "--benchmark_min_time=0.01", "--benchmark_format=json"]


def bench(strategy):
    return os.path.join(BUILD, "bench", f"anonmap-bench-{strategy}")


def run(command, timeout=300, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


def run_json(command, **kwargs):
    done = run(command, **kwargs)
    assert done.returncode == 0, f"{command}: exit {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def entry(doc, prefix):
    found = [b for b in doc["benchmarks"] if b["name"].startswith(prefix)]
    assert len(found) == 1, (prefix, [b["name"] for b in doc["benchmarks"]])
    return found[0]


def anonmap_names(directory):
    """Files and directories the benchmarks name (anonmap.<pid>.*, anonmap-scratch.<pid>.*) in `directory`."""
    return sorted(n for n in os.listdir(directory) if n.startswith(("anonmap.", "anonmap-scratch.")))


def dead_pid():
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def free_mib(directory):
    info = os.statvfs(directory)
    return info.f_bavail * info.f_frsize // (1 << 20)


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def holds_backing(pid):
    """True once process `pid` holds an fd on an unlinked anonmap backing file: it is inside a benchmark."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if "/anonmap." in target and target.endswith("(deleted)"):
                return True
    except OSError:
        pass
    return False


def processes_mentioning(text):
    """PIDs whose command line contains `text`."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if text.encode() in cmdline.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def one_line_usage_error(test, done, *, contains=None, command=None):
    """Exit code 2, exactly one line on stderr (plus nothing on stdout), never a crash."""
    what = f"{command or ''}: exit {done.returncode}, stderr {done.stderr!r}"
    test.assertEqual(done.returncode, 2, what)
    test.assertEqual(len(done.stderr.strip().splitlines()), 1, what)
    if contains:
        test.assertIn(contains, done.stderr, what)


# ---------------------------------------------------------------------------------------------------------
# Bad input: every option of every command checked, one line on stderr, exit code 2, no partial output.

class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="anonmap-rel-", dir="/var/tmp")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def check_bench(self, strategy, args, contains=None):
        out = os.path.join(self.tmp, "out.json")
        done = run([bench(strategy), *args, "--warmup-mib=0", f"--benchmark_out={out}"], timeout=60)
        one_line_usage_error(self, done, contains=contains, command=f"anonmap-bench-{strategy} {args}")
        self.assertFalse(os.path.exists(out), f"{args}: an output file was written")

    def test_bench_options(self):
        a_file = os.path.join(self.tmp, "a-file")
        open(a_file, "w").close()
        for strategy in ("memfd", "tmpfs", "disk"):
            for args, contains in ((["--sizing=sideways"], "sizing"), (["--sizing="], None),
                                   (["--warmup-mib=-1"], "warmup"), (["--warmup-mib=99999999999999"], "warmup"),
                                   (["--warmup-mib=lots"], "warmup"), (["--cpu=-1"], "cpu"),
                                   (["--cpu=100000"], "cpu"), (["--no-such-option"], None),
                                   (["--benchmark_no_such_flag=1"], None), (["stray-argument"], None),
                                   # Google Benchmark's own options: it aborts, runs nothing or prints two lines
                                   (["--benchmark_repetitions=-1"], "repetitions"),
                                   (["--benchmark_repetitions=0"], "repetitions"),
                                   (["--benchmark_repetitions=many"], "repetitions"),
                                   (["--benchmark_min_time=-1"], "min_time"),
                                   (["--benchmark_min_time=soon"], "min_time"),
                                   (["--benchmark_filter=dense_touch/(write"], "regular expression"),
                                   (["--benchmark_format=yaml"], "format"),
                                   (["--benchmark_out_format=yaml"], "format"),
                                   ([f"--benchmark_out={self.tmp}/missing/out.json"], "cannot write")):
                with self.subTest(strategy=strategy, args=args):
                    self.check_bench(strategy, args, contains)
        self.check_bench("memfd", ["--memfd-exec=sometimes"], "memfd")
        self.check_bench("memfd", ["--dir=/dev/shm"], None)  # memfd has no directory
        for strategy, wrong_fs in (("tmpfs", self.tmp), ("disk", "/dev/shm")):
            for directory, contains in ((os.path.join(self.tmp, "missing"), "does not exist"),
                                        (a_file, "not a directory"), (wrong_fs, "not tmpfs" if strategy == "tmpfs" else "memory filesystem"),
                                        ("", None)):
                with self.subTest(strategy=strategy, directory=directory):
                    self.check_bench(strategy, [f"--dir={directory}"], contains)

    def test_bench_read_only_directory(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a read-only tmpfs")
        mount_point = os.path.join(self.tmp, "ro")
        os.mkdir(mount_point)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "anonmap-rel-ro", mount_point], check=True)
        self.addCleanup(subprocess.run, ["umount", mount_point])
        self.check_bench("tmpfs", [f"--dir={mount_point}"], "read-only")

    def check_compare(self, args, contains=None):
        output = os.path.join(self.tmp, "report.txt")
        with open(output, "w") as previous:
            previous.write("previous report\n")
        done = run([COMPARE, *args, "--output", output], timeout=120)
        one_line_usage_error(self, done, contains=contains, command=f"anonmap-compare {args}")
        with open(output) as kept:
            self.assertEqual(kept.read(), "previous report\n", f"{args}: the output file was replaced")
        leftovers = [n for n in os.listdir(self.tmp) if n.startswith(".report.txt.")]
        self.assertEqual(leftovers, [], f"{args}: a temporary output file was left behind")

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as out:
            out.write(data)
        return path

    def test_compare_json_files(self):
        good = os.path.join(COMPARE_DATA, "synthetic", "base.json")
        with open(good, "rb") as source:
            text = source.read()
        cases = {
            "empty": (b"", "empty"),
            "whitespace": (b" \n\t\n", "empty"),
            "truncated": (text[: len(text) // 2], "truncated"),
            "not UTF-8": (text.replace(b'"context"', b'"cont\xffext"', 1), "UTF-8"),
            "overlong UTF-8": (b'{"context": {"a": "\xc0\xaf"}, "benchmarks": []}', "UTF-8"),
            "deeply nested": (b"[" * 100000 + b"]" * 100000, "nest"),
            "deep, unclosed": (b'{"a":' * 200000, None),
            "NUL bytes": (b"\0" * 1000, None),
            "top level array": (b"[]", None),
            "benchmarks not an array": (b'{"context": {}, "benchmarks": {}}', None),
            "huge number": (b'{"context": {}, "benchmarks": [{"name": "x", "real_time": 1e999999, "time_unit": "ns"}]}', None),
        }
        for name, (data, contains) in cases.items():
            with self.subTest(case=name):
                self.check_compare([self.write("case.json", data)], contains)
        # Over 256 MiB: refused by its size, without reading it (a sparse file takes no space).
        huge = os.path.join(self.tmp, "huge.json")
        with open(huge, "wb") as out:
            out.truncate(300 << 20)
        self.check_compare([huge], "larger than")
        # Not a regular file, not there, a directory with no JSON.
        self.check_compare([os.path.join(self.tmp, "missing.json")], None)
        empty_dir = os.path.join(self.tmp, "empty-dir")
        os.mkdir(empty_dir)
        self.check_compare([empty_dir], "no *.json")

    def test_compare_options(self):
        good = os.path.join(COMPARE_DATA, "synthetic", "base.json")
        for args in (["--format=yaml"], ["--alpha=-1"], ["--alpha=2"], ["--alpha=nan"], ["--cv-threshold=-1"],
                     ["--col="], ["--counter="], ["--base=no-such-column"], ["--counter=no_such_counter"],
                     ["--filter=nonsense"], ["--no-such-option"]):
            with self.subTest(args=args):
                self.check_compare([good, *args])
        # An output in a missing directory: exit 2, nothing created.
        done = run([COMPARE, good, "--output", os.path.join(self.tmp, "missing", "report.txt")])
        one_line_usage_error(self, done)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "missing")))

    def test_facts(self):
        a_file = self.write("a-file", b"")
        for args in ([], [os.path.join(self.tmp, "missing")], [a_file], ["--no-such-option", "/tmp"]):
            with self.subTest(args=args):
                one_line_usage_error(self, run([FACTS, *args]), command=f"anonmap-facts {args}")

    def test_runner_options(self):
        results = os.path.join(self.tmp, "results")
        a_file = self.write("a-file", b"")
        base = [sys.executable, RUNNER, "--no-build", "--build-dir", BUILD, "--results", results]
        for args in (["--repetitions", "0"], ["--repetitions", "-3"], ["--repetitions", "100000"],
                     ["--repetitions", "many"], ["--min-time", "0"], ["--min-time", "-1"], ["--min-time", "1e9"],
                     ["--min-time", "nan"], ["--strategies", "memfd,ramdisk"], ["--strategies", ","],
                     ["--dir", os.path.join(self.tmp, "missing")], ["--dir", a_file], ["--label", "a/b"],
                     ["--sizing", "sideways"], ["--no-such-option"], ["stray"]):
            with self.subTest(args=args):
                one_line_usage_error(self, run(base + args, cwd=self.tmp), command=f"anonmap-run {args}")
                self.assertFalse(os.path.exists(results), f"{args}: made a results directory")
        done = run([sys.executable, RUNNER, "--no-build", "--build-dir", os.path.join(self.tmp, "missing"),
                    "--results", results])
        one_line_usage_error(self, done, contains="no benchmark binaries")

    def test_fixtures_options(self):
        for args in (["--size", "-1", "up"], ["--tiny-size", "huge", "up"], ["up", "no-such-target"],
                     ["--root", "/", "up"], ["frobnicate"], ["--lock-timeout", "-5", "up"]):
            with self.subTest(args=args):
                done = run(["bash", FIXTURES, "--root", os.path.join(self.tmp, "anonmap-fixtures-bad"), *args])
                self.assertEqual(done.returncode, 2, f"{args}: {done.stderr}")
                self.assertTrue(done.stderr.strip(), args)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "anonmap-fixtures-bad")))


# ---------------------------------------------------------------------------------------------------------
# Kills: SIGKILL of a benchmark binary at any moment leaves no file; the next run removes its leftovers.

class Kill(unittest.TestCase):
    def setUp(self):
        # On the disk (for the disk binary): /var/tmp.
        self.tmp = tempfile.mkdtemp(prefix="anonmap-rel-kill-", dir="/var/tmp")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start(self, strategy, args, **kwargs):
        child = subprocess.Popen([bench(strategy), *args, "--warmup-mib=0", "--benchmark_min_time=30",
                                  "--benchmark_filter=dense_touch/write/MiB:64/"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
        self.addCleanup(lambda: child.poll() is None and (child.kill(), child.wait()))
        wait_for(lambda: holds_backing(child.pid) or child.poll() is not None, 60, "the benchmark to start")
        self.assertIsNone(child.poll(), "the benchmark ended early")
        return child

    def test_sigkill_mid_touch_leaves_no_file(self):
        for strategy, directory in (("disk", self.tmp), ("tmpfs", "/dev/shm")):
            with self.subTest(strategy=strategy):
                before = anonmap_names(directory)
                child = self.start(strategy, [f"--dir={directory}"])
                # While it runs, its backing files have no name: only the fd holds them.
                self.assertEqual(anonmap_names(directory), before)
                child.send_signal(signal.SIGKILL)
                child.wait()
                self.assertEqual(anonmap_names(directory), before)

    def test_sigkill_leftovers_are_removed_by_the_next_run(self):
        # What a SIGKILL between open() and unlink(), or of a binary with a scratch directory, can leave.
        gone = dead_pid()
        open(os.path.join(self.tmp, f"anonmap.{gone}.abcdefgh"), "w").close()
        os.mkdir(os.path.join(self.tmp, f"anonmap-scratch.{gone}.AbCdEf"))
        # And names that are not ours to remove: a live process's, another pattern.
        keep = [f"anonmap.{os.getpid()}.keepme00", "anonmap.notapid.x", "other-file"]
        for name in keep:
            open(os.path.join(self.tmp, name), "w").close()
        child = self.start("disk", [], env=dict(os.environ, TMPDIR=self.tmp), cwd=self.tmp)
        child.send_signal(signal.SIGKILL)
        child.wait()
        # The killed binary's own scratch directory is left (empty): the next run removes it.
        left = [n for n in anonmap_names(self.tmp) if n.startswith(f"anonmap-scratch.{child.pid}.")]
        self.assertEqual(len(left), 1, anonmap_names(self.tmp))
        self.assertEqual(os.listdir(os.path.join(self.tmp, left[0])), [], "a file survived in the scratch dir")
        done = run([bench("disk"), f"--dir={self.tmp}", *QUICK, "--benchmark_filter=dense_touch/write/MiB:4/"])
        self.assertEqual(done.returncode, 0, done.stderr)
        done = run([bench("disk"), *QUICK, "--benchmark_filter=dense_touch/write/MiB:4/"],
                   env=dict(os.environ, TMPDIR=self.tmp), cwd=self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(self.tmp)), sorted(keep))

    def test_sigterm_removes_the_scratch_directory(self):
        child = self.start("disk", [], env=dict(os.environ, TMPDIR=self.tmp), cwd=self.tmp)
        child.send_signal(signal.SIGTERM)
        child.wait()
        self.assertEqual(anonmap_names(self.tmp), [])


# ---------------------------------------------------------------------------------------------------------
# SIGKILL of the runner: finished rounds are complete JSON, the binaries stop, the next run cleans up.

class RunnerKill(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="anonmap-rel-runner-", dir="/var/tmp")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.results = os.path.join(self.tmp, "results")
        self.scratch_parent = os.path.join(self.tmp, "scratch")
        os.mkdir(self.scratch_parent)
        self.env = dict(os.environ, TMPDIR=self.scratch_parent)

    def runner(self, *args):
        return [sys.executable, RUNNER, "--no-build", "--build-dir", BUILD, "--results", self.results,
                "--strategies", "memfd,disk", "--min-time", "0.01", "--no-report", *args]

    def run_dirs(self):
        return sorted(glob.glob(os.path.join(self.results, "*", "*")))

    def test_sigkill_of_the_runner(self):
        # Many short rounds: kill the runner while a binary of a later round is running.
        runner = subprocess.Popen(self.runner("--repetitions", "50", "--filter", "dense_touch/write/MiB:(4|16)/"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env, cwd=self.tmp)
        self.addCleanup(lambda: runner.poll() is None and (runner.kill(), runner.wait()))
        run_dir = wait_for(lambda: self.run_dirs() and self.run_dirs()[0], 60, "the run directory")
        # Both configurations have finished a round, and a binary is running now.
        wait_for(lambda: all(os.path.exists(os.path.join(run_dir, f"{c}.json")) for c in ("memfd", self.disk_label())),
                 120, "a finished round of each configuration")
        wait_for(lambda: [p for p in processes_mentioning(run_dir) if p != runner.pid], 60, "a running binary")
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        # The benchmark binary it was running stops too (PR_SET_PDEATHSIG), and removes its scratch directory.
        wait_for(lambda: not processes_mentioning(run_dir), 30, "the orphaned benchmark binary to stop")
        wait_for(lambda: anonmap_names(self.scratch_parent) == [], 10, "the scratch directory to go")
        # Every result file is complete JSON with the rounds that finished; run.json says the run is incomplete.
        for path in glob.glob(os.path.join(run_dir, "*.json")):
            with open(path) as result:
                doc = json.load(result)
            if os.path.basename(path) == "run.json":
                self.assertTrue(doc["outcome"].startswith("incomplete"), doc)
            else:
                self.assertGreaterEqual(int(doc["context"]["anonmap_rounds"]), 1)
                self.assertTrue(doc["benchmarks"])
        compared = run([COMPARE, *glob.glob(os.path.join(run_dir, "[!r]*.json"))])
        self.assertEqual(compared.returncode, 0, compared.stderr)
        # The next run removes the killed run's work directory, and leaves its results alone.
        kept = sorted(n for n in os.listdir(run_dir) if not n.startswith("."))
        self.assertTrue([n for n in os.listdir(run_dir) if n.startswith(".rounds-")])
        time.sleep(1.1)  # a new run directory name (seconds)
        done = run(self.runner("--repetitions", "1", "--filter", "dense_touch/write/MiB:4/"), env=self.env,
                   cwd=self.tmp)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(run_dir)), kept)
        for other in self.run_dirs():
            self.assertEqual([n for n in os.listdir(other) if n.startswith(".")], [], other)
        self.assertEqual(anonmap_names(self.scratch_parent), [])

    def disk_label(self):
        return "disk@" + json.loads(run([FACTS, "--json", self.scratch_parent]).stdout)[0]["fs_type"]


# ---------------------------------------------------------------------------------------------------------
# Full filesystems: a tiny tmpfs and a tiny loop ext4 (anonmap-fixtures, on a private root).

class FullFilesystem(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="anonmap-fixtures-rel.", dir="/var/tmp")
        os.rmdir(cls.root)  # the fixtures script makes and owns it
        cls.fixtures = ["bash", FIXTURES, "--root", cls.root, "--build-dir", BUILD]
        done = run(cls.fixtures + ["--tiny-size", "32", "up", "tiny-ext4", "tiny-tmpfs"])
        if done.returncode != 0:
            cls.tearDownClass()
            raise unittest.SkipTest(f"anonmap-fixtures up failed: {done.stderr.strip()[-500:]}")
        listed = json.loads(run(cls.fixtures + ["list", "--json"]).stdout)
        cls.dirs = {t["target"]: t["dir"] for t in listed if t.get("mounted")}
        if set(cls.dirs) != {"tiny-ext4", "tiny-tmpfs"}:
            cls.tearDownClass()
            raise unittest.SkipTest(f"tiny targets not up: {listed}")

    @classmethod
    def tearDownClass(cls):
        done = run(cls.fixtures + ["down"])
        assert done.returncode == 0 and not os.path.exists(cls.root), done.stderr

    def tearDown(self):
        for directory in self.dirs.values():
            self.assertEqual(anonmap_names(directory), [], directory)

    def fill(self, strategy, target, args=(), env=None, cwd=None, refused=False):
        """Runs the 64 MiB dense touches on `target`; its JSON. `refused`: the space guard must refuse them, so
        the binary ends with exit 2 and one line saying so (its JSON still complete)."""
        directory = self.dirs[target]
        dir_args = [] if env else [f"--dir={directory}"]
        done = run([bench(strategy), *dir_args, *args, *QUICK, "--benchmark_filter=dense_touch/(write|read)/MiB:64/"],
                   env=env, cwd=cwd)
        if refused:
            self.assertEqual(done.returncode, 2, done.stderr[-2000:])
            lines = done.stderr.strip().splitlines()
            self.assertRegex(lines[-1], rf"^anonmap-bench-{strategy}: the space guard refused 2 benchmarks "
                                        r"\(first: a backing of 64 MiB needs 64 MiB in .*\).*--allow-fill runs them$")
        else:
            self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        return json.loads(done.stdout)

    def test_sigbus_on_a_full_tmpfs_is_a_result_and_the_run_goes_on(self):
        directory = self.dirs["tiny-tmpfs"]
        doc = self.fill("tmpfs", "tiny-tmpfs", ["--allow-fill"])
        for access in ("write", "read"):  # shmem allocates a page on a read fault too: both fill it
            result = entry(doc, f"dense_touch/{access}/MiB:64/")
            self.assertTrue(result.get("error_occurred"), result)
            self.assertRegex(result["error_message"], r"^SIGBUS: filesystem full after 3[0-2] MiB \(at offset")
        self.assertGreaterEqual(free_mib(directory), 31)  # and all of it came back

    def test_sigbus_on_a_full_ext4_is_a_result_and_the_run_goes_on(self):
        directory = self.dirs["tiny-ext4"]
        free = free_mib(directory)
        doc = self.fill("disk", "tiny-ext4", ["--allow-fill"])
        write = entry(doc, "dense_touch/write/MiB:64/")
        self.assertTrue(write.get("error_occurred"), write)
        self.assertRegex(write["error_message"], r"^SIGBUS: filesystem full after \d+ MiB \(at offset")
        # The next benchmark ran: reading holes allocates no blocks, so it completes.
        read = entry(doc, "dense_touch/read/MiB:64/")
        self.assertFalse(read.get("error_occurred"), read)
        self.assertEqual(read["pages"], 64 * 256)
        wait_for(lambda: free_mib(directory) >= free - 1, 30, "the blocks to come back")

    def test_fallocate_past_the_end_is_a_result(self):
        doc = self.fill("disk", "tiny-ext4", ["--allow-fill", "--sizing=fallocate"])
        result = entry(doc, "dense_touch/write/MiB:64/")
        self.assertIn("No space left on device", result.get("error_message", ""), result)

    def test_the_space_guard_skips_instead_of_filling(self):
        for strategy, target in (("tmpfs", "tiny-tmpfs"), ("disk", "tiny-ext4")):
            with self.subTest(target=target):
                directory = self.dirs[target]
                free = free_mib(directory)
                doc = self.fill(strategy, target, refused=True)
                for access in ("write", "read"):
                    result = entry(doc, f"dense_touch/{access}/MiB:64/")
                    self.assertRegex(result.get("error_message", ""),
                                     r"^not enough room: needs 64 MiB, \d+ MiB free and 256 MiB kept as margin")
                self.assertGreaterEqual(free_mib(directory), free - 1)

    def test_the_default_disk_directory_is_guarded_too(self):
        # No --dir: the scratch directory goes to $TMPDIR, here the tiny ext4 standing in for a nearly full home.
        directory = self.dirs["tiny-ext4"]
        doc = self.fill("disk", "tiny-ext4", env=dict(os.environ, TMPDIR=directory), cwd=directory, refused=True)
        self.assertTrue(doc["context"]["anonmap_dir"].startswith(directory + "/anonmap-scratch."))
        self.assertIn("not enough room", entry(doc, "dense_touch/write/MiB:64/").get("error_message", ""))


# ---------------------------------------------------------------------------------------------------------
# Least privilege: everything but fixtures, cgroup pressure runs and the VM works as an ordinary user.

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env"]
# The system's python3: the one running this test may live in root's home.
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable


class LeastPrivilege(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="anonmap-rel-nobody-", dir="/var/tmp")
        os.chown(cls.home, 65534, 65534)
        cls.env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": cls.home, "TMPDIR": cls.home}
        if run(NOBODY + ["test", "-x", bench("memfd")]).returncode != 0:
            raise unittest.SkipTest(f"the build tree {BUILD} is not readable by 'nobody'")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def as_nobody(self, command, **kwargs):
        return run(NOBODY + ["env", *(f"{k}={v}" for k, v in self.env.items()), *command], cwd=self.home, **kwargs)

    def test_benchmarks_compare_and_facts(self):
        outputs = []
        for strategy, args in (("memfd", []), ("tmpfs", ["--dir=/dev/shm"]), ("disk", [f"--dir={self.home}"]),
                               ("disk", [])):
            with self.subTest(strategy=strategy, args=args):
                out = os.path.join(self.home, f"{strategy}{len(outputs)}.json")
                done = self.as_nobody([bench(strategy), *args, *QUICK, "--benchmark_filter=dense_touch/write/MiB:4/",
                                       f"--benchmark_out={out}"])
                self.assertEqual(done.returncode, 0, done.stderr)
                result = entry(json.loads(done.stdout), "dense_touch/write/MiB:4/")
                self.assertFalse(result.get("error_occurred"), result)
                outputs.append(out)
        done = self.as_nobody([COMPARE, *outputs, "--output", os.path.join(self.home, "report.md"), "--format=markdown"])
        self.assertEqual(done.returncode, 0, done.stderr)
        done = self.as_nobody([FACTS, "--json", "/dev/shm", self.home, "/"])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(anonmap_names(self.home), [])
        self.assertEqual(anonmap_names("/dev/shm"), [])

    def test_a_directory_not_writable_by_this_user(self):
        root_owned = tempfile.mkdtemp(prefix="anonmap-rel-rootonly-", dir="/var/tmp")
        self.addCleanup(os.rmdir, root_owned)
        os.chmod(root_owned, 0o755)
        done = self.as_nobody([bench("disk"), f"--dir={root_owned}", "--warmup-mib=0"])
        one_line_usage_error(self, done, contains="not writable by this user")
        done = self.as_nobody([FACTS, root_owned])  # describing it needs no write access
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_the_runner(self):
        results = os.path.join(self.home, "results")
        done = self.as_nobody([SYSTEM_PYTHON, RUNNER, "--no-build", "--build-dir", BUILD, "--results", results,
                               "--quick", "--filter", "dense_touch/write/MiB:4/", "--repetitions", "1",
                               "--min-time", "0.01"], timeout=600)
        self.assertEqual(done.returncode, 0, done.stderr)
        run_dirs = glob.glob(os.path.join(results, "*", "*"))
        self.assertEqual(len(run_dirs), 1)
        for name in ("memfd.json", "tmpfs@dev-shm.json", "run.json", "report.md"):
            self.assertTrue(os.path.exists(os.path.join(run_dirs[0], name)), name)

    def test_root_only_commands_say_so(self):
        done = self.as_nobody(["bash", FIXTURES, "--root", os.path.join(self.home, "anonmap-fixtures"), "up"])
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("root", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.home, "anonmap-fixtures")))
        done = self.as_nobody([SYSTEM_PYTHON, RUNNER, "--no-build", "--build-dir", BUILD, "--fixtures",
                               "--results", os.path.join(self.home, "results-fixtures")])
        one_line_usage_error(self, done, contains="root")


GROUPS = {"bad_input": (BadInput, False), "kill": (Kill, False), "runner_kill": (RunnerKill, False),
          "full_fs": (FullFilesystem, True), "least_privilege": (LeastPrivilege, True)}

if __name__ == "__main__":
    case, needs_root = GROUPS[GROUP]
    if needs_root and os.geteuid() != 0:
        print(f"skipped: {GROUP} needs root", file=sys.stderr)
        sys.exit(SKIP)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    outcome = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if outcome.wasSuccessful() else 1)
