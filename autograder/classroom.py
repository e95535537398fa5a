"""Grade a whole class: every student folder, in parallel or on Dask, resumable, into the
gradebook (written while grading: :mod:`autograder.gradebook`). One submission's path is
:class:`autograder.grade.Grader` (prepare, judge) and :func:`autograder.execute.execute` (run)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait
from pathlib import Path

from . import sandbox
from .course import CourseError
from .execute import execute
from .grade import Grader, Prepared
from .gradebook import GradebookWriter
from .results import ResultStore, TestResult
from .runner import RunRecord
from .submission import read_files, student_folders, student_id_problem


def grade_all(submitted_dir: Path, lab_name: str, out_dir: Path, progress: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              limits: sandbox.Limits | None = None) -> list[TestResult]:
    """Grade every student in ``submitted_dir`` that has no up-to-date stored result.

    ``workers``: submissions run at once on this machine (default: all cores).
    ``scheduler``: address of a Dask distributed scheduler to run the sandboxes on instead.
    """
    grader = Grader(lab_name, out_dir, limits)
    # Listing is cheap and reads no hand-in; each folder's problem (a link, a name that cannot
    # be a student id) becomes that student's rows, never an abort.
    listed: list[tuple[str, Path, str]] = []
    folders: dict[str, Path | None] = {}
    for student, folder, problem in student_folders(submitted_dir, lab_name):
        while student in folders:  # two undecodable names shown alike stay two students
            student += "'"
        folders[student] = folder if not problem else None
        listed.append((student, folder, problem))
    store = ResultStore(grader.out / "results")
    # Scores reach nbgrader's gradebook on the writer's thread while the class is graded.
    gradebook = (GradebookWriter(grader._course, grader.course_root, grader.lab.name,
                                 list(grader.tests)) if grader._course else None)
    results: dict[str, list[TestResult]] = {}
    bar = _progress_bar(len(folders), lab_name, progress)

    def to_gradebook(student: str, rows: list[TestResult], regraded: bool) -> None:
        if gradebook and not student_id_problem(student):  # else: grades.csv only
            gradebook.add(student, rows, folders[student], regraded=regraded)

    def finish(prepared: Prepared, record: RunRecord | None) -> None:
        rows = grader.judge(prepared, record)
        store.save(prepared.student, prepared.fingerprint, rows)
        results[prepared.student] = rows
        to_gradebook(prepared.student, rows, regraded=True)
        if bar:
            bar.update(1)

    def jobs() -> Iterator[Prepared]:
        """The submissions to run, prepared one at a time as the runners take them, so the
        first sandboxes start at once instead of after the whole class has been read."""
        for student, folder, problem in listed:
            try:
                prepared = grader.prepare(student, folder, problem)
            except Exception as exc:  # one unreadable hand-in must not stop the class
                prepared = grader.prepare(student, folder, "the grader could not read this "
                                          f"folder ({type(exc).__name__}: {exc}); please report it")
            stored = store.load(student, prepared.fingerprint)
            if stored is not None:
                results[student] = stored
                to_gradebook(student, stored, regraded=False)
                if bar:
                    bar.update(1)
            elif prepared.job.cells or prepared.job.tests:
                yield prepared
            else:
                finish(prepared, None)

    if scheduler:
        _run_on_dask(scheduler, grader, jobs(), finish)
    else:
        slots = workers or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=slots) as pool:
            # A window of jobs in flight, as on Dask: a prepared job holds its test cases'
            # inputs, so preparing the whole class ahead held them all (1.3 GB for Lab 4 at
            # 500 submissions).
            futures: dict = {}
            for prepared in jobs():
                futures[pool.submit(grader.execute, prepared)] = prepared
                if len(futures) >= 2 * slots:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        finish(futures.pop(future), _record_of(future))
            for future in as_completed(list(futures)):
                finish(futures.pop(future), _record_of(future))
    if bar:
        bar.close()
    if gradebook:
        gradebook.close()  # everything written and committed
    return [row for student in sorted(results) for row in results[student]]


def _run_on_dask(address: str, grader: Grader, jobs: Iterator[Prepared], finish) -> None:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise CourseError("--scheduler needs dask.distributed: pip install 'nnlabs[cluster]'"
                          ) from None
    with Client(address) as client:
        # A window of jobs in flight, so saved models are read only shortly before they run.
        window = max(4, 4 * len(client.scheduler_info().get("workers", {})))
        futures: dict = {}
        queue = dask_completed()
        more = True
        while more or futures:
            while more and len(futures) < window:
                p = next(jobs, None)
                if p is None:
                    more = False
                    break
                future = client.submit(execute, p.job, read_files(p.files),
                                       grader.limits, None, None, pure=False,
                                       key=f"grade-{p.student}")
                futures[future] = p
                queue.add(future)
            if futures:
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


def _progress_bar(total: int, lab_name: str, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc=f"grading {lab_name}",
                file=sys.stderr, dynamic_ncols=True)
