"""Grade a whole class: every student folder, in parallel or on Dask, resumable, into the
gradebook. One submission's path is :class:`autograder.grade.Grader` (prepare, judge) and
:func:`autograder.execute.execute` (run)."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import sandbox
from .course import CourseError
from .execute import execute
from .grade import Grader, Prepared
from .notebook import MAX_NOTEBOOK_BYTES
from .results import ResultStore, TestResult, by_student
from .runner import RunRecord
from .safe_files import UnsafeFile, read_capped
from .submission import read_files, student_folders, student_id_problem


def grade_all(submitted_dir: Path, lab_name: str, out_dir: Path, progress: bool = False,
              workers: int | None = None, scheduler: str | None = None,
              limits: sandbox.Limits | None = None) -> list[TestResult]:
    """Grade every student in ``submitted_dir`` that has no up-to-date stored result.

    ``workers``: submissions run at once on this machine (default: all cores).
    ``scheduler``: address of a Dask distributed scheduler to run the sandboxes on instead.
    """
    grader = Grader(lab_name, out_dir, limits, hide=[Path(submitted_dir).resolve()])
    folders: dict[str, Path] = {}
    store = ResultStore(grader.out / "results")
    results: dict[str, list[TestResult]] = {}
    todo: list[Prepared] = []
    for student, folder, problem in student_folders(submitted_dir, lab_name):
        while student in folders:  # two undecodable names shown alike stay two students
            student += "'"
        folders[student] = folder if not problem else None
        try:
            prepared = grader.prepare(student, folder, problem)
        except Exception as exc:  # one unreadable hand-in must not stop the class
            prepared = grader.prepare(student, folder, "the grader could not read this "
                                      f"folder ({type(exc).__name__}: {exc}); please report it")
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

    runnable = [p for p in todo if p.job.cells or p.job.tests]
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
    record_in_gradebook(grader, rows, folders)
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
                future = client.submit(execute, p.job, read_files(p.files),
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


def record_in_gradebook(grader: Grader, rows: list[TestResult],
                        folders: dict[str, Path | None]) -> None:
    """Scores into nbgrader's gradebook, the notebooks where formgrader looks for them
    (copied as data: regular files only, size-capped; none for a folder with a problem)."""
    if grader._course is None:
        return
    grader._course.result()  # the course folder and its gradebook exist
    from nbgrader.api import Gradebook, MissingEntry

    db_url = f"sqlite:///{grader.course_root / 'gradebook.db'}"
    with Gradebook(db_url, "nnlabs") as gb:
        for student, mine in by_student(rows).items():
            if student_id_problem(student):  # not an id nbgrader can hold: grades.csv only
                continue
            gb.update_or_create_student(student)
            try:
                gb.find_submission(grader.lab.name, student)
            except MissingEntry:
                gb.add_submission(grader.lab.name, student)
            for row in mine:
                grade = gb.find_grade(row.test, Path(row.notebook).stem, grader.lab.name,
                                      student)
                grade.auto_score = row.points
            folder = folders.get(student)
            if folder is None:
                continue
            target = grader.course_root / "autograded" / student / grader.lab.name
            for name in grader.tests:
                try:
                    data = read_capped(folder / name, MAX_NOTEBOOK_BYTES)
                except (UnsafeFile, OSError):
                    continue
                target.mkdir(parents=True, exist_ok=True)
                (target / name).write_bytes(data)
        gb.db.commit()

