"""A class's hand-ins as data: the student folders, their data files and their fingerprints.

Nothing here runs or interprets student code; it only lists and reads what was handed in,
through :mod:`autograder.safe_files` (no links, regular files only, size caps).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .course import CourseError
from .safe_files import UnsafeFile, checked_size, digest_capped, is_real_folder, read_capped

MAX_FILE_BYTES = 64 * 2**20  # one data file (a saved model) or one notebook
MAX_SUBMISSION_BYTES = 200 * 2**20  # all of a submission's data files together
MAX_ENTRIES = 2000  # files and folders a fingerprint looks at
MAX_STUDENT_ID_CHARS = 100


def student_folders(submitted_dir: Path, lab_name: str) -> Iterator[tuple[str, Path, str]]:
    """``(student, folder, problem)`` for every student directory, in name order.

    ``problem`` is empty for a folder that can be graded, else why not (that student's
    error row): a link instead of a folder, or a name that cannot be a student id."""
    submitted_dir = Path(submitted_dir)
    if not submitted_dir.is_dir():
        raise CourseError(f"no submissions folder at {submitted_dir}")
    for entry in sorted(submitted_dir.iterdir()):
        if entry.name.startswith(".") or not (entry.is_dir() or entry.is_symlink()):
            continue
        student, folder = display_id(entry.name), entry / lab_name
        problem = student_id_problem(entry.name)
        if not problem and not is_real_folder(entry):
            problem = f"the student folder {student!r} is a link, not a folder"
        if not problem and os.path.lexists(folder) and not is_real_folder(folder):
            problem = f"{lab_name} in the student folder is a link or a file, not a folder"
        yield student, folder, problem


def display_id(name: str) -> str:
    """The folder name as a student id: undecodable bytes shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def student_id_problem(name: str) -> str:
    """Why a folder name cannot be a student id (nbgrader's ids are folder names: any text
    without a path separator), or ``""``; spaces and non-ASCII letters are fine."""
    shown = display_id(name)
    if shown != name:
        return f"the student folder name {shown!r} is not valid UTF-8"
    if name in (".", "..") or "/" in name or "\\" in name:
        return f"the student folder name {name!r} is not a plain name"
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        return f"the student folder name {name!r} contains control characters"
    if len(name) > MAX_STUDENT_ID_CHARS or name != name.strip():
        return f"the student folder name {name!r} is too long or starts or ends with a space"
    return ""


def data_files(folder: Path, notes: list[str], invalid: list[str]) -> dict[str, Path]:
    """The submission's other files (saved models): regular files, each and all together
    size-capped. A link, device, FIFO or oversized file goes into ``invalid`` (the
    submission's outcome names it) and is left out; folders are ignored with a note."""
    files, total = {}, 0
    if not is_real_folder(folder):
        return files
    for path in sorted(folder.iterdir())[:MAX_ENTRIES]:
        if path.suffix == ".ipynb" or path.name.startswith("."):
            continue
        if is_real_folder(path):
            notes.append(f"the folder {path.name!r} was left out (hand in files only)")
            continue
        try:
            size = checked_size(path, MAX_FILE_BYTES)
        except UnsafeFile as exc:
            invalid.append(str(exc))
            continue
        if total + size > MAX_SUBMISSION_BYTES:
            invalid.append(f"{path.name} was left out: the data files are over "
                           f"{MAX_SUBMISSION_BYTES // 2**20} MB together")
            continue
        files[path.name] = path
        total += size
    return files


def read_files(files: dict[str, Path]) -> dict[str, bytes]:
    """The contents of :func:`data_files`' files, read (again safely) when the job is about
    to run. A file replaced by a link or grown past the cap since is left out."""
    contents = {}
    for name, path in files.items():
        try:
            contents[name] = read_capped(path, MAX_FILE_BYTES)
        except (UnsafeFile, OSError):
            continue
    return contents


def fingerprint(version: str, folder: Path) -> str:
    """A digest of ``version`` and of what is under ``folder`` (names, and the bytes of
    regular files up to :data:`MAX_FILE_BYTES` each, read in chunks; links and other files
    by their metadata). Links are not followed; at most :data:`MAX_ENTRIES` entries."""
    digest = hashlib.sha256(version.encode())
    folders = [Path(folder)] if is_real_folder(folder) else []
    entries = 0
    while folders and entries < MAX_ENTRIES:  # a stack, not recursion: any depth is fine
        current = folders.pop()
        for path in sorted(current.iterdir(), reverse=True)[: MAX_ENTRIES - entries]:
            entries += 1
            digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
            if is_real_folder(path):
                folders.append(path)
            else:
                digest.update(digest_capped(path, MAX_FILE_BYTES))
    return digest.hexdigest()
