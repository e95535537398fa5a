"""Autograde a folder of submissions: one submission in, one list of test results out.

Submissions are laid out as nbgrader collects them: ``SUBMITTED/<student>/<lab>/<nb>.ipynb``.
Grading runs stock ``nbgrader autograde`` in a course folder kept at ``OUT/nbgrader`` (its
gradebook works with ``nbgrader export`` and formgrader). The submitted files are copied
there first and never modified. :func:`grade_submission` is the one place a submission is
graded; everything else (CLI, demo, tests) calls it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .course import CourseError, Lab, get_lab
from .nbgrader_course import COPY_IGNORE, generate, make_api
from .notebook import NotebookError, graded_cells, nbgrader_meta, read_notebook

_BARE_ERRORS = {"NotImplementedError": "a function this cell checks is not implemented yet"}
_SAFE_STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


@dataclass(frozen=True)
class TestResult:
    """One row of ``grades.csv``: how one student did on one graded test cell."""

    student: str
    lab: str
    notebook: str
    test: str
    points: float
    max_points: float
    status: str  # passed | failed | missing | invalid | not graded
    message: str


class Grader:
    """Grades submissions of one lab into ``out_dir/nbgrader`` with nbgrader's autograde."""

    def __init__(self, lab_name: str, out_dir: Path):
        self.lab: Lab = get_lab(lab_name)
        self.root = Path(out_dir).resolve() / "nbgrader"
        self.root.mkdir(parents=True, exist_ok=True)
        self.api = make_api(self.root)
        generate(self.api, self.root, self.lab)
        self.tests = {nb.name: graded_cells(read_notebook(nb)) for nb in self.lab.notebooks}

    def grade_submission(self, student: str, folder: Path) -> list[TestResult]:
        """Grade ``folder`` (one student's copy of the lab) and return a row per test."""
        valid, problems = {}, {}
        for name in self.tests:
            try:
                read_notebook(folder / name)
                valid[name] = folder / name
            except NotebookError as exc:
                problems[name] = exc
        rows: list[TestResult] = []
        for name, exc in problems.items():
            status = "missing" if "is missing" in str(exc) else "invalid"
            rows += self._zero_rows(student, name, status, str(exc))
        if valid:
            rows += self._autograde(student, folder, valid)
        return rows

    def _autograde(self, student: str, folder: Path, notebooks: dict) -> list[TestResult]:
        target = self.root / "submitted" / student / self.lab.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target, ignore=COPY_IGNORE)
        for stray in target.glob("*.ipynb"):
            if stray.name not in notebooks:  # unreadable or extra notebooks stay out of nbgrader
                stray.unlink()
        result = self.api.autograde(self.lab.name, student, force=True, create=True)
        if not result.get("success"):
            reason = f"autograde failed: {_last_error(result)}"
            rows = [self._zero_rows(student, name, "not graded", reason) for name in notebooks]
            return [row for group in rows for row in group]
        rows = []
        for name in notebooks:
            scores = self._scores(student, name)
            outputs = self._cell_errors(student, name)
            for test in self.tests[name]:
                points = scores.get(test.name, 0.0)
                error = outputs.get(test.name)
                status = "passed" if error is None and points >= test.points else "failed"
                message = error or ("passed" if status == "passed" else "no points awarded")
                rows.append(TestResult(student, self.lab.name, name, test.name, points,
                                       test.points, status, message))
        return rows

    def _scores(self, student: str, notebook: str) -> dict[str, float]:
        from nbgrader.api import Gradebook

        with Gradebook(self.api.coursedir.db_url, self.api.coursedir.course_id) as gb:
            nb = gb.find_submission_notebook(Path(notebook).stem, self.lab.name, student)
            return {g.name: float(g.score or 0.0) for g in nb.grades}

    def _cell_errors(self, student: str, notebook: str) -> dict[str, str]:
        path = self.root / "autograded" / student / self.lab.name / notebook
        errors = {}
        for cell in read_notebook(path).cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and grade_id:
                    reason = output["evalue"] or _BARE_ERRORS.get(output["ename"], "")
                    errors[grade_id] = f"{output['ename']}: {reason}".strip()
        return errors

    def _zero_rows(self, student: str, notebook: str, status: str, reason: str) -> list[TestResult]:
        return [
            TestResult(student, self.lab.name, notebook, t.name, 0.0, t.points, status, reason)
            for t in self.tests[notebook]
        ]


def _last_error(result: dict) -> str:
    lines = [ln.strip() for ln in (result.get("log") or "").splitlines() if "[ERROR]" in ln]
    return lines[0].replace("[ERROR]", "").strip()[:200] if lines else "see the nbgrader log"


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


def grade_all(submitted_dir: Path, lab_name: str, out_dir: Path, progress=None) -> list[TestResult]:
    """Grade every student in ``submitted_dir``; ``progress(student)`` is called before each."""
    grader = Grader(lab_name, out_dir)
    rows: list[TestResult] = []
    for student, folder in student_folders(submitted_dir, lab_name):
        if progress:
            progress(student)
        rows += grader.grade_submission(student, folder)
    return rows
