"""Reading nbgrader notebooks: load them safely and find the solution, graded and answer cells."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .safe_files import read_capped

MAX_NOTEBOOK_BYTES = 64 * 2**20

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


class NotebookError(Exception):
    """A notebook that cannot be read or is not shaped as expected, with the reason."""


@dataclass(frozen=True)
class GradedCell:
    """A test cell worth points: ``name`` is its nbgrader ``grade_id``."""

    name: str
    points: float
    source: str


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse and validate a notebook, turning every failure into one NotebookError line.

    The file is read as data (:func:`autograder.safe_files.read_capped`): a link, a device,
    a FIFO or a file over :data:`MAX_NOTEBOOK_BYTES` raises
    :class:`~autograder.safe_files.UnsafeFile` instead, unread."""
    path = Path(path)
    try:
        text = read_capped(path, MAX_NOTEBOOK_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise NotebookError(f"{path.name} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{path.name} cannot be read: {exc}") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise NotebookError(f"{path.name} is not valid notebook JSON: {_first_line(exc)}") from None
    except Exception as exc:  # nbformat raises several unrelated types on bad structure
        raise NotebookError(f"{path.name} is not a valid notebook: {_first_line(exc)}") from None
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise NotebookError(f"{path.name} is not a valid notebook: {_first_line(exc)}") from None
    return nb


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


_FLAGS = ("solution", "grade", "locked", "task")


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata, safe to read: ``{}`` when the cell has none *or* when it is
    not shaped as nbgrader writes it (:func:`nbgrader_meta_problem` says how). A submission's
    metadata is free-form JSON the student controls, so this is the only way this package
    reads it: ``grade_id`` is then text, ``points`` a finite number, each flag a bool."""
    meta = _raw_meta(cell)
    return meta if isinstance(meta, dict) and not nbgrader_meta_problem(cell) else {}


def nbgrader_meta_problem(cell) -> str:
    """Why a cell's nbgrader metadata cannot be used (then :func:`nbgrader_meta` is ``{}``),
    or ``""`` when it can (or there is none)."""
    meta = _raw_meta(cell)
    if meta is None:
        return ""
    if not isinstance(meta, dict):
        return f"its nbgrader metadata is {type(meta).__name__}, not a mapping"
    grade_id = meta.get("grade_id")
    if grade_id is not None and not isinstance(grade_id, str):
        return f"its grade_id is {type(grade_id).__name__}, not text"
    for flag in _FLAGS:
        if flag in meta and not isinstance(meta[flag], bool):
            return f"its {flag!r} flag is {type(meta[flag]).__name__}, not true or false"
    points = meta.get("points", 0)
    # A JSON integer of hundreds of digits is a Python int that no float can hold.
    if isinstance(points, bool) or not isinstance(points, (int, float)) or \
            not (-1e6 <= points <= 1e6 and math.isfinite(points)):
        return f"its points ({type(points).__name__}) are not a finite number up to a million"
    if not grade_id and any(meta.get(flag) for flag in _FLAGS):
        return "it is marked for grading but has no grade_id"
    return ""


def _raw_meta(cell):
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    return metadata.get("nbgrader") if isinstance(metadata, dict) else None


def solution_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The code cells students write in, keyed by ``grade_id``."""
    return {
        nbgrader_meta(c)["grade_id"]: c
        for c in nb.cells
        if c.cell_type == "code" and nbgrader_meta(c).get("solution")
    }


def answer_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The written answers graded by hand (markdown cells that are both ``solution`` and
    ``grade``), keyed by ``grade_id``."""
    return {
        meta["grade_id"]: c
        for c in nb.cells
        if c.cell_type == "markdown" and (meta := nbgrader_meta(c)).get("solution")
        and meta.get("grade")
    }


def graded_cells(nb) -> list[GradedCell]:
    """The autograded test cells, in notebook order."""
    return [
        GradedCell(meta["grade_id"], float(meta.get("points", 0)), c.source)
        for c in nb.cells
        if (meta := nbgrader_meta(c)).get("grade") and c.cell_type == "code"
    ]


def visible_part(source: str) -> str:
    """A test cell's source as students see it: the hidden-test region removed."""
    kept, hidden = [], False
    for line in source.splitlines():
        if line.strip() == "### BEGIN HIDDEN TESTS":
            hidden = True
        elif line.strip() == "### END HIDDEN TESTS":
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept) + "\n"


def solution_region(source: str) -> str:
    """The text between a cell's solution delimiters (empty when it has none)."""
    _, begin, rest = source.partition(BEGIN_SOLUTION)
    return rest.partition(END_SOLUTION)[0].strip("\n") if begin else ""


def strip_solution_markers(source: str) -> str:
    """Instructor cell source without the nbgrader solution delimiters."""
    lines = [
        line for line in source.splitlines()
        if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)
    ]
    return "\n".join(lines).strip() + "\n"
