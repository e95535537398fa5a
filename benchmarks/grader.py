"""Benchmark: our sandboxed grader at class scale, against itself with one worker and against
stock ``nbgrader autograde`` on the same files.

For each lab (Lab 1 and Lab 4 by default) it writes N submissions cycling through the
solution, the correct alternatives, every known mistake and the blank release, then:

- grades the class with 1 and with 2 workers (``--workers``), every protection on, taking
  turns within each repeat (the order alternates) so load from other jobs hits both alike;
  per run: total time, per-submission median and 95th percentile (prepare + sandbox run +
  judge), overhead per submission (that minus the student code's own run time: process
  start, sandbox, data transfer, judging), the grader's peak memory (VmHWM of this process,
  reset before each run; the sandboxes are separate processes), the parallel efficiency
  T1 / (k * Tk), the slots' occupancy (sandbox-seconds / (k * Tk): below 1, the grader left
  a slot idle; at 1, the rest of the shortfall is submissions running slower side by side)
  and the load average when the run ended;
- times stock ``nbgrader autograde`` (one process, sequential, the instructor's usual command)
  on the first ``--stock-count`` submissions, measured, not scaled, and ours with all workers
  on exactly those submissions right after it;
- optionally (``--cluster``) grades on a Dask LocalCluster of 1 and 2 single-threaded workers.

nbgrader's course folder is built once per lab version and cached; the first build is timed
and reported on its own, and every timed run then finds it in the cache, as a second run of
a course would.

Usage: python benchmarks/grader.py [--count 50] [--labs lab1_knn lab4_backprop]
           [--workers 1 2] [--repeats 1] [--stock-count 20] [--cluster]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

from autograder.checks import lab_checks
from autograder.classroom import grade_all
from autograder.course import all_labs, get_lab
from autograder.grade import Grader
from autograder.nbgrader_course import install_source, prepare_course
from autograder.release import build_release
from autograder.samples import make_submission, variants
from autograder.sandbox import isolation
from course_utils.data import BUNDLED_DIR

GOAL_OVERHEAD_S = 0.5
GOAL_VS_STOCK = 3.0
GOAL_EFFICIENCY_2 = 0.9  # 2 workers at least 1.8x one worker


def write_submissions(lab, release: Path, submitted: Path, count: int) -> list[str]:
    kinds = (["solution"] + variants(lab.name, "alternatives") + variants(lab.name, "mutants")
             + ["blank"])
    students = []
    for i in range(count):
        variant = kinds[i % len(kinds)]
        student = f"s{i:03d}"
        folder = submitted / student / lab.name
        folder.mkdir(parents=True)
        for nb in lab.notebooks:
            nbformat.write(make_submission(lab.name, nb.name, variant, release), folder / nb.name)
        students.append(student)
    return students


class SubmissionTimer:
    """Per student: seconds spent in prepare + execute + judge, of which in execute (a
    sandbox slot held), and the student code's own share of the run (``RunRecord.busy``).
    It wraps the real Grader methods for one run."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.running: dict[str, float] = defaultdict(float)
        self.busy: dict[str, float] = defaultdict(float)
        self._saved = {}

    def __enter__(self):
        for name in ("prepare", "execute", "judge"):
            self._saved[name] = original = getattr(Grader, name)
            setattr(Grader, name, self._timed(name, original))
        return self

    def __exit__(self, *exc):
        for name, original in self._saved.items():
            setattr(Grader, name, original)

    def _timed(self, name, original):
        timer = self

        def method(grader, first, *args, **kwargs):
            start = time.perf_counter()
            result = original(grader, first, *args, **kwargs)
            student = first if name == "prepare" else first.student
            timer.seconds[student] += time.perf_counter() - start
            if name == "execute":
                timer.running[student] += time.perf_counter() - start
                if result is not None:
                    timer.busy[student] += result.busy
            return result
        return method

    def overheads(self) -> list[float]:
        return [self.seconds[s] - self.busy.get(s, 0.0) for s in self.seconds]


def reset_peak_memory() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux 4.0+); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def timed_class(lab, submitted: Path, out: Path, workers: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    resettable = reset_peak_memory()
    with SubmissionTimer() as timer:
        started = time.perf_counter()
        grade_all(submitted, lab.name, out, workers=workers)
        total = time.perf_counter() - started
    walls = list(timer.seconds.values())
    # The share of the run's slot-seconds in which a sandbox ran: below 1, the grader itself
    # kept a slot idle (a serial step); at 1, what is left of T1 / (k Tk) is each submission
    # running slower beside the others (cores shared with them and with other jobs).
    occupancy = sum(timer.running.values()) / (workers * total)
    return {"total": total, "median": statistics.median(walls), "p95": p95(walls),
            "overhead": statistics.median(timer.overheads()), "peak_mb": peak_memory_mb(),
            "peak_is_run": resettable, "occupancy": occupancy,
            "load": os.getloadavg()[0]}


def stock_nbgrader(lab, submitted: Path, students: list[str], root: Path) -> float:
    """``nbgrader autograde`` in a course folder holding these students' submissions."""
    install_source(root, lab)
    for student in students:
        shutil.copytree(submitted / student / lab.name, root / "submitted" / student / lab.name)
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    common = [f"--CourseDirectory.root={root}", "--CourseDirectory.course_id=nnlabs",
              f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}"]
    subprocess.run([nbgrader, "generate_assignment", lab.name, "--force", *common],
                   check=True, capture_output=True, cwd=root)
    env = {**os.environ, "NNLABS_DATA": str(BUNDLED_DIR), "NNLABS_OFFLINE": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    proc = subprocess.run([nbgrader, "autograde", lab.name, "--force", "--create", *common,
                           "--ExecutePreprocessor.timeout=600"],
                          capture_output=True, text=True, cwd=root, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(f"   (stock nbgrader exited {proc.returncode}: {proc.stderr.strip()[-300:]})")
    return seconds


def on_cluster(lab, submitted: Path, out: Path, workers: int) -> float:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        started = time.perf_counter()
        grade_all(submitted, lab.name, out, scheduler=cluster.scheduler_address)
        return time.perf_counter() - started


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bench_lab(lab, args, tmp: Path) -> None:
    build_release([lab], tmp / "release")
    students = write_submissions(lab, tmp / "release", tmp / "submitted", args.count)
    started = time.perf_counter()
    prepare_course(tmp / "course-warmup", lab)
    print(f"\n{lab.name}: {len(students)} submissions; nbgrader course folder ready in "
          f"{time.perf_counter() - started:.1f} s (built once per lab version, then cached)")
    runs: dict[int, list[dict]] = {k: [] for k in args.workers}
    for repeat in range(args.repeats):
        order = args.workers if repeat % 2 == 0 else args.workers[::-1]
        for k in order:
            runs[k].append(timed_class(lab, tmp / "submitted", tmp / f"ours{k}", k))
    totals = {k: statistics.median(r["total"] for r in rs) for k, rs in runs.items()}
    one = totals.get(1)
    print(f"  {'workers':>7} {'total s':>8} {'per sub s':>9} {'median s':>8} {'p95 s':>6} "
          f"{'overhead s':>10} {'peak MB':>8} {'efficiency':>10} {'slots busy':>10} "
          f"{'load':>5}")
    for k, rs in runs.items():
        last = rs[-1]
        efficiency = f"{one / (k * totals[k]):10.2f}" if one else f"{'-':>10}"
        print(f"  {k:>7} {totals[k]:8.1f} {totals[k] / len(students):9.3f} "
              f"{statistics.median(r['median'] for r in rs):8.3f} "
              f"{statistics.median(r['p95'] for r in rs):6.3f} "
              f"{statistics.median(r['overhead'] for r in rs):10.3f} "
              f"{max(r['peak_mb'] for r in rs):8.0f}{'' if last['peak_is_run'] else '*'} "
              f"{efficiency} {statistics.median(r['occupancy'] for r in rs):10.2f} "
              f"{statistics.median(r['load'] for r in rs):5.1f}")
    overhead = statistics.median(r["overhead"] for rs in runs.values() for r in rs)
    print(f"  median overhead per submission {overhead:.3f} s; goal < {GOAL_OVERHEAD_S} s: "
          f"{verdict(overhead < GOAL_OVERHEAD_S)}")
    if one and 2 in totals:
        speedup = one / totals[2]
        print(f"  2 workers vs 1: {speedup:.2f}x (efficiency {speedup / 2:.2f}); goal >= "
              f"{2 * GOAL_EFFICIENCY_2:.1f}x: {verdict(speedup >= 2 * GOAL_EFFICIENCY_2)}")
    most = max(args.workers)
    if args.stock_count:
        same = students[: args.stock_count]
        subset = tmp / "stock-submitted"
        for student in same:
            shutil.copytree(tmp / "submitted" / student, subset / student)
        stock = stock_nbgrader(lab, tmp / "submitted", same, tmp / "stock")
        ours = timed_class(lab, subset, tmp / "ours-stock", most)["total"]
        class_per = totals[most] / len(students)
        print(f"  stock nbgrader: {stock:.1f} s for {len(same)} submissions "
              f"({stock / len(same):.2f} s each, measured); ours with {most} workers on the "
              f"same {len(same)}: {ours:.1f} s ({stock / ours:.1f}x faster)")
        print(f"  class: {class_per:.3f} s per submission with {most} workers against stock's "
              f"{stock / len(same):.2f} s: {stock / len(same) / class_per:.1f}x; goal >= "
              f"{GOAL_VS_STOCK}x: {verdict(stock / len(same) / class_per >= GOAL_VS_STOCK)}")
    if args.cluster:
        try:
            times = {k: on_cluster(lab, tmp / "submitted", tmp / f"dask{k}", k) for k in (1, 2)}
        except ImportError:
            print("  Dask cluster: distributed is not installed, skipped")
            return
        for k, seconds in times.items():
            print(f"  Dask LocalCluster, {k} workers: {seconds:7.1f} s, efficiency "
                  f"{times[1] / (k * seconds):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--labs", nargs="*", default=["lab1_knn", "lab4_backprop"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=1,
                        help="class runs per worker count, taking turns (default 1)")
    parser.add_argument("--stock-count", type=int, default=20,
                        help="submissions stock nbgrader grades, timed (0: skip it)")
    parser.add_argument("--cluster", action="store_true", help="also grade on Dask")
    args = parser.parse_args()
    known = {lab.name for lab in all_labs()}
    print(f"grader benchmark: {args.count} submissions per lab, {os.cpu_count()} cores, "
          f"sandbox isolation {isolation()}, load average {os.getloadavg()[0]:.1f} at start")
    print("(per sub s = total / submissions; median, p95 and overhead are per submission: "
          "prepare + run + judge, overhead without the student code's own time; "
          "* = peak over the whole benchmark process, not resettable here)")
    for name in args.labs:
        if name not in known:
            print(f"\n{name}: not in this checkout, skipped")
            continue
        lab = get_lab(name)
        lab_checks(name)
        with tempfile.TemporaryDirectory(prefix="nnlabs-bench-") as tmp:
            bench_lab(lab, args, Path(tmp))
        print(f"  load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
