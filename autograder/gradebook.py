"""Keep nbgrader's gradebook in step with the grades, while the class is being graded.

Scores go where formgrader and ``nbgrader export`` look for them (each graded cell's
``auto_score``), and each graded notebook is copied to ``autograded/<student>/<lab>/``, the
copy formgrader shows: defused, and with every written answer followed by its model answer and
rubric (:mod:`autograder.formgrader_copy`); and a new submission's written answers are marked
as needing a manual grade, as nbgrader's own autograde marks them.
A :class:`GradebookWriter` does this on its own thread as results come in, so the database
work overlaps the grading instead of following it, and it writes only what differs from
what the gradebook already holds: a rerun where nothing changed costs one query.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import Future
from pathlib import Path

from .course import get_lab
from .formgrader_copy import formgrader_notebook
from .nbgrader_course import NbgraderFailure
from .notebook import read_notebook
from .results import TestResult
from .written import written_answers

_DONE = object()


class GradebookWriter:
    """Writes students' rows into the gradebook at ``course_root`` (prepared by ``course``, a
    future of the course folder) for ``lab_name``; ``notebooks`` names the graded ones."""

    def __init__(self, course: Future, course_root: Path, lab_name: str, notebooks: list[str]):
        self._course, self._root, self._lab = course, Path(course_root), lab_name
        self._notebooks = notebooks
        self._answers: dict[str, list] = {}
        for answer in written_answers(get_lab(lab_name)):
            self._answers.setdefault(answer.notebook, []).append(answer)
        self._manual = {(n[:-len(".ipynb")], a.grade_id) for n, found in self._answers.items()
                        for a in found}
        self._released: dict[str, object] = {}
        self._queue: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gradebook", daemon=True)
        self._thread.start()

    def add(self, student: str, rows: list[TestResult], folder: Path | None,
            regraded: bool) -> None:
        """Queue one student's rows; ``folder`` holds the notebooks handed in. A ``regraded``
        student's notebooks are copied again even if the scores did not change."""
        self._queue.put((student, rows, folder, regraded))

    def close(self) -> None:
        """Wait until everything queued is written and committed; raise what went wrong."""
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            release = Path(self._course.result())  # the course folder and its gradebook exist
            self._released = {name: read_notebook(release / name) for name in self._notebooks}
            self._write_all()
        except BaseException as exc:  # handed to close(), in the grading thread
            self._error = exc
            while self._queue.get() is not _DONE:  # let close() return
                pass

    def _write_all(self) -> None:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self._root / 'gradebook.db'}", "nnlabs") as gb:
            scores = self._scores(gb)
            finished = False
            while not finished:
                batch = [self._queue.get()]  # wait for one, then take all that are waiting
                while not self._queue.empty():
                    batch.append(self._queue.get())
                finished = batch[-1] is _DONE
                self._write(gb, scores, [b for b in batch if b is not _DONE])

    def _scores(self, gb, students: list[str] | None = None) -> dict:
        """``{(student, notebook, cell): Grade}`` for this lab's submissions, in one query."""
        from nbgrader.api import (
            Assignment,
            BaseCell,
            Grade,
            Notebook,
            SubmittedAssignment,
            SubmittedNotebook,
        )

        query = (gb.db.query(Grade, SubmittedAssignment.student_id, Notebook.name, BaseCell.name)
                 .join(BaseCell, Grade.cell_id == BaseCell.id)
                 .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                 .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                 .join(SubmittedAssignment,
                       SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                 .filter(Assignment.name == self._lab))
        if students is not None:
            query = query.filter(SubmittedAssignment.student_id.in_(students))
        with gb.db.no_autoflush:
            return {(student, notebook, cell): grade
                    for grade, student, notebook, cell in query}

    def _write(self, gb, scores: dict, batch: list) -> None:
        changed = [(student, rows, folder) for student, rows, folder, regraded in batch
                   if regraded or any(_key(r) not in scores or scores[_key(r)].auto_score
                                      != r.points for r in rows)]
        new = [student for student, rows, _ in changed
               if not any(_key(r) in scores for r in rows)]
        for student in new:  # nbgrader's own calls (each commits), so the structure is its own
            gb.update_or_create_student(student)
            gb.add_submission(self._lab, student)
        if new:
            scores.update(self._scores(gb, new))
            for (student, notebook, cell), grade in scores.items():
                if student in new and (notebook, cell) in self._manual and \
                        grade.manual_score is None:
                    grade.needs_manual_grade = True  # formgrader lists it as to be graded
        for student, rows, _ in changed:
            for row in rows:
                if _key(row) not in scores:
                    raise NbgraderFailure(f"the gradebook has no grade cell {row.test} in "
                                          f"{row.notebook} of {self._lab} for {student}")
                scores[_key(row)].auto_score = row.points
        if changed:
            gb.db.commit()
        written = {student for student, _, _ in changed}
        for student, _, folder, _ in batch:
            self._copy_notebooks(student, folder, again=student in written)

    def _copy_notebooks(self, student: str, folder: Path | None, again: bool) -> None:
        if folder is None:  # a folder with a problem: nothing of it is read
            return
        target = self._root / "autograded" / student / self._lab
        for name in self._notebooks:
            if not again and (target / name).exists():
                continue
            if not os.path.lexists(folder / name):  # missing: formgrader says so itself
                continue
            target.mkdir(parents=True, exist_ok=True)  # read as data, capped, defused:
            (target / name).write_bytes(formgrader_notebook(
                folder / name, self._released[name], self._answers.get(name, [])))


def _key(row: TestResult) -> tuple[str, str, str]:
    return row.student, Path(row.notebook).stem, row.test
