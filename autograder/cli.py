"""Command-line interface: argument parsing only; the work happens in the modules it calls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import CourseError
from .lms import FORMATS
from .nbgrader_course import NbgraderFailure
from .notebook import NotebookError
from .safe_files import UnsafeFile
from .safe_text import for_terminal


def build_parser() -> argparse.ArgumentParser:
    called_as = Path(sys.argv[0]).name
    prog = called_as if called_as == "nnlabs-grader" else "python -m autograder"
    parser = argparse.ArgumentParser(
        prog=prog, description="NN Labs for instructors: release, student wheel, grading, "
        "LMS export, self-study checks, demo.")
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
    grade.add_argument("--export", action="append", choices=FORMATS, default=[],
                       help="also write OUT/<canvas|moodle>.csv, the LMS's grade-import file "
                       "(repeat for both)")

    similar = sub.add_parser("similar", help="rank pairs of submissions that share code, per "
                             "graded function (similarity.csv and similarity.html)")
    similar.add_argument("submitted", type=Path, help="folder with one sub-folder per student")
    similar.add_argument("--lab", required=True, help="lab folder name, e.g. lab1_knn")
    similar.add_argument("--out", type=Path, default=Path("."),
                         help="where the report and its fingerprint cache go (default: .)")
    similar.add_argument("--workers", type=int, default=None,
                         help="processes reading submissions (default: all cores)")
    similar.add_argument("--min-score", type=float, default=0.2,
                         help="pairs scoring below this are left out of the CSV (default: 0.2)")
    similar.add_argument("--top", type=int, default=50,
                         help="pairs shown side by side in the HTML page (default: 50)")

    export = sub.add_parser("export", help="one LMS grade-import file from several labs' "
                            "grades.csv (one column per lab)")
    export.add_argument("format", choices=FORMATS)
    export.add_argument("grades", type=Path, nargs="+", help="grades.csv files of `grade`")
    export.add_argument("--out", type=Path, required=True, help="the file to write")

    check = sub.add_parser("check", help="run the hidden tests on your own notebook, or on "
                           "every lab in a folder with a progress table")
    check.add_argument("notebook", type=Path, nargs="?", default=Path("."),
                       help="your copy of a lab notebook, or your labs folder (default: .)")
    check.add_argument("--lab", default=None,
                       help="lab folder name (default: the notebook's folder name)")
    check.add_argument("--more", action="store_true",
                       help="also show the likely mistake behind each failing hidden case")
    check.add_argument("--answers", action="store_true",
                       help="then the model answers and rubrics of the written questions, "
                       "beside your own answers")

    dist = sub.add_parser("dist", help="build the student wheel nnlabs-student (labs/ and "
                          "course_utils, no answers)")
    dist.add_argument("--out", type=Path, default=Path("dist"),
                      help="folder for the wheel (default: dist/)")

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
    except (CourseError, NotebookError, NbgraderFailure, UnsafeFile) as exc:
        print(f"error: {for_terminal(exc)}", file=sys.stderr)
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
        from .handback import hand_back
        from .report import summary_table
        from .sandbox import Limits, describe
        from .written import awaiting_manual_grades

        limits = Limits(**{k: v for k, v in (("cell_seconds", args.cell_timeout),
                                              ("memory_gb", args.memory_gb)) if v is not None})
        print(f"sandbox isolation: {describe()}", flush=True)
        rows = grade_all(args.submitted, args.lab, args.out, progress=True,
                         workers=args.workers, scheduler=args.scheduler, limits=limits)
        written = hand_back(rows, args.submitted, args.lab, args.out, args.export)
        print(summary_table(rows))
        print("wrote " + ", ".join(map(str, written)))
        print(awaiting_manual_grades(args.lab, args.out))
        return 0
    if args.command == "export":
        from .lms import export
        from .report import read_csv

        try:
            rows = [row for path in args.grades for row in read_csv(path)]
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise CourseError(f"cannot read the grades ({type(exc).__name__}: {exc}): give "
                              "grades.csv files written by `grade`") from None
        print(f"wrote {export(rows, args.format, args.out)}")
        return 0
    if args.command == "similar":
        from .similarity.run import similar_command

        return similar_command(args.submitted, args.lab, args.out, args.workers, args.min_score,
                               args.top)
    if args.command == "check":
        from .selfcheck import check_folder, check_notebook

        if args.notebook.is_dir():
            return check_folder(args.notebook, more=args.more, answers=args.answers)
        return check_notebook(args.notebook, args.lab, more=args.more, answers=args.answers)
    if args.command == "dist":
        from .distribution import build_student_wheel

        print(f"wrote {build_student_wheel(args.out)}")
        return 0
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
