"""Tests of scripts/anonmap-run: a real tiny run on the three binaries, and, with stand-in binaries, a
failing binary and an interrupted run. Usage: python3 test_runner.py REPO BUILD_DIR"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

REPO, BUILD_DIR = sys.argv[1], sys.argv[2]
RUNNER = os.path.join(REPO, "scripts", "anonmap-run")
TINY = "dense_touch/write/MiB:4/|fidelity/write/MiB:64/stride:16/"


def run(*args, **kwargs):
    return subprocess.run([sys.executable, RUNNER, *args], capture_output=True, text=True, **kwargs)


def only_run_dir(results):
    hosts = os.listdir(results)
    assert len(hosts) == 1, hosts
    runs = os.listdir(os.path.join(results, hosts[0]))
    assert len(runs) == 1, runs
    return os.path.join(results, hosts[0], runs[0])


def fake_build_dir(root, memfd_script):
    """A build dir whose memfd binary is `memfd_script` and whose other binaries and tools are the real ones."""
    for sub in ("bench", "tools/facts", "tools/compare"):
        os.makedirs(os.path.join(root, sub))
    for name in ("tools/facts/anonmap-facts", "tools/compare/anonmap-compare", "bench/anonmap-bench-tmpfs",
                 "bench/anonmap-bench-disk"):
        os.symlink(os.path.join(BUILD_DIR, name), os.path.join(root, name))
    fake = os.path.join(root, "bench", "anonmap-bench-memfd")
    with open(fake, "w") as out:
        out.write("#!/bin/sh\n" + memfd_script)
    os.chmod(fake, 0o755)
    return root


class RealRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.results = tempfile.mkdtemp(prefix="anonmap-test-results-")
        cls.addClassCleanup(shutil.rmtree, cls.results, ignore_errors=True)  # also when setUpClass fails
        cls.done = run("--no-build", "--build-dir", BUILD_DIR, "--results", cls.results, "--filter", TINY,
                       "--repetitions", "3", "--min-time", "0.01", cwd=cls.results)
        cls.run_dir = only_run_dir(cls.results)

    def test_exit_code_and_report(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertIn("dense_touch/write/MiB:4", self.done.stdout)  # the report, printed at the end
        for name in ("memfd.json", "tmpfs@dev-shm.json", "run.json", "report.md", "report.txt"):
            self.assertTrue(os.path.exists(os.path.join(self.run_dir, name)), name)

    def test_report_shows_the_harness_against_the_bare_loop(self):
        report = open(os.path.join(self.run_dir, "report.md")).read()
        fidelity = report[report.index("## Fidelity"):]
        for counter in ("harness_over_bare", "harness_ns_per_page", "bare_ns_per_page"):
            self.assertIn(f"#### `{counter}`", fidelity)
        self.assertIn("fidelity/write/MiB:64/stride:16", fidelity)

    def test_report_only_remakes_the_report_of_a_finished_run(self):
        copy = os.path.join(self.results, "copy")
        shutil.copytree(self.run_dir, copy)
        os.remove(os.path.join(copy, "report.md"))
        os.remove(os.path.join(copy, "report.txt"))
        shutil.rmtree(os.path.join(copy, "plots"), ignore_errors=True)  # there where matplotlib is installed
        done = run("--no-build", "--build-dir", BUILD_DIR, "--report-only", copy)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(copy)), sorted(os.listdir(self.run_dir)))  # nothing else was run
        report = open(os.path.join(copy, "report.md")).read()
        self.assertIn("| `dense_touch/write/MiB:4/manual_time` |", report)
        self.assertIn("## Fidelity", report)

    def test_report_only_of_a_directory_without_a_run_exits_2(self):
        for directory in ("/nonexistent", self.results):
            done = run("--no-build", "--build-dir", BUILD_DIR, "--report-only", directory)
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)
            self.assertIn("--report-only", done.stderr)

    def test_rounds_become_repetitions_with_aggregates(self):
        result = json.load(open(os.path.join(self.run_dir, "memfd.json")))
        dense = [b for b in result["benchmarks"] if b["name"].startswith("dense_touch/")]
        iterations = [b for b in dense if b["run_type"] == "iteration"]
        self.assertEqual([b["repetition_index"] for b in iterations], [0, 1, 2])
        self.assertTrue(all(b["repetitions"] == 3 for b in iterations))
        medians = [b for b in dense if b.get("aggregate_name") == "median"]
        self.assertEqual(len(medians), 1)
        self.assertAlmostEqual(medians[0]["real_time"], sorted(b["real_time"] for b in iterations)[1])
        self.assertEqual(result["context"]["anonmap_config"], "memfd")
        self.assertEqual(result["context"]["anonmap_rounds"], "3")

    def test_manifest_and_nothing_left_behind(self):
        manifest = json.load(open(os.path.join(self.run_dir, "run.json")))
        self.assertEqual(manifest["outcome"], "completed")
        self.assertEqual(manifest["not_run"], [])
        leftovers = [n for n in os.listdir(self.run_dir) if n.startswith(".")]
        self.assertEqual(leftovers, [])
        scratch = [n for n in os.listdir(self.results) if n.startswith("anonmap-scratch")]
        self.assertEqual(scratch, [])  # the disk binary ran with cwd = results: its scratch dir is gone


    def test_google_benchmarks_own_compare_py_reads_the_merged_files(self):
        # Debian's libbenchmark-tools ships compare.py; it needs scipy, so Debian's own python3 runs it.
        compare_py = "/usr/share/benchmark/compare.py"
        if not os.path.exists(compare_py):
            self.skipTest(f"{compare_py} not installed (Debian: libbenchmark-tools)")
        if subprocess.run(["/usr/bin/python3", "-c", "import scipy"], capture_output=True).returncode != 0:
            self.skipTest("/usr/bin/python3 has no scipy (Debian: python3-scipy), which compare.py needs")
        done = subprocess.run(["/usr/bin/python3", compare_py, "--no-color", "benchmarks",
                               os.path.join(self.run_dir, "memfd.json"), os.path.join(self.run_dir, "tmpfs@dev-shm.json")],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        # It paired the repetitions of both files (its U test row) and read the aggregates the runner computed.
        self.assertIn("dense_touch/write/MiB:4/manual_time_pvalue", done.stdout)
        self.assertIn("Repetitions: 3 vs 3", done.stdout)
        self.assertIn("dense_touch/write/MiB:4/manual_time_median", done.stdout)


KERNELS = os.path.join(REPO, "scripts", "anonmap-kernels")


def kernels(*args):
    return subprocess.run([sys.executable, KERNELS, "--build-dir", BUILD_DIR, *args], capture_output=True, text=True)


class KernelsReport(unittest.TestCase):
    """scripts/anonmap-kernels on a real tiny run and a copy of it dressed as a guest's (another kernel, TCG),
    which also has a configuration the native run lacks (btrfs on dm-crypt)."""

    @classmethod
    def setUpClass(cls):
        cls.results = tempfile.mkdtemp(prefix="anonmap-test-kernels-")
        cls.addClassCleanup(shutil.rmtree, cls.results, ignore_errors=True)  # also when setUpClass fails
        done = run("--no-build", "--build-dir", BUILD_DIR, "--results", cls.results, "--filter", TINY,
                   "--strategies", "memfd", "--repetitions", "5", "--min-time", "0.01", "--no-report", "--label", "native")
        assert done.returncode == 0, done.stderr
        cls.native = only_run_dir(cls.results)
        cls.guest = os.path.join(cls.results, "guest")
        os.makedirs(cls.guest)
        result = json.load(open(os.path.join(cls.native, "memfd.json")))
        result["context"].update(kernel="6.1.0-test", virt="tcg", anonmap_vm="qemu-tcg")
        with open(os.path.join(cls.guest, "memfd.json"), "w") as out:
            json.dump(result, out)
        result["context"].update(anonmap_config="disk@btrfs-dmcrypt", block_stack="loop>dm-crypt(aes-xts-plain64)")
        with open(os.path.join(cls.guest, "disk@btrfs-dmcrypt.json"), "w") as out:
            json.dump(result, out)
        native_context = json.load(open(os.path.join(cls.native, "memfd.json")))["context"]
        cls.native_column = f"{native_context['kernel']}@{native_context['virt']}"
        cls.done = kernels(cls.native, cls.guest)

    def test_one_column_per_kernel_and_configurations_as_rows(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        report = open(os.path.join(self.guest, "kernels.md")).read()
        self.assertTrue(os.path.exists(os.path.join(self.guest, "kernels.txt")))
        self.assertIn(f"`{self.native_column}` (base)", report)
        self.assertIn("`6.1.0-test@tcg`", report)
        self.assertIn("| memfd | `dense_touch/write/MiB:4/", report)
        self.assertIn("| disk@btrfs-dmcrypt | `dense_touch/write/MiB:4/", report)  # the guest's only column

    def test_tcg_times_are_not_compared_and_counts_are(self):
        report = open(os.path.join(self.guest, "kernels.md")).read()
        times = report.split("#### `real_time`")[1].split("####")[0]
        faults = report.split("#### `minflt_per_page`")[1].split("####")[0]
        memfd_time_row = next(line for line in times.splitlines() if line.startswith("| memfd |"))
        memfd_fault_row = next(line for line in faults.splitlines() if line.startswith("| memfd |"))
        self.assertIn("n/c", memfd_time_row)
        self.assertNotIn("n/c", memfd_fault_row)
        self.assertIn("QEMU's emulation", report)

    def test_bad_input_exits_2_with_one_line(self):
        for args in ([self.native], [self.native, self.native], [self.native, "/nonexistent-anonmap-run"],
                     [self.native, self.guest, "--output", "/nonexistent-anonmap-dir"], [self.results]):
            done = kernels(*args)
            self.assertEqual(done.returncode, 2, (args, done.stderr))
            self.assertEqual(len(done.stderr.strip().splitlines()), 1, (args, done.stderr))


class WineserverMode(unittest.TestCase):
    def test_wineserver_today_beside_memfd_first(self):
        with tempfile.TemporaryDirectory(prefix="anonmap-test-results-") as results:
            done = run("--no-build", "--build-dir", BUILD_DIR, "--results", results, "--filter", TINY,
                       "--strategies", "memfd", "--wineserver", "--repetitions", "1", "--min-time", "0.01")
            self.assertEqual(done.returncode, 0, done.stderr)
            run_dir = only_run_dir(results)
            today = json.load(open(os.path.join(run_dir, "wineserver-today.json")))["context"]
            first = json.load(open(os.path.join(run_dir, "memfd-first.json")))["context"]
            self.assertEqual(first["anonmap_strategy"], "memfd")
            # This machine's /tmp allows PROT_EXEC mappings, so wineserver would use it.
            tmp_exec = "yes" == subprocess.run([os.path.join(BUILD_DIR, "tools", "facts", "anonmap-facts"), "/tmp"],
                                               capture_output=True, text=True).stdout.split("exec probe")[1].split()[0]
            if tmp_exec:
                self.assertEqual(today["anonmap_dir"], os.path.realpath("/tmp"))
            self.assertIn("wineserver-today:", done.stderr)


class BadInput(unittest.TestCase):
    def test_bad_options_exit_2_with_one_line(self):
        for args in (["--repetitions", "0"], ["--min-time", "-1"], ["--strategies", "ramfs"], ["--nonsense"],
                     ["--dir", "/nonexistent-anonmap"], ["--label", "a/b"]):
            done = run("--no-build", "--build-dir", BUILD_DIR, "--results", "/nonexistent-anonmap-results", *args)
            self.assertEqual(done.returncode, 2, (args, done.stderr))
            self.assertEqual(len(done.stderr.strip().splitlines()), 1, (args, done.stderr))
        self.assertFalse(os.path.exists("/nonexistent-anonmap-results"))

    def test_missing_binaries_with_no_build(self):
        with tempfile.TemporaryDirectory(prefix="anonmap-test-") as empty:
            done = run("--no-build", "--build-dir", empty)
            self.assertEqual(done.returncode, 2)
            self.assertIn("no benchmark binaries", done.stderr)


class StoppedRuns(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="anonmap-test-runner-")
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        self.results = os.path.join(self.work, "results")

    def test_failing_binary_stops_and_keeps_what_finished(self):
        build = fake_build_dir(os.path.join(self.work, "build"), "echo 'memfd: broken on purpose' >&2; exit 3\n")
        done = run("--no-build", "--build-dir", build, "--results", self.results, "--filter", TINY,
                   "--strategies", "tmpfs,memfd", "--repetitions", "2", "--min-time", "0.01", cwd=self.work)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("memfd (round 1) exited with 3: memfd: broken on purpose", done.stderr)
        run_dir = only_run_dir(self.results)
        self.assertTrue(os.path.exists(os.path.join(run_dir, "tmpfs@dev-shm.json")))  # round 1 of tmpfs ran first
        manifest = json.load(open(os.path.join(run_dir, "run.json")))
        self.assertTrue(manifest["outcome"].startswith("failed"))
        self.assertIn("memfd: 2 of 2 rounds", manifest["not_run"])

    def test_interrupt_keeps_finished_rounds(self):
        build = fake_build_dir(os.path.join(self.work, "build"), "exec sleep 60\n")
        runner = subprocess.Popen([sys.executable, RUNNER, "--no-build", "--build-dir", build, "--results",
                                   self.results, "--filter", TINY, "--strategies", "tmpfs,memfd",
                                   "--repetitions", "2", "--min-time", "0.01"],
                                  cwd=self.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _sleeping_child(runner.pid):
            time.sleep(0.1)
        runner.send_signal(signal.SIGINT)
        _, stderr = runner.communicate(timeout=30)
        self.assertEqual(runner.returncode, 130, stderr)
        self.assertIn("interrupted", stderr)
        run_dir = only_run_dir(self.results)
        self.assertTrue(os.path.exists(os.path.join(run_dir, "tmpfs@dev-shm.json")))
        self.assertFalse(os.path.exists(os.path.join(run_dir, "memfd.json")))
        manifest = json.load(open(os.path.join(run_dir, "run.json")))
        self.assertEqual(manifest["outcome"], "interrupted")
        self.assertFalse(_sleeping_child(runner.pid))  # the stand-in binary was stopped too


def _sleeping_child(parent_pid):
    """Whether the stand-in memfd binary (sleep 60) started by the runner is running."""
    done = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True)
    return any(line.split(None, 1)[1:] == ["sleep 60"] for line in done.stdout.splitlines()[1:])


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    failed = len(result.failures) + len(result.errors)
    print(f"runner: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
