"""The ``nnlabs`` command: a student's way in (``start``, ``data``, ``check``).

- ``nnlabs start [FOLDER]`` copies the released labs into FOLDER (default ``nnlabs-labs``),
  never over a file that is already there, and opens JupyterLab on it with the course kernel
  and nbgrader's Validate (:mod:`course_utils.jupyter`).
- ``nnlabs data`` downloads the full CIFAR-10 and MNIST into the cache the loaders read, with
  a progress bar; without it the labs run offline on the bundled subset.
- ``nnlabs check [FOLDER]`` reports progress on every lab in FOLDER. With the self-study
  install (a checkout of the course repository) it runs the hidden tests, and with
  ``--answers`` shows the model answers of the written questions; the student install holds
  neither, so there it runs each notebook's visible checks, as Validate does.

It needs nothing from the instructor's ``autograder`` package, which the student install does
not contain.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import shutil
import sys
from pathlib import Path

from . import jupyter
from .progress import PROGRESS_FILE

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_FOLDER = "nnlabs-labs"
_SKIP = {"__pycache__", ".ipynb_checkpoints", PROGRESS_FILE}  # a learner's state, not the labs
# The student install holds no model answers (they would answer the graded written questions);
# the self-study install, a checkout of the course repository, shows them (autograder.written).
NO_MODEL_ANSWERS = ("The model answers to the written questions are not in the student "
                    "install: your course grades those answers by hand and may share them "
                    "afterwards. (In the self-study install, a checkout of the course "
                    "repository, `nnlabs check --answers` shows them.)")


class StartError(Exception):
    """A problem that stops ``nnlabs`` before it changes anything, explained in one line."""


def release_dir() -> Path:
    """The released labs: package data in the student install, ``labs/`` in a checkout."""
    for candidate in (PACKAGE_DIR / "labs", PACKAGE_DIR.parent / "labs"):
        if candidate.is_dir() and any(candidate.glob("lab*/*.ipynb")):
            return candidate
    raise StartError("the released labs are not installed: reinstall nnlabs-student")


def copy_labs(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """Copy every file of ``source`` into ``target``; a file (or link) already at a place is
    kept as it is. Returns the relative paths copied and those kept."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise StartError(f"{target} exists and is not a folder: choose another FOLDER")
    copied, kept = [], []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if not path.is_file() or _SKIP & set(rel.parts):
            continue
        dest = target / rel
        if _blocked(target, dest):
            kept.append(str(rel))
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("rb") as src, dest.open("xb") as out:  # "x": never overwrite
                shutil.copyfileobj(src, out)
        except FileExistsError:
            kept.append(str(rel))
            continue
        copied.append(str(rel))
    return copied, kept


def _blocked(root: Path, dest: Path) -> bool:
    """True when ``dest`` or a folder on the way to it already exists as something we must
    not write through: a file, or a link (links are never followed)."""
    here = root
    for part in dest.relative_to(root).parts[:-1]:
        here = here / part
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            return True
    return dest.is_symlink() or dest.exists()


def start(args) -> int:
    target = Path(args.folder).expanduser().absolute()
    copied, kept = copy_labs(release_dir(), target)
    print(f"labs in {target}: {len(copied)} file(s) copied", flush=True)
    for rel in kept:
        print(f"  kept your {rel} (already there, not overwritten)")
    setup = jupyter.write_student_config(target, args.config_dir, exchange=args.exchange,
                                         course_id=args.course)
    extra = ["--no-browser"] if args.no_browser else []
    command = jupyter.lab_command(setup, [*extra, *args.jupyter_args])
    env = setup.environment()
    if args.dry_run:
        print("would run: " + " ".join(f"{n}={shlex.quote(env[n])}"
                                       for n in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH")))
        print("  " + shlex.join(command))
        return 0
    print(f"JupyterLab on {target} (course {setup.course_id}, exchange {setup.exchange})",
          flush=True)
    os.execvpe(command[0], command, env)
    return 0  # not reached


def data(args) -> int:
    from . import data as datasets

    cache = Path(args.cache) if args.cache else datasets.default_cache_dir()
    wanted = args.datasets or ["cifar10", "mnist"]
    sizes = {"cifar10": "163 MB", "mnist": "11 MB"}
    for name in wanted:
        print(f"{name}: downloading {sizes[name]} into {cache} (a file whose hash matches "
              "is kept, not fetched again)", flush=True)
        try:
            if name == "cifar10":
                datasets.download_cifar10(cache, verbose=True)
            else:
                datasets.download_mnist(cache, verbose=True)
        except datasets.DataError as exc:
            raise StartError(f"{name}: {exc}; the labs still run on the bundled subset"
                             ) from None
    hint = "" if not args.cache else f" (set NNLABS_CACHE={cache} for the labs to find it)"
    print(f"done: load_cifar10() and load_mnist() now read the full data sets{hint}")
    return 0


def check(args) -> int:
    folder = _labs_folder(Path(args.folder).expanduser().absolute())
    if _has_hidden_tests():
        from autograder.course import CourseError
        from autograder.notebook import NotebookError
        from autograder.selfcheck import check_folder

        try:
            return check_folder(folder, more=args.more, answers=args.answers)
        except (CourseError, NotebookError) as exc:
            raise StartError(str(exc)) from None
    from .visible import check_visible

    status = check_visible(folder)
    if args.answers:
        print("\n" + NO_MODEL_ANSWERS)
    return status


def _labs_folder(folder: Path) -> Path:
    """``folder``, or the labs folder inside it (``labs/`` of a checkout, ``nnlabs-labs/`` of
    ``nnlabs start``) when it holds no lab of its own."""
    def has_labs(path: Path) -> bool:
        return any(p.is_dir() for p in path.glob("lab[0-9]*_*")) or (
            path.name.startswith("lab") and any(path.glob("*.ipynb")))

    if not has_labs(folder):
        for inner in (folder / "labs", folder / DEFAULT_FOLDER):
            if has_labs(inner):
                print(f"checking the labs in {inner}")
                return inner
    return folder


def _has_hidden_tests() -> bool:
    """True in the self-study install: the course repository's grader is importable."""
    return importlib.util.find_spec("autograder") is not None and (
        PACKAGE_DIR.parent / "solutions").is_dir()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnlabs", description="NN Labs for students. With start, arguments after `--` "
        "go to jupyter lab (e.g. nnlabs start -- --port 9999).")
    sub = parser.add_subparsers(dest="command", required=True)
    st = sub.add_parser("start", help="copy the labs into FOLDER and open them in JupyterLab")
    st.add_argument("folder", nargs="?", default=DEFAULT_FOLDER,
                    help=f"your labs folder (default: ./{DEFAULT_FOLDER}); files already "
                    "there are never overwritten")
    st.add_argument("--no-browser", action="store_true",
                    help="start JupyterLab without opening a browser (it prints the URL)")
    st.add_argument("--dry-run", action="store_true",
                    help="copy the labs and write the configuration, then print the "
                    "JupyterLab command instead of running it")
    st.add_argument("--exchange", type=Path, default=None,
                    help="your course's nbgrader exchange folder (default $NNLABS_EXCHANGE)")
    st.add_argument("--course", default=None, help="your course's nbgrader id")
    st.add_argument("--config-dir", type=Path, default=None, help=argparse.SUPPRESS)
    da = sub.add_parser("data", help="download the full CIFAR-10 and MNIST (optional)")
    da.add_argument("datasets", nargs="*", choices=["cifar10", "mnist"],
                    help="which (default: both)")
    da.add_argument("--cache", default=None,
                    help="download folder (default: $NNLABS_CACHE or your cache folder)")
    ch = sub.add_parser("check", help="progress on every lab in FOLDER")
    ch.add_argument("folder", nargs="?", default=".", help="your labs folder (default: .)")
    ch.add_argument("--more", action="store_true",
                    help="also show the likely mistake behind each failing hidden case")
    ch.add_argument("--answers", action="store_true",
                    help="then the written questions' model answers and rubrics, beside "
                    "your answers (self-study install only)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    args = build_parser().parse_args(argv[:cut])
    args.jupyter_args = argv[cut + 1:]
    commands = {"start": start, "data": data, "check": check}
    try:
        return commands[args.command](args)
    except StartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
