"""An nbgrader course directory that this package lays out and drives through nbgrader's API.

nbgrader expects ``source/<lab>``, ``submitted/<student>/<lab>`` and a gradebook under one
root. Our repository keeps ``solutions/`` and ``labs/`` instead, so each command builds such
a root (a temporary one for the release, a kept one beside the grades) and points nbgrader at it.
nbgrader builds the release and keeps the gradebook; it never runs student code here (that is
the sandboxed engine's job, :mod:`autograder.grade`).

Building the grading course folder runs nbgrader (and its database migrations), seconds of
work that would otherwise be repeated on every run: :func:`prepare_course` does it once per
version of a lab, keeping built folders in a per-user cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from traitlets.config import Config

from course_utils.progress import PROGRESS_FILE

from .course import Lab

# Never part of a lab's source, a release or the student wheel: caches, and what a reader
# working in labs/ leaves there (notebook checkpoints, the self-study progress file).
IGNORED = (".ipynb_checkpoints", "__pycache__", "*.pyc", PROGRESS_FILE)
COPY_IGNORE = shutil.ignore_patterns(*IGNORED)


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
    """Copy the instructor notebooks of ``lab`` into ``root/source/<lab>``: only the
    notebooks, since the lab's folder also holds its hidden checks and mutants."""
    target = root / "source" / lab.name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for notebook in lab.notebooks:
        shutil.copy2(notebook, target / notebook.name)


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


def prepare_course(root: Path, lab: Lab, course_id: str = "nnlabs") -> Path:
    """nbgrader's course folder at ``root`` for grading ``lab``: the lab's source, its release
    and a gradebook that knows its graded cells. Returns the release folder.

    Nothing is rebuilt when ``root`` was already prepared from the same version of the lab
    (same files, same nbgrader). A gradebook that exists is updated in place (it may hold
    other labs and grades entered in formgrader); a new one is copied from the per-user
    cache of built courses (:func:`_cached_course`), built there on first use.
    """
    root = Path(root)
    key = course_key(lab, course_id)
    stamp = root / f".nnlabs-course-{lab.name}"
    release = root / "release" / lab.name
    gradebook = root / "gradebook.db"
    try:
        if stamp.read_text() == key and release.is_dir() and gradebook.is_file():
            return release
    except OSError:
        pass
    root.mkdir(parents=True, exist_ok=True)
    cached = None if gradebook.exists() else _cached_course(lab, course_id, key)
    if cached is not None:
        shutil.copytree(cached, root, dirs_exist_ok=True)
    else:
        generate(make_api(root, course_id), root, lab)
    stamp.write_text(key)
    return release


def course_key(lab: Lab, course_id: str) -> str:
    """A digest of everything a built course folder depends on: the lab's notebooks (names
    and bytes), the course id and nbgrader's version."""
    from nbgrader import __version__ as nbgrader_version

    digest = hashlib.sha256(f"{nbgrader_version}\0{course_id}\0".encode())
    for path in lab.notebooks:
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _cached_course(lab: Lab, course_id: str, key: str) -> Path | None:
    """The built course folder for ``key`` in the user's cache (``$XDG_CACHE_HOME/nnlabs`` or
    ``~/.cache/nnlabs``), built on first use; None if the cache cannot be written (the caller
    builds in place). Built in a private folder and renamed into place, so concurrent runs
    never see half a course."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = base / "nnlabs" / "nbgrader-courses"
    built = cache / key
    if (built / "gradebook.db").is_file():
        return built
    try:
        cache.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache))
        building.chmod(0o755)  # mkdtemp's 0700 would be copied onto every course folder
    except OSError:
        return None
    try:
        generate(make_api(building, course_id), building, lab)
        os.rename(building, built)
    except OSError:  # another run finished the same course first: use theirs
        shutil.rmtree(building, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return built if (built / "gradebook.db").is_file() else None
