"""``python -m autograder check NOTEBOOK``: the hidden tests, on demand, for a reader's own copy.

The same sandboxed engine as the instructors' ``grade`` (no gradebook): the reader sees each
test's points and, for a failure, the hint that names the case and the likely mistake.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .checks import lab_checks
from .course import CourseError, all_labs, get_lab
from .grade import Grader
from .notebook import graded_cells, read_notebook


def check_notebook(notebook: Path, lab_name: str | None = None) -> int:
    """Grade one notebook; print the results; 0 when every test passed, 1 otherwise."""
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise CourseError(f"no notebook at {notebook}")
    lab = get_lab(lab_name) if lab_name else _guess_lab(notebook)
    names = [nb.name for nb in lab.notebooks]
    target = notebook.name if notebook.name in names else _guess_notebook(notebook, lab)
    with tempfile.TemporaryDirectory(prefix="nnlabs-check-") as tmp:
        folder = Path(tmp) / "you" / lab.name
        folder.mkdir(parents=True)
        shutil.copyfile(notebook, folder / target)
        for other in notebook.parent.glob("*.npz"):  # saved models the lab grades
            shutil.copyfile(other, folder / other.name)
        grader = Grader(lab.name, Path(tmp) / "out", gradebook=False, hide=[notebook.parent])
        rows = [r for r in grader.grade_submission("you", folder) if r.notebook == target]
    width = max(len(r.test) for r in rows)
    print(f"{lab.name} / {target}: hidden tests\n")
    for row in rows:
        mark = "PASS" if row.status == "passed" else "FAIL"
        print(f"  {mark}  {row.test:<{width}}  {row.points:g} / {row.max_points:g}")
        if row.status != "passed":
            print(f"        {row.message}")
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    print(f"\nscore: {got:g} / {total:g}   ({rows[0].outcome})")
    return 0 if all(r.status == "passed" for r in rows) else 1


def _guess_lab(notebook: Path):
    labs = {lab.name: lab for lab in all_labs()}
    if notebook.parent.name in labs:
        return labs[notebook.parent.name]
    try:
        ids = {cell.name for cell in graded_cells(read_notebook(notebook))}
    except Exception as exc:  # an unreadable notebook: say so, with the reason
        raise CourseError(f"cannot read {notebook.name}: {exc}") from None
    matches = [lab for lab in labs.values() if ids & set(lab_checks(lab.name))]
    if len(matches) != 1:
        raise CourseError(f"cannot tell which lab {notebook.name} belongs to: pass --lab")
    return matches[0]


def _guess_notebook(notebook: Path, lab) -> str:
    try:
        ids = {cell.name for cell in graded_cells(read_notebook(notebook))}
    except Exception:  # unreadable: grade it as the lab's only notebook, which reports why
        ids = set()
    for nb in lab.notebooks:
        if ids & {cell.name for cell in graded_cells(read_notebook(nb))}:
            return nb.name
    if len(lab.notebooks) == 1:
        return lab.notebooks[0].name
    raise CourseError(f"cannot tell which notebook of {lab.name} {notebook.name} is")
