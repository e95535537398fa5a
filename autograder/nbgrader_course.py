"""An nbgrader course directory that this package lays out and drives through nbgrader's API.

nbgrader expects ``source/<lab>``, ``submitted/<student>/<lab>`` and a gradebook under one
root. Our repository keeps ``solutions/`` and ``labs/`` instead, so each command builds such
a root (a temporary one for the release, a kept one beside the grades) and points nbgrader at it.
nbgrader builds the release and keeps the gradebook; it never runs student code here (that is
the sandboxed engine's job, :mod:`autograder.grade`).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import warnings
from pathlib import Path

from traitlets.config import Config

from course_utils.progress import PROGRESS_FILE

from .course import Lab

# Never copied into a release or the student wheel: caches, and what a reader working in
# labs/ leaves there (notebook checkpoints, the self-study progress file).
COPY_IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc",
                                     PROGRESS_FILE)


class NbgraderFailure(Exception):
    """nbgrader reported a failure; the message carries the last lines of its log."""


def make_api(root: Path, course_id: str = "nnlabs"):
    """An ``NbGraderAPI`` over ``root`` with its gradebook at ``root/gradebook.db``."""
    _put_environment_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # nbgrader 0.9 triggers SQLAlchemy's autoflush warnings on every autograde; they are noise.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _put_environment_on_path() -> None:
    # nbgrader runs the `alembic` script by name; a venv used without activation lacks it.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def install_source(root: Path, lab: Lab) -> None:
    """Copy the instructor notebooks of ``lab`` into ``root/source/<lab>``."""
    target = root / "source" / lab.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(lab.source_dir, target, ignore=COPY_IGNORE)


def generate(api, root: Path, lab: Lab) -> Path:
    """Run ``generate_assignment`` (student version + gradebook entries); return its folder."""
    install_source(root, lab)
    result = api.generate_assignment(lab.name, force=True, create=True)
    if not result.get("success"):
        raise NbgraderFailure(f"nbgrader could not generate {lab.name}: {_tail(result)}")
    return root / "release" / lab.name


def _tail(result: dict) -> str:
    text = (result.get("error") or "") + (result.get("log") or "")
    return " | ".join(text.strip().splitlines()[-3:])
