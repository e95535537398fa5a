"""A class's hand-ins as data: the student folders, their data files and their fingerprints.

Nothing here runs or interprets student code; it only lists and reads what was handed in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from .course import CourseError

MAX_SUBMISSION_BYTES = 200 * 2**20
_SAFE_STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


def student_folders(submitted_dir: Path, lab_name: str) -> Iterator[tuple[str, Path]]:
    """``(student, folder)`` for every student directory, in name order."""
    submitted_dir = Path(submitted_dir)
    if not submitted_dir.is_dir():
        raise CourseError(f"no submissions folder at {submitted_dir}")
    for entry in sorted(submitted_dir.iterdir()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        if not _SAFE_STUDENT.match(entry.name):
            raise CourseError(f"student folder name {entry.name!r} is not a safe student id")
        yield entry.name, entry / lab_name


def data_files(folder: Path, notes: list[str]) -> dict[str, Path]:
    """The submission's other files (saved models), regular files only, size-capped; what is
    left out is said in ``notes``."""
    files, total = {}, 0
    if not folder.is_dir():
        return files
    for path in sorted(folder.iterdir()):
        if path.suffix == ".ipynb" or path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        if total + size > MAX_SUBMISSION_BYTES:
            notes.append(f"{path.name} was left out: the submission is over "
                         f"{MAX_SUBMISSION_BYTES // 2**20} MB")
            continue
        files[path.name] = path
        total += size
    return files


def read_files(files: dict[str, Path]) -> dict[str, bytes]:
    """The contents of :func:`data_files`' files, read when the job is about to run."""
    return {name: path.read_bytes() for name, path in files.items()}


def fingerprint(version: str, folder: Path) -> str:
    """A digest of ``version`` and every regular file under ``folder`` (names and bytes)."""
    digest = hashlib.sha256(version.encode())
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
