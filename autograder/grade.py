"""One submission of one lab: read it, build its sandbox job, and judge what came back.

The pipeline for one submission:

1. **prepare** (:meth:`Grader.prepare`): read each notebook, compare it with the released one
   (:mod:`autograder.tamper`), and build a job: the student's solution cells and, for every
   hidden test, the cases chosen by the grader;
2. **execute** (:func:`autograder.execute.execute`, in a thread or on a Dask worker): run the
   job in a sandbox (:mod:`autograder.runner`, :mod:`autograder.sandbox`), getting plain data;
3. **judge** (:mod:`autograder.judging`): compare that data with reference results computed
   in this process from the instructor's solutions, and name an outcome.

Student code never runs in this process. A whole class is :mod:`autograder.classroom`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import sandbox
from .checks import Case, expected_result, lab_checks
from .course import GRADER_PART, LABS_DIR, SANDBOX_PART, CourseError, Lab, get_lab
from .execute import execute, plan_test
from .judging import Judge
from .notebook import NotebookError, graded_cells, read_notebook, solution_cells
from .protocol import Cell, Job
from .results import TestResult, file_name
from .runner import RunRecord
from .safe_files import UnsafeFile, is_real_folder
from .submission import data_files, fingerprint, read_files
from .tamper import inspect

ENGINE_VERSION = "2"  # part of every stored result's fingerprint: bump to regrade everything


@dataclass
class Prepared:
    """A submission read and checked, ready to run: the job and the findings so far."""

    student: str
    job: Job
    files: dict[str, Path]  # saved models and other data files, read when the job runs
    unreadable: dict[str, tuple[str, str]] = field(default_factory=dict)  # nb -> status, why
    tampering: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # files refused as unsafe: links ...
    notes: list[str] = field(default_factory=list)
    fingerprint: str = ""


class Grader:
    """Grades submissions of one lab; ``out_dir`` receives the gradebook and stored results."""

    def __init__(self, lab_name: str, out_dir: Path, limits: sandbox.Limits | None = None,
                 gradebook: bool = True):
        self.lab: Lab = get_lab(lab_name)
        self.out = Path(out_dir).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.limits = limits or sandbox.Limits()
        self.course_root = self.out / "nbgrader" if gradebook else None
        # Submissions are compared with labs/ (what the students received); nbgrader's course
        # folder for the gradebook is prepared meanwhile (built once per lab version, cached).
        self._course = ThreadPoolExecutor(1).submit(self._make_course) if gradebook else None
        release = LABS_DIR / self.lab.name
        if not all((release / nb.name).is_file() for nb in self.lab.notebooks):
            if self._course is None:
                raise CourseError(f"{release} is missing: run python -m autograder release")
            release = self._course.result()
        self.released = {nb.name: read_notebook(release / nb.name) for nb in self.lab.notebooks}
        instructor = {nb.name: read_notebook(nb) for nb in self.lab.notebooks}
        self.tests = {name: graded_cells(nb) for name, nb in instructor.items()}
        self.solution_ids = {name: list(solution_cells(nb)) for name, nb in instructor.items()}
        self.checks = lab_checks(self.lab.name)
        self._expected: dict[str, tuple[list[Case], list]] | None = None
        self._lock = threading.Lock()
        self._judge = Judge(self.lab.name, self.tests, self.checks)
        digest = hashlib.sha256(ENGINE_VERSION.encode())
        # A stored result is reused only while everything that judged it is unchanged: the
        # notebooks, the lab's grader and sandbox packages, and the shared checks code.
        grading = [path for part in (GRADER_PART, SANDBOX_PART)
                   for path in (self.lab.source_dir / part).rglob("*.py")]
        shared = Path(__file__).resolve().parent / "checks"
        for path in [*self.lab.notebooks, *sorted(grading), *sorted(shared.glob("*.py"))]:
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
        self.version = digest.hexdigest()

    def _make_course(self) -> Path:
        from .nbgrader_course import prepare_course

        return prepare_course(self.course_root, self.lab)

    # 1. prepare ---------------------------------------------------------------------------
    def prepare(self, student: str, folder: Path, problem: str = "") -> Prepared:
        """Read ``folder`` (one student's copy of the lab) and build its sandbox job.

        ``problem`` (from :func:`~autograder.submission.student_folders`) says why the folder
        cannot be graded at all: every test is then invalid, with that reason."""
        folder = Path(folder)
        prepared = Prepared(student, job=Job(self.lab.name), files={})
        if problem:
            prepared.invalid.append(problem)
            prepared.unreadable = {name: ("invalid", problem) for name in self.tests}
            prepared.fingerprint = hashlib.sha256(f"{self.version}:{problem}".encode()
                                                  ).hexdigest()
            return prepared
        sources: dict[str, str] = {}
        for name in self.tests:
            path = self._find_notebook(folder, name, prepared)
            try:
                submitted = read_notebook(path)
            except UnsafeFile as exc:
                prepared.unreadable[name] = ("invalid", str(exc))
                prepared.invalid.append(str(exc))
                continue
            except NotebookError as exc:
                missing = "is missing" in str(exc)
                prepared.unreadable[name] = ("missing" if missing else "invalid", str(exc))
                continue
            if os.lstat(path).st_nlink > 1:  # refusing it would also refuse the other name's
                prepared.notes.append(f"{path.name} is a hard link: the same file is also "
                                      "somewhere else (a neighbour's copy?)")
            found = inspect(submitted, self.released[name])
            prepared.tampering += found.tampering
            prepared.notes += found.notes
            for grade_id in self.solution_ids[name]:
                sources[grade_id] = found.solutions.get(grade_id, "")
        prepared.files = data_files(folder, prepared.notes, prepared.invalid)
        cells = tuple(Cell(grade_id, sources[grade_id])
                      for name in self.tests if name not in prepared.unreadable
                      for grade_id in self.solution_ids[name])
        expected = self.expected()
        tests = tuple(plan_test(self.lab.name, test_id, self.checks[test_id], expected[test_id][0])
                      for test_id in self._test_order(prepared))
        prepared.job = Job(self.lab.name, cells, tests)
        prepared.fingerprint = fingerprint(self.version, folder)
        return prepared

    def _find_notebook(self, folder: Path, name: str, prepared: Prepared) -> Path:
        path = folder / name
        if os.path.lexists(path) or not is_real_folder(folder):
            return path
        # A renamed copy (e.g. "knn (1).ipynb") is graded if it is the only candidate.
        expected_ids = {t.name for t in self.tests[name]}
        candidates = []
        for other in sorted(folder.glob("*.ipynb")):
            if other.name in self.tests:
                continue
            try:
                ids = {t.name for t in graded_cells(read_notebook(other))}
            except (NotebookError, UnsafeFile):
                continue
            if ids & expected_ids:
                candidates.append(other)
        if len(candidates) == 1:
            prepared.notes.append(f"{name} was handed in as {candidates[0].name!r}; graded "
                                  "anyway (keep the lab's file names)")
            return candidates[0]
        return path

    def _test_order(self, prepared: Prepared) -> list[str]:
        """Tests of readable notebooks; those answered with reference helpers go last, so a
        helper's own result is in before any reference version of it enters the sandbox."""
        ids = [t.name for name, tests in self.tests.items() if name not in prepared.unreadable
               for t in tests]
        return sorted(ids, key=lambda i: bool(self.checks[i].use_reference_for))

    def expected(self) -> dict[str, tuple[list[Case], list]]:
        """Cases and reference results of every test, computed once, in this process."""
        with self._lock:
            if self._expected is None:
                from .reference import solution_namespace

                ref = solution_namespace(self.lab.name)
                self._expected = {}
                for test_id, check in self.checks.items():
                    cases = list(check.cases())
                    self._expected[test_id] = (
                        cases, [expected_result(check, case, ref) for case in cases])
            return self._expected

    # 3. judge -----------------------------------------------------------------------------
    def judge(self, prepared: Prepared, record: RunRecord | None) -> list[TestResult]:
        """Rows for every test of the lab, from what the sandbox returned."""
        return self._judge.rows(prepared, record, self.expected())

    # everything ---------------------------------------------------------------------------
    def grade_submission(self, student: str, folder: Path, slot: int | None = None
                         ) -> list[TestResult]:
        """Prepare, run (in this process's sandbox slot) and judge one submission."""
        prepared = self.prepare(student, folder)
        return self.judge(prepared, self.execute(prepared, slot))

    def execute(self, prepared: Prepared, slot: int | None = None) -> RunRecord | None:
        if not prepared.job.cells and not prepared.job.tests:
            return None
        return execute(prepared.job, read_files(prepared.files), self.limits,
                       self.out / "logs" / f"{file_name(prepared.student)}.log", slot)

