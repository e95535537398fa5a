"""Grade-import files for learning management systems: one row per student, one column per lab.

- **Canvas** (Gradebook > Import): the layout of Canvas's own gradebook export, which is what
  its import reads: the columns ``Student, ID, SIS User ID, SIS Login ID, Section`` and then
  one column per assignment, and a ``Points Possible`` row under the header. Canvas matches a
  row to a student by ``ID`` (its internal number, unknown here), else ``SIS User ID`` or
  ``SIS Login ID``: the nbgrader student id is written as ``SIS User ID`` (and as the name),
  so a course whose nbgrader ids are the SIS ids imports without editing.
- **Moodle** (Grades > Import > CSV file): a header row and one row per student; on import
  the ``ID number`` column is mapped to the user field "ID number" and each lab column to its
  grade item.

Every cell that holds text goes through :func:`autograder.safe_text.for_csv` (a student id or
a lab name never starts a formula); points are plain numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .results import TestResult
from .safe_text import for_csv

CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas writes it in its own export
MOODLE_ID_COLUMN = "ID number"
FORMATS = ("canvas", "moodle")


def lab_totals(rows: list[TestResult]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """``({student: {lab: points}}, {lab: points possible})`` from grading rows (any labs)."""
    totals: dict[str, dict[str, float]] = {}
    possible: dict[str, dict[str, float]] = {}
    for row in rows:
        mine = totals.setdefault(row.student, {})
        mine[row.lab] = mine.get(row.lab, 0.0) + row.points
        tests = possible.setdefault(row.lab, {})
        tests[f"{row.notebook}/{row.test}"] = row.max_points
    return totals, {lab: sum(tests.values()) for lab, tests in possible.items()}


def _number(points: float) -> str:
    return f"{points:g}"


def write_canvas(rows: list[TestResult], path: Path) -> Path:
    totals, possible = lab_totals(rows)
    labs = sorted(possible)
    with _open(path) as f:
        writer = csv.writer(f)
        writer.writerow(CANVAS_ID_COLUMNS + [for_csv(lab) for lab in labs])
        writer.writerow([CANVAS_POINTS_ROW, "", "", "", ""] + [_number(possible[lab])
                                                               for lab in labs])
        for student in sorted(totals):
            scores = [_number(totals[student][lab]) if lab in totals[student] else ""
                      for lab in labs]
            writer.writerow([for_csv(student), "", for_csv(student), "", ""] + scores)
    return Path(path)


def write_moodle(rows: list[TestResult], path: Path) -> Path:
    totals, possible = lab_totals(rows)
    labs = sorted(possible)
    with _open(path) as f:
        writer = csv.writer(f)
        writer.writerow([MOODLE_ID_COLUMN] + [for_csv(lab) for lab in labs])
        for student in sorted(totals):
            writer.writerow([for_csv(student)] + [
                _number(totals[student][lab]) if lab in totals[student] else "" for lab in labs])
    return Path(path)


def export(rows: list[TestResult], kind: str, path: Path) -> Path:
    """Write ``rows`` as the ``kind`` (``canvas`` or ``moodle``) import file at ``path``."""
    writers = {"canvas": write_canvas, "moodle": write_moodle}
    if kind not in writers:
        raise ValueError(f"unknown export {kind!r}; known: {', '.join(FORMATS)}")
    return writers[kind](rows, path)


def _open(path: Path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", newline="", encoding="utf-8")  # what both systems' imports read
