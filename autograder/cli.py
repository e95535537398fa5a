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

    demo = sub.add_parser("demo", help="release, sample submissions, grading, on bundled data")
    demo.add_argument("--out", type=Path, default=Path("demo-output"))
    demo.add_argument("--lab", default="lab1_knn")
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
        from .grade import grade_all
        from .report import summary_table, write_csv, write_feedback

        rows = grade_all(args.submitted, args.lab, args.out,
                         progress=lambda s: print(f"grading {s}", flush=True))
        write_csv(rows, args.out / "grades.csv")
        write_feedback(rows, args.out / "feedback")
        print(summary_table(rows))
        print(f"wrote {args.out / 'grades.csv'} and {args.out / 'feedback'}")
        return 0
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.out, args.lab)
    raise AssertionError(args.command)
