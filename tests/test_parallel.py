"""The same grading jobs on Dask give the same grades: a LocalCluster, and a real deployment
(``dask scheduler`` and two ``dask worker`` processes on loopback) with every protection on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.classroom import grade_all
from autograder.course import get_lab
from autograder.release import build_release
from autograder.samples import variants, write_submissions
from autograder.sandbox import isolation

pytestmark = pytest.mark.slow
DASK = [str(Path(sys.executable).with_name("dask"))]
START_SECONDS = 90  # for the scheduler and both workers to come up on a loaded machine


def _submissions(tmp_path) -> Path:
    lab = get_lab("lab1_knn")
    build_release([lab], tmp_path / "release")
    samples = {"solution": "solution", "blank": "blank", "mutant": variants(lab.name)[0],
               "Jane Doe": "solution"}
    write_submissions(lab.name, tmp_path / "release", tmp_path / "submitted", samples)
    return tmp_path / "submitted"


def _same(remote, local):
    assert [(r.student, r.test, r.points, r.message, r.outcome) for r in remote] == [
        (r.student, r.test, r.points, r.message, r.outcome) for r in local]
    assert sum(r.points for r in remote if r.student == "solution") == 10


def test_dask_local_cluster_gives_the_same_grades_as_local_workers(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    submitted = _submissions(tmp_path)
    local = grade_all(submitted, "lab1_knn", tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = grade_all(submitted, "lab1_knn", tmp_path / "dask",
                           scheduler=cluster.scheduler_address)
    _same(remote, local)


def _start(argv, log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 (closed when the process is torn down)
    proc = subprocess.Popen(argv, stdout=handle, stderr=subprocess.STDOUT, cwd=log.parent,
                            start_new_session=True)
    proc.log = handle
    return proc


def _stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(proc.pid, sig)  # its own session: the worker's nanny and its children
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    proc.log.close()


def test_a_real_dask_deployment_gives_the_same_grades(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    assert isolation() == "namespaces"  # every protection on, as on a grading machine
    submitted = _submissions(tmp_path)
    local = grade_all(submitted, "lab1_knn", tmp_path / "local", workers=2)
    info = tmp_path / "scheduler.json"
    procs = [_start([*DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                     "--no-dashboard", "--scheduler-file", str(info)], tmp_path / "scheduler.log")]
    try:
        deadline = time.monotonic() + START_SECONDS
        while not info.is_file() and time.monotonic() < deadline:
            assert procs[0].poll() is None, (tmp_path / "scheduler.log").read_text()[-2000:]
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for number in (1, 2):
            procs.append(_start([*DASK, "worker", "--scheduler-file", str(info), "--host",
                                 "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                                 "--name", f"grader-{number}"], tmp_path / f"worker{number}.log"))
        with distributed.Client(address, timeout=START_SECONDS) as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
        remote = grade_all(submitted, "lab1_knn", tmp_path / "dask", scheduler=address)
    finally:
        for proc in reversed(procs):
            _stop(proc)
    _same(remote, local)
    assert all(proc.poll() is not None for proc in procs)
