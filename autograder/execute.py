"""Run one submission's job in a sandbox on this machine: a grading thread or a Dask worker.

It builds the job's test plans from the checks, lends the run one of this process's
reference-helper processes (:mod:`autograder.reference_helper`) and hands back the run's
record as plain data; judging happens in :mod:`autograder.judging`.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import tempfile
from pathlib import Path

from . import sandbox
from .checks import Case, Check, exercise
from .protocol import CasePlan, Job, TestPlan, data_size
from .runner import RunRecord, run_job

MIN_HELPER_BYTES = 64 * 2**10  # a helper request's argument cap is never below this
HELPER_BYTES_PER_INPUT = 4  # ... and by default this many times the largest case input


def execute(job: Job, files: dict[str, bytes], limits: sandbox.Limits,
            log_path: Path | None = None, slot: int | None = None) -> RunRecord:
    """Run one job in a sandbox on this machine (a grading thread or a Dask worker)."""
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.unlink(missing_ok=True)
    with sandbox.claim_slot(slot) as claimed, tempfile.TemporaryDirectory(
            prefix="nnlabs-job-") as tmp:
        job_dir = Path(tmp) / "work"
        job_dir.mkdir()
        for name, data in files.items():
            (job_dir / name).write_bytes(data)
        # This job's own reference process, started now so it loads while the sandbox starts.
        helpers = (_reference_helpers().reserved(job.lab)
                   if any(test.helpers for test in job.tests) else contextlib.nullcontext())
        try:
            with helpers as lease:
                return run_job(job, job_dir, claimed, limits, lease, log_path)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)  # files belong to the sandbox user


@functools.cache
def _reference_helpers():
    from .reference_helper import ReferenceHelpers

    return ReferenceHelpers()


def plan_test(lab_name: str, test_id: str, check: Check, cases: list[Case]) -> TestPlan:
    """A test as the grader will send it: its cases' inputs and memory budgets (nothing of
    the answers), its helpers and the cap on a helper request's arguments."""
    if check.artifact is not None:  # the worker only reads the file; the judge needs the data
        plans = tuple(CasePlan((), {}) for _ in cases)
    else:
        plans = tuple(CasePlan(tuple(c.args), dict(c.kwargs), c.max_bytes) for c in cases)
    cap = check.helper_max_bytes
    if cap is None:
        largest = max((data_size(p.args) + data_size(p.kwargs) for p in plans), default=0)
        cap = max(MIN_HELPER_BYTES, HELPER_BYTES_PER_INPUT * largest)
    return TestPlan(test_id, plans, exercise(lab_name, check), cap)
