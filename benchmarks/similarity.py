"""Benchmark: ``python -m autograder similar`` on a synthetic class of one lab.

It writes N submissions cycling through the solution, the correct alternatives, every known
mistake and the blank release, each with its local names renamed per student (so no two
texts are equal and every notebook is read and fingerprinted), then times, in this process:

- a cold run (empty fingerprint cache): reading, fingerprinting on ``--workers`` processes,
  scoring every unit, writing the CSV and the HTML page; the median of ``--repeats`` runs;
- a warm run (every fingerprint cached, as when ``similar`` is rerun after a few late
  hand-ins): only scoring and writing.

The class is a hard case for the pair bound: about N / 20 students share each version of
each function, so the inverted index holds many fingerprints just under the common cut.
The machine may be shared with other jobs: the figures are wall times, medians of repeats.

Usage: python benchmarks/similarity.py [--count 500] [--lab lab1_knn] [--workers 2]
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.course import LABS_DIR, get_lab
from autograder.notebook import solution_cells
from autograder.samples import make_submission, variants
from autograder.similarity.report import write_csv, write_html
from autograder.similarity.run import compare_class


class _Rename(ast.NodeTransformer):
    """Local names get a per-student suffix (graded names and ``np`` stay)."""

    def __init__(self, suffix: str, keep: set[str]):
        self.suffix, self.keep = suffix, keep

    local: dict[str, str] = {}  # the names bound in the function being visited

    def visit_Name(self, node):
        node.id = self.local.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.local.get(node.arg, node.arg)
        return node

    def visit_FunctionDef(self, node):
        self.local = {}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                name = inner.id
            elif isinstance(inner, ast.arg) and inner.arg != "self":
                name = inner.arg
            else:
                continue
            if name not in self.keep:
                self.local[name] = name + self.suffix
        self.generic_visit(node)
        return node


def write_class(lab_name: str, submitted: Path, count: int) -> None:
    lab = get_lab(lab_name)
    kinds = (["solution"] + variants(lab_name, "alternatives") + variants(lab_name, "mutants")
             + ["blank"])
    for i in range(count):
        folder = submitted / f"s{i:03d}" / lab_name
        folder.mkdir(parents=True)
        for nb in lab.notebooks:
            notebook = make_submission(lab_name, nb.name, kinds[i % len(kinds)], LABS_DIR)
            for cell in solution_cells(notebook).values():
                try:
                    tree = ast.parse(cell.source)
                except SyntaxError:
                    continue
                cell.source = ast.unparse(_Rename(f"_{i}", {"np"}).visit(tree)) + "\n"
            nbformat.write(notebook, folder / nb.name)


def run(submitted: Path, out: Path, lab_name: str, workers: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (this process and its worker processes) and pairs found."""
    cpu, started = _cpu_seconds(), time.perf_counter()
    found = compare_class(submitted, lab_name, out, workers=workers, min_score=0.2)
    write_csv(found, out / "similarity.csv")
    write_html(found, out / "similarity.html")
    return time.perf_counter() - started, _cpu_seconds() - cpu, len(found.pairs)


def _cpu_seconds() -> float:
    # the pool's workers have exited when compare_class returns, so RUSAGE_CHILDREN has them
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--lab", default="lab1_knn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        submitted = Path(tmp) / "submitted"
        write_class(args.lab, submitted, args.count)
        load = os.getloadavg()[0]
        cold = [run(submitted, Path(tmp) / f"out{repeat}", args.lab, args.workers)
                for repeat in range(args.repeats)]
        warm = [run(submitted, Path(tmp) / "out0", args.lab, args.workers)
                for _ in range(args.repeats)]
        shutil.rmtree(submitted)
    print(f"{args.lab}: {args.count} submissions, {args.workers} workers, {os.cpu_count()} "
          f"cores on this machine, shared with other jobs (1-minute load {load:.1f} at start)")
    for name, runs in (("cold run (read, fingerprint, score, write)", cold),
                       ("warm run (fingerprints cached)", warm)):
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        print(f"{name}: median {statistics.median(walls):.1f} s wall "
              f"({', '.join(f'{w:.1f}' for w in walls)}), {statistics.median(cpus):.1f} s CPU")
    print(f"pairs scoring 0.2 or more: {cold[0][2]}")


if __name__ == "__main__":
    main()
