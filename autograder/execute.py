"""Run one submission's job in a sandbox on this machine: a grading thread or a Dask worker.

It answers the worker's requests for reference helpers and hands back the run's record as
plain data; judging happens in :mod:`autograder.judging`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import sandbox
from .checks import Case, lab_checks
from .runner import RunRecord, run_job


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
            return run_job(job, job_dir, claimed, limits, list(hide),
                           oracle, log_path)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)  # files belong to the sandbox user


def case_data(case: Case, check) -> dict:
    """A case as the worker receives it: its inputs and memory budget, nothing of the answer."""
    if check.artifact is not None:  # the worker only reads the file; the judge needs the data
        return {"args": [], "kwargs": {}, "max_bytes": None}
    return {"args": list(case.args), "kwargs": case.kwargs, "max_bytes": case.max_bytes}


