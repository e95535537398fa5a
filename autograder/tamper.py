"""Compare a submitted notebook with the released one: what the student may change, and what not.

Students write in solution cells only: code, and the written answers graded by hand (a
deleted answer is a note, not tampering: it costs no autograded point). Test cells and
locked cells are taken from the instructor's copy whatever the submission holds (the
sandboxed grader never runs the submitted test cells at all), and every deviation is
reported: a graded or locked cell deleted, duplicated, turned into another cell type or
edited, grading metadata added to a cell of the student's own or not shaped as nbgrader
writes it (that cell is then read as a plain one: :func:`autograder.notebook.nbgrader_meta`).
Added scratch cells are allowed; they are reported as not run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .notebook import nbgrader_meta, nbgrader_meta_problem


@dataclass
class Inspection:
    """What :func:`inspect` found: the student's solution code, and findings in words."""

    solutions: dict[str, str]  # grade_id -> the student's source (only code cells)
    tampering: list[str] = field(default_factory=list)  # make the outcome "tampered"
    notes: list[str] = field(default_factory=list)  # worth saying, not held against anyone


def inspect(submitted, released) -> Inspection:
    """Check ``submitted`` against ``released`` (both nbformat notebooks)."""
    expected = {nbgrader_meta(c)["grade_id"]: c for c in released.cells
                if nbgrader_meta(c).get("grade_id")}
    seen = Counter(nbgrader_meta(c).get("grade_id") for c in submitted.cells)
    result = Inspection(solutions={})
    handled: set[str] = set()
    for number, cell in enumerate(submitted.cells, 1):
        problem = nbgrader_meta_problem(cell)
        if problem:
            result.tampering.append(f"cell {number} ({cell.get('cell_type', 'of no type')}) "
                                    f"carries grading metadata nbgrader never writes: "
                                    f"{problem} (read as a plain cell)")
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not grade_id:
            continue
        original = expected.get(grade_id)
        if original is None:
            result.tampering.append(f"cell {grade_id!r} carries grading metadata that the "
                                    "lab does not have (ignored)")
            continue
        if grade_id in handled:  # only the first copy of a duplicated cell counts
            continue
        handled.add(grade_id)
        if seen[grade_id] > 1:
            result.tampering.append(f"cell {grade_id!r} appears {seen[grade_id]} times; the "
                                    "first copy was used")
        if cell.cell_type != original.cell_type:
            result.tampering.append(f"cell {grade_id!r} was turned from {original.cell_type} "
                                    f"into {cell.cell_type}")
            if nbgrader_meta(original).get("solution") and original.cell_type == "code":
                result.solutions[grade_id] = ""
            continue
        meta = nbgrader_meta(original)
        if meta.get("solution"):  # code for the sandbox, or a written answer graded by hand
            if original.cell_type == "code":
                result.solutions[grade_id] = cell.source
        elif (meta.get("grade") or meta.get("locked")) and cell.source != original.source:
            kind = "test" if meta.get("grade") else "locked"
            result.tampering.append(f"the {kind} cell {grade_id!r} was edited (the "
                                    "instructor's version was used)")
    for grade_id, original in expected.items():
        if seen[grade_id] == 0 and original.cell_type == "markdown" and \
                nbgrader_meta(original).get("solution"):
            result.notes.append(f"the written answer {grade_id!r} was deleted: nothing there "
                                "to grade by hand")
        elif seen[grade_id] == 0:
            kind = ("solution" if nbgrader_meta(original).get("solution") else
                    "test" if nbgrader_meta(original).get("grade") else "locked")
            what = "its code is missing" if kind == "solution" else "restored from the lab"
            result.tampering.append(f"the {kind} cell {grade_id!r} was deleted ({what})")
            if kind == "solution":
                result.solutions[grade_id] = ""
    released_ids = {c.get("id") for c in released.cells}
    added = [c for c in submitted.cells if c.cell_type == "code"
             and c.get("id") not in released_ids and not nbgrader_meta(c).get("grade_id")]
    if added:
        result.notes.append(f"{len(added)} code cell(s) you added were not run: the grader "
                            "runs only the solution cells, so keep helpers inside them")
    return result

