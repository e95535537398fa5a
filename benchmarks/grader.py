"""Benchmark: our sandboxed grader against stock ``nbgrader autograde`` on the same files.

For each lab (Lab 1 and Lab 2 by default) it writes N submissions cycling through the
solution, the correct alternatives, every known mistake and the blank release, then times:

- ours with 1 worker (per submission: wall time, and the overhead beyond the student code's
  own run time: process start, sandbox, data transfer, judging);
- ours with all cores (``--workers``), every protection on;
- stock ``nbgrader autograde`` (one process, sequential, the instructor's usual command) on the
  first ``--stock-count`` submissions, scaled linearly to N because it grades one after
  another (say so in the output);
- ours on a Dask LocalCluster of 1, 2 and 4 single-threaded workers, with scaling efficiency
  T1 / (k * Tk).

Usage: python benchmarks/grader.py [--count 50] [--stock-count 5] [--labs lab1_knn lab2_linear]
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
from pathlib import Path

import nbformat

from autograder.checks import lab_checks
from autograder.classroom import grade_all
from autograder.course import all_labs, get_lab
from autograder.grade import Grader
from autograder.nbgrader_course import install_source
from autograder.release import build_release
from autograder.samples import make_submission, variants
from course_utils.data import BUNDLED_DIR


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


def ours_one_worker(lab, submitted: Path, out: Path) -> tuple[float, list[float], list[float]]:
    started = time.perf_counter()
    grader = Grader(lab.name, out, hide=[submitted])
    walls, overheads = [], []
    for student in sorted(os.listdir(submitted)):
        t0 = time.perf_counter()
        prepared = grader.prepare(student, submitted / student / lab.name)
        record = grader.execute(prepared, slot=0)
        grader.judge(prepared, record)
        wall = time.perf_counter() - t0
        walls.append(wall)
        overheads.append(wall - (record.busy if record else 0.0))
    return time.perf_counter() - started, walls, overheads


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--stock-count", type=int, default=5)
    parser.add_argument("--labs", nargs="*", default=["lab1_knn", "lab2_linear"])
    parser.add_argument("--no-cluster", action="store_true")
    args = parser.parse_args()
    known = {lab.name for lab in all_labs()}
    cores = os.cpu_count() or 1
    print(f"grader benchmark: {args.count} submissions per lab, {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start")
    for name in args.labs:
        if name not in known:
            print(f"\n{name}: not in this checkout, skipped")
            continue
        lab = get_lab(name)
        lab_checks(name)
        with tempfile.TemporaryDirectory(prefix="nnlabs-bench-") as tmp:
            tmp = Path(tmp)
            build_release([lab], tmp / "release")
            students = write_submissions(lab, tmp / "release", tmp / "submitted", args.count)
            print(f"\n{name}: {len(students)} submissions")
            one_total, walls, overheads = ours_one_worker(lab, tmp / "submitted", tmp / "one")
            print(f"  ours, 1 worker:        {one_total:7.1f} s total, per submission median "
                  f"{statistics.median(walls):.2f} s, overhead median "
                  f"{statistics.median(overheads):.3f} s (max {max(overheads):.3f} s)")
            started = time.perf_counter()
            grade_all(tmp / "submitted", name, tmp / "all", workers=cores)
            all_total = time.perf_counter() - started
            print(f"  ours, {cores} workers:       {all_total:7.1f} s total "
                  f"({all_total / len(students):.2f} s per submission)")
            stock_students = students[: args.stock_count]
            stock = stock_nbgrader(lab, tmp / "submitted", stock_students, tmp / "stock")
            per = stock / len(stock_students)
            scaled = per * len(students)
            print(f"  stock nbgrader:        {stock:7.1f} s for {len(stock_students)} "
                  f"submissions ({per:.2f} s each), scaled to {len(students)}: {scaled:.0f} s")
            print(f"  speed-up, all cores vs stock (scaled): {scaled / all_total:.1f}x; "
                  f"1 worker vs stock: {scaled / one_total:.1f}x")
            if not args.no_cluster:
                try:
                    times = {k: on_cluster(lab, tmp / "submitted", tmp / f"dask{k}", k)
                             for k in (1, 2, 4)}
                except ImportError:
                    print("  Dask cluster: distributed is not installed, skipped")
                    continue
                for k, seconds in times.items():
                    print(f"  Dask LocalCluster, {k} workers: {seconds:7.1f} s, efficiency "
                          f"{times[1] / (k * seconds):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
