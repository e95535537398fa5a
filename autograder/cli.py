"""Command-line interface: argument parsing only; the work happens in the modules it calls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import CourseError
from .nbgrader_course import NbgraderFailure
from .notebook import NotebookError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rel = sub.add_parser("release", help="rebuild labs/ (the student release) from solutions/")
    rel.add_argument("labs", nargs="*", help="lab folder names (default: all)")
    rel.add_argument("--check", action="store_true",
                     help="only report whether labs/ matches a fresh build (exit 1 if not)")

    grade = sub.add_parser("grade", help="autograde submissions SUBMITTED/<student>/<lab>/*.ipynb")
    grade.add_argument("submitted", type=Path, help="folder with one sub-folder per student")
    grade.add_argument("--lab", required=True, help="lab folder name, e.g. lab1_knn")
    grade.add_argument("--out", type=Path, default=Path("."),
                       help="where grades.csv, feedback/ and the nbgrader course go (default: .)")
    grade.add_argument("--workers", type=int, default=None,
                       help="submissions graded at once on this machine (default: all cores)")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run the sandboxes on this Dask distributed scheduler instead")
    grade.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                       help="limit for one solution cell or one hidden test (default: 60)")
    grade.add_argument("--memory-gb", type=float, default=None,
                       help="address-space limit of a submission's process (default: 4)")

    check = sub.add_parser("check", help="run a lab's hidden tests on your own notebook")
    check.add_argument("notebook", type=Path, help="your copy of a lab notebook")
    check.add_argument("--lab", default=None,
                       help="lab folder name (default: the notebook's folder name)")

    points = sub.add_parser("points", help="check (or --write) the points tables generated "
                            "from the notebooks' metadata, in notebooks and docs/")
    points.add_argument("--write", action="store_true",
                        help="rewrite stale tables (then run release for labs/)")

    demo = sub.add_parser("demo", help="release, sample submissions, grading, on bundled data")
    demo.add_argument("--out", type=Path, default=Path("demo-output"))
    demo.add_argument("--lab", default="all", help="one lab folder name (default: every lab)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (CourseError, NotebookError, NbgraderFailure) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "release":
        from .release import release, stale_files

        if args.check:
            stale = stale_files()
            print("labs/ is up to date" if not stale else "labs/ differs from a fresh build: "
                  + ", ".join(stale))
            return 1 if stale else 0
        for folder in release(args.labs):
            print(f"wrote {folder}")
        return 0
    if args.command == "grade":
        from .classroom import grade_all
        from .report import summary_table, write_csv, write_feedback
        from .sandbox import Limits, isolation

        limits = Limits(**{k: v for k, v in (("cell_seconds", args.cell_timeout),
                                              ("memory_gb", args.memory_gb)) if v is not None})
        print(f"sandbox isolation: {isolation()}", flush=True)
        rows = grade_all(args.submitted, args.lab, args.out, progress=True,
                         workers=args.workers, scheduler=args.scheduler, limits=limits)
        write_csv(rows, args.out / "grades.csv")
        write_feedback(rows, args.out / "feedback")
        print(summary_table(rows))
        print(f"wrote {args.out / 'grades.csv'} and {args.out / 'feedback'}")
        return 0
    if args.command == "check":
        from .selfcheck import check_notebook

        return check_notebook(args.notebook, args.lab)
    if args.command == "points":
        from .points import stale

        changed = stale(write=args.write)
        for path in changed:
            print(f"{'rewrote' if args.write else 'stale'}: {path}")
        if args.write and changed:
            print("now run: python -m autograder release")
        return 1 if changed and not args.write else 0
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.out, args.lab)
    raise AssertionError(args.command)
