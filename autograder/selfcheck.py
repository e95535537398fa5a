"""``python -m autograder check [NOTEBOOK | FOLDER]``: the hidden tests, on demand, for a
reader's own copy (the self-study door; ``nnlabs check`` in a checkout is the same).

The same sandboxed engine as the instructors' ``grade`` (no gradebook). For one notebook the
reader sees each test's points and, for a failure, the hint that names the case and the
likely mistake. For a folder (default: the working folder) every lab in it is checked and
the progress table of :mod:`course_utils.progress` is printed and kept between runs. With
``answers`` the model answers and rubrics of the written questions follow, each beside the
reader's own answer: like the hidden tests, they come from the checkout's ``solutions/``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from course_utils.progress import GradedTest, Progress, split_hint

from .checks import lab_checks
from .course import CourseError, all_labs, get_lab
from .grade import Grader
from .notebook import graded_cells, read_notebook
from .safe_text import for_terminal
from .written import model_answers_text

MAX_COPIED_BYTES = 256 << 20  # a lab folder's notebooks and saved models; more is not a lab


def check_folder(folder: Path, more: bool = False, answers: bool = False) -> int:
    """Check every lab found in ``folder`` (``folder/<lab>/`` or ``folder`` being a lab's own
    folder); print and keep the progress table; 0 when every checked test passed."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise CourseError(f"no folder {folder}")
    labs = all_labs()
    found = {lab.name: folder / lab.name for lab in labs if (folder / lab.name).is_dir()}
    if folder.name in {lab.name for lab in labs}:
        found, folder = {folder.name: folder}, folder.parent
    if not found:
        raise CourseError(f"no lab folders (lab1_knn/ ...) in {folder}: run `nnlabs start` "
                          "first, or name your labs folder")
    progress = Progress(folder)
    all_passed = True
    for name, lab_folder in found.items():
        print(f"checking {name} ...", flush=True)
        rows = _grade_lab_folder(name, lab_folder)
        all_passed &= all(r.status == "passed" for r in rows)
        progress.record(name, [GradedTest(r.notebook, r.test, r.points, r.max_points,
                                            r.status == "passed", for_terminal(r.message))
                               for r in rows], kind="hidden")
    progress.save()
    print()
    print(progress.table([lab.name for lab in labs], more=more))
    if answers:
        for name, lab_folder in found.items():
            lab = get_lab(name)
            print("\n" + model_answers_text(lab, {nb.name: lab_folder / nb.name
                                                  for nb in lab.notebooks}))
    return 0 if all_passed else 1


def _grade_lab_folder(lab_name: str, lab_folder: Path):
    """Grade a copy of the reader's lab folder (its notebooks and saved models; links and
    anything else are left behind)."""
    with tempfile.TemporaryDirectory(prefix="nnlabs-check-") as tmp:
        copy = Path(tmp) / "you" / lab_name
        copy.mkdir(parents=True)
        budget = MAX_COPIED_BYTES
        for path in sorted(lab_folder.iterdir()):
            if path.is_symlink() or not path.is_file() or path.suffix not in (".ipynb", ".npz"):
                continue
            budget -= path.stat().st_size
            if budget < 0:
                raise CourseError(f"{lab_folder} holds more than {MAX_COPIED_BYTES >> 20} MB "
                                  "of notebooks and models")
            shutil.copyfile(path, copy / path.name)
        grader = Grader(lab_name, Path(tmp) / "out", gradebook=False)
        return grader.grade_submission("you", copy)


def check_notebook(notebook: Path, lab_name: str | None = None, more: bool = True,
                   answers: bool = False) -> int:
    """Grade one notebook; print the results (and with ``answers`` the model answers of its
    written questions, beside the reader's); 0 when every test passed, 1 otherwise."""
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
        grader = Grader(lab.name, Path(tmp) / "out", gradebook=False)
        rows = [r for r in grader.grade_submission("you", folder) if r.notebook == target]
    width = max(len(r.test) for r in rows)
    print(f"{lab.name} / {target}: hidden tests\n")
    for row in rows:
        mark = "PASS" if row.status == "passed" else "FAIL"
        print(f"  {mark}  {row.test:<{width}}  {row.points:g} / {row.max_points:g}")
        if row.status != "passed":
            where, why = split_hint(for_terminal(row.message))
            print(f"        {where}" + (f": {why}" if more and why else ""))
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    print(f"\nscore: {got:g} / {total:g}   ({rows[0].outcome})")
    if answers:
        print("\n" + model_answers_text(lab, {target: notebook}, only=target))
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
