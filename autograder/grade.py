"""Autograde submissions: one submission in, one list of test results out.

The pipeline for one submission:

1. **prepare** (here): read each notebook, compare it with the released one
   (:mod:`autograder.tamper`), and build a job: the student's solution cells and, for every
   hidden test, the cases chosen by the grader;
2. **execute** (:func:`execute`, locally in a thread or on a Dask worker): run the job in a
   sandbox (:mod:`autograder.runner`, :mod:`autograder.sandbox`), getting plain data back;
3. **judge** (here): compare that data with reference results computed in this process from
   the instructor's solutions (:func:`autograder.checks.judge`), and name an outcome.

Student code never runs in this process. Results are kept per student in ``OUT/results`` as
soon as they exist, so a grading run that is killed resumes where it stopped; they also go
into nbgrader's gradebook at ``OUT/nbgrader`` (formgrader and ``nbgrader export`` work).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import sandbox
from .checks import Case, expected_result, judge, lab_checks
from .course import LABS_DIR, CourseError, Lab, get_lab
from .notebook import NotebookError, graded_cells, read_notebook, solution_cells
from .runner import RunRecord, run_job
from .tamper import inspect

ENGINE_VERSION = "2"  # part of every stored result's fingerprint: bump to regrade everything
MAX_SUBMISSION_BYTES = 200 * 2**20
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
    status: str  # passed | failed | missing | invalid
    message: str
    outcome: str = "graded"  # the submission's: graded | timed out | out of memory | ...


@dataclass
class Prepared:
    """A submission read and checked, ready to run: the job and the findings so far."""

    student: str
    job: dict
    files: dict[str, Path]  # saved models and other data files, read when the job runs
    unreadable: dict[str, tuple[str, str]] = field(default_factory=dict)  # nb -> status, why
    tampering: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fingerprint: str = ""


class Grader:
    """Grades submissions of one lab; ``out_dir`` receives the gradebook and stored results."""

    def __init__(self, lab_name: str, out_dir: Path, limits: sandbox.Limits | None = None,
                 gradebook: bool = True, hide: list[Path] = ()):
        self.lab: Lab = get_lab(lab_name)
        self.out = Path(out_dir).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.limits = limits or sandbox.Limits()
        self.hide = [self.out, *map(Path, hide)]
        self.course_root = self.out / "nbgrader" if gradebook else None
        # Submissions are compared with labs/ (what the students received); nbgrader builds
        # its course folder for the gradebook meanwhile, off the critical path.
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
        digest = hashlib.sha256(ENGINE_VERSION.encode())
        for path in [*self.lab.notebooks, Path(sys.modules[self.checks_module].__file__)]:
            digest.update(path.read_bytes())
        self.version = digest.hexdigest()

    def _make_course(self) -> Path:
        from .nbgrader_course import generate, make_api

        self.course_root.mkdir(parents=True, exist_ok=True)
        return generate(make_api(self.course_root), self.course_root, self.lab)

    @property
    def checks_module(self) -> str:
        return f"autograder.checks.{self.lab.name}"

    # 1. prepare ---------------------------------------------------------------------------
    def prepare(self, student: str, folder: Path) -> Prepared:
        """Read ``folder`` (one student's copy of the lab) and build its sandbox job."""
        folder = Path(folder)
        prepared = Prepared(student, job={}, files={})
        sources: dict[str, str] = {}
        for name in self.tests:
            path = self._find_notebook(folder, name, prepared)
            try:
                submitted = read_notebook(path)
            except NotebookError as exc:
                missing = "is missing" in str(exc)
                prepared.unreadable[name] = ("missing" if missing else "invalid", str(exc))
                continue
            found = inspect(submitted, self.released[name])
            prepared.tampering += found.tampering
            prepared.notes += found.notes
            for grade_id in self.solution_ids[name]:
                sources[grade_id] = found.solutions.get(grade_id, "")
        prepared.files = _data_files(folder, prepared)
        cells = [{"id": grade_id, "source": sources[grade_id]}
                 for name in self.tests if name not in prepared.unreadable
                 for grade_id in self.solution_ids[name]]
        expected = self.expected()
        tests = [{"id": test_id, "lab": self.lab.name,
                  "cases": [_case_data(case, self.checks[test_id])
                            for case in expected[test_id][0]]}
                 for test_id in self._test_order(prepared)]
        prepared.job = {"cells": cells, "tests": tests}
        prepared.fingerprint = _fingerprint(self.version, folder)
        return prepared

    def _find_notebook(self, folder: Path, name: str, prepared: Prepared) -> Path:
        path = folder / name
        if path.exists() or not folder.is_dir():
            return path
        # A renamed copy (e.g. "knn (1).ipynb") is graded if it is the only candidate.
        expected_ids = {t.name for t in self.tests[name]}
        candidates = []
        for other in sorted(folder.glob("*.ipynb")):
            if other.name in self.tests:
                continue
            try:
                ids = {t.name for t in graded_cells(read_notebook(other))}
            except NotebookError:
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
        expected = self.expected()
        rows, memory = [], []
        for name, tests in self.tests.items():
            if name in prepared.unreadable:
                status, why = prepared.unreadable[name]
                rows += [self._row(prepared, name, t, 0, status, why) for t in tests]
                continue
            for test in tests:
                outcomes = record.tests.get(test.name, "not run") if record else "not run"
                if isinstance(outcomes, str):
                    rows.append(self._row(prepared, name, test, 0, "failed", outcomes))
                    continue
                problem = self._problem(test.name, expected[test.name], outcomes, record)
                memory += [test.name for o in outcomes if o.get("kind") == "memory"]
                rows.append(self._row(prepared, name, test, test.points if not problem else 0,
                                      "passed" if not problem else "failed",
                                      problem or "passed"))
        outcome = self._outcome(prepared, record, memory)
        return [TestResult(**{**asdict(r), "outcome": outcome}) for r in rows]

    def _problem(self, test_id: str, expected, outcomes: list, record: RunRecord) -> str | None:
        cases, results = expected
        check = self.checks[test_id]
        if len(outcomes) != len(cases):
            return "the grader received a malformed answer for this test"
        answers = zip(cases, results, outcomes, strict=True)
        for number, (case, want, got) in enumerate(answers, start=1):
            if not isinstance(got, dict):
                return "the grader received a malformed answer for this test"
            try:
                problem = judge(check, case, want, got, number)
            except Exception as exc:  # a value the comparison cannot handle is a wrong answer
                problem = f"hidden case {number}: the result could not be compared ({exc})"
            if problem:
                cell_errors = [f"{c}: {e}" for c, e in record.cells.items() if e]
                if got.get("kind") == "missing" and cell_errors:
                    problem += f" (a solution cell failed: {cell_errors[0]})"
                return problem
        return None

    def _row(self, prepared, notebook, test, points, status, message) -> TestResult:
        return TestResult(prepared.student, self.lab.name, notebook, test.name, float(points),
                          test.points, status, message)

    def _outcome(self, prepared: Prepared, record: RunRecord | None, memory: list) -> str:
        cell_memory = [c for c, e in (record.cells.items() if record else []) if e
                       and e.startswith("MemoryError")]
        invalid = [f"{n}: {why}" for n, (s, why) in prepared.unreadable.items() if s == "invalid"]
        missing = [f"{n} is missing" for n, (s, _) in prepared.unreadable.items()
                   if s == "missing"]
        reasons = [
            ("invalid notebook", invalid),
            ("missing notebook", missing if len(missing) == len(self.tests) else []),
            ("timed out", record.timeouts if record else []),
            ("out of memory", [f"in {m}" for m in [*memory, *cell_memory]]),
            ("kernel died", record.crashes if record else []),
            ("tampered", prepared.tampering),
        ]
        for label, found in reasons:
            if found:
                more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
                return f"{label}: {found[0]}{more}"
        return "graded" + (f"; note: {'; '.join(prepared.notes)}" if prepared.notes else "")

    # everything ---------------------------------------------------------------------------
    def grade_submission(self, student: str, folder: Path, slot: int | None = None
                         ) -> list[TestResult]:
        """Prepare, run (in this process's sandbox slot) and judge one submission."""
        prepared = self.prepare(student, folder)
        return self.judge(prepared, self.execute(prepared, slot))

    def execute(self, prepared: Prepared, slot: int | None = None) -> RunRecord | None:
        if not prepared.job["cells"] and not prepared.job["tests"]:
            return None
        return execute(self.lab.name, prepared.job, _read(prepared.files), self.limits, self.hide,
                       self.out / "logs" / f"{prepared.student}.log", slot)

    def record_in_gradebook(self, rows: list[TestResult], folders: dict[str, Path]) -> None:
        """Scores into nbgrader's gradebook, the notebooks where formgrader looks for them."""
        if self._course is None:
            return
        self._course.result()  # the course folder and its gradebook exist
        from nbgrader.api import Gradebook, MissingEntry

        db_url = f"sqlite:///{self.course_root / 'gradebook.db'}"
        with Gradebook(db_url, "nnlabs") as gb:
            for student, mine in _by_student(rows).items():
                gb.update_or_create_student(student)
                try:
                    gb.find_submission(self.lab.name, student)
                except MissingEntry:
                    gb.add_submission(self.lab.name, student)
                for row in mine:
                    grade = gb.find_grade(row.test, Path(row.notebook).stem, self.lab.name,
                                          student)
                    grade.auto_score = row.points
                target = self.course_root / "autograded" / student / self.lab.name
                for name in self.tests:
                    source = folders.get(student, Path()) / name
                    if source.is_file() and not source.is_symlink():
                        target.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(source, target / name)
            gb.db.commit()


def execute(lab_name: str, job: dict, files: dict[str, bytes], limits: sandbox.Limits,
            hide: list[Path], log_path: Path | None = None, slot: int | None = None
            ) -> RunRecord:
    """Run one job in a sandbox on this machine (a grading thread or a Dask worker)."""
    from .reference import solution_namespace

    checks = lab_checks(lab_name)

    def oracle(test_id, name, args, kwargs):
        if name not in checks[test_id].use_reference_for:
            return {"error": f"{name} is not available to this test"}
        try:
            return {"value": solution_namespace(lab_name)[name](*args, **(kwargs or {}))}
        except Exception as exc:  # the student's inputs broke the reference: their problem
            return {"error": str(exc)[:300], "type": type(exc).__name__}

    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.unlink(missing_ok=True)
    with sandbox.claim_slot(slot) as claimed, tempfile.TemporaryDirectory(
            prefix="nnlabs-job-") as tmp:
        job_dir = Path(tmp) / "work"
        job_dir.mkdir()
        for name, data in files.items():
            (job_dir / name).write_bytes(data)
        try:
            return run_job(job, job_dir, claimed, limits, sandbox.hidden_paths(list(hide)),
                           oracle, log_path)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)  # files belong to the sandbox user


def _case_data(case: Case, check) -> dict:
    if check.artifact is not None:  # the worker only reads the file; the judge needs the data
        return {"args": [], "kwargs": {}, "max_bytes": None}
    return {"args": list(case.args), "kwargs": case.kwargs, "max_bytes": case.max_bytes}


def _read(files: dict[str, Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in files.items()}


def _data_files(folder: Path, prepared: Prepared) -> dict[str, Path]:
    """The submission's other files (saved models), regular files only, size-capped."""
    files, total = {}, 0
    if not folder.is_dir():
        return files
    for path in sorted(folder.iterdir()):
        if path.suffix == ".ipynb" or path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        if total + size > MAX_SUBMISSION_BYTES:
            prepared.notes.append(f"{path.name} was left out: the submission is over "
                                  f"{MAX_SUBMISSION_BYTES // 2**20} MB")
            continue
        files[path.name] = path
        total += size
    return files


def _fingerprint(version: str, folder: Path) -> str:
    digest = hashlib.sha256(version.encode())
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _by_student(rows: list[TestResult]) -> dict[str, list[TestResult]]:
    grouped: dict[str, list[TestResult]] = {}
    for row in rows:
        grouped.setdefault(row.student, []).append(row)
    return grouped


class ResultStore:
    """One JSON file per student (written atomically) holding its rows and fingerprint."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def load(self, student: str, fingerprint: str) -> list[TestResult] | None:
        path = self.folder / f"{student}.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
        if data.get("fingerprint") != fingerprint:
            return None
        return [TestResult(**row) for row in data["rows"]]

    def save(self, student: str, fingerprint: str, rows: list[TestResult]) -> None:
        path = self.folder / f"{student}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint,
                                   "rows": [asdict(r) for r in rows]}, indent=1))
        os.replace(tmp, path)


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


def grade_all(submitted_dir: Path, lab_name: str, out_dir: Path, progress: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              limits: sandbox.Limits | None = None) -> list[TestResult]:
    """Grade every student in ``submitted_dir`` that has no up-to-date stored result.

    ``workers``: submissions run at once on this machine (default: all cores).
    ``scheduler``: address of a Dask distributed scheduler to run the sandboxes on instead.
    """
    grader = Grader(lab_name, out_dir, limits, hide=[Path(submitted_dir).resolve()])
    folders = dict(student_folders(submitted_dir, lab_name))
    store = ResultStore(grader.out / "results")
    results: dict[str, list[TestResult]] = {}
    todo: list[Prepared] = []
    for student, folder in folders.items():
        prepared = grader.prepare(student, folder)
        stored = store.load(student, prepared.fingerprint)
        if stored is not None:
            results[student] = stored
        else:
            todo.append(prepared)
    bar = _progress_bar(len(folders), len(results), lab_name, progress)

    def finish(prepared: Prepared, record: RunRecord | None) -> None:
        rows = grader.judge(prepared, record)
        store.save(prepared.student, prepared.fingerprint, rows)
        results[prepared.student] = rows
        if bar:
            bar.update(1)

    runnable = [p for p in todo if p.job["cells"] or p.job["tests"]]
    for prepared in todo:
        if prepared not in runnable:
            finish(prepared, None)
    if scheduler:
        _run_on_dask(scheduler, grader, runnable, finish)
    else:
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            futures = {pool.submit(grader.execute, p): p for p in runnable}
            for future in as_completed(futures):
                finish(futures[future], _record_of(future))
    if bar:
        bar.close()
    rows = [row for student in sorted(results) for row in results[student]]
    grader.record_in_gradebook(rows, folders)
    return rows


def _run_on_dask(address: str, grader: Grader, runnable: list[Prepared], finish) -> None:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise CourseError("--scheduler needs dask.distributed: pip install 'nnlabs[cluster]'"
                          ) from None
    with Client(address) as client:
        # A window of jobs in flight, so saved models are read only shortly before they run.
        window = max(4, 4 * len(client.scheduler_info().get("workers", {})))
        pending, futures = list(runnable), {}
        queue = dask_completed()
        while pending or futures:
            while pending and len(futures) < window:
                p = pending.pop(0)
                future = client.submit(execute, grader.lab.name, p.job, _read(p.files),
                                       grader.limits, grader.hide, None, None, pure=False,
                                       key=f"grade-{p.student}")
                futures[future] = p
                queue.add(future)
            future = next(queue)
            finish(futures.pop(future), _record_of(future))


def _record_of(future) -> RunRecord:
    """The run's record; a failure of the grading machinery itself becomes that submission's
    outcome instead of stopping the class (it is a bug to report, with its message)."""
    try:
        return future.result()
    except Exception as exc:  # one bad run must not stop the others
        return RunRecord(crashes=[f"the grader failed on this submission ({type(exc).__name__}: "
                                  f"{exc}); please report it"])


def _progress_bar(total: int, done: int, lab_name: str, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit="submission", desc=f"grading {lab_name}",
                file=sys.stderr, dynamic_ncols=True)
