"""What student code sees from inside the sandbox, probed with jobs whose cells report it.

A cell's error message is the one thing a cell can send back on its own, so each probe
raises with what it found.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from autograder import protocol, sandbox
from autograder.course import REPO_ROOT, all_labs
from autograder.protocol import CasePlan, Cell, Job
from autograder.runner import run_job


def _probe(tmp_path, code: str, limits=None) -> str | None:
    job_dir = tmp_path / "work"
    job_dir.mkdir(exist_ok=True)
    record = run_job(Job("lab1_knn", (Cell("probe", code),)), job_dir, 900,
                     limits or sandbox.Limits(), sandbox.hidden_paths([tmp_path]))
    return record.cells.get("probe")


def _report(expression: str) -> str:
    return f"raise RuntimeError(repr({expression}))"


needs_namespaces = pytest.mark.skipif(sandbox.isolation() != "namespaces",
                                      reason="needs root and namespaces (as in CI)")


def test_environment_says_nothing_about_grading(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLABS_GRADING_SECRET", "x")
    found = _probe(tmp_path, "import os\n" + _report("sorted(os.environ)"))
    keys = ast.literal_eval(found.removeprefix("RuntimeError: "))
    assert not [k for k in keys if "NNLABS" in k or "GRAD" in k or "JUPYTER" in k], keys


@needs_namespaces
def test_runs_as_an_unprivileged_user_without_the_repository(tmp_path):
    found = _probe(tmp_path, "import os\n" + _report(
        f"(os.getuid(), os.path.exists({str(REPO_ROOT / 'solutions')!r} + '/lab1_knn'), "
        f"os.path.exists({str(tmp_path)!r}), os.listdir('.'))"))
    seen = ast.literal_eval(found.removeprefix("RuntimeError: "))
    uid, solutions_visible, grader_tmp_visible, listing = seen
    assert uid >= sandbox.SANDBOX_UID_BASE
    assert not solutions_visible and not grader_tmp_visible
    assert listing == []


@needs_namespaces
def test_no_network_interface_but_loopback(tmp_path):
    found = _probe(tmp_path, "import socket\n" + _report(
        "sorted(name for _, name in socket.if_nameindex())"))
    assert ast.literal_eval(found.removeprefix("RuntimeError: ")) == ["lo"]


def test_a_cell_that_never_ends_is_stopped(tmp_path):
    found = _probe(tmp_path, "while True:\n    pass\n", sandbox.Limits(cell_seconds=2))
    assert "timed out" in found


def test_limits_only_fallback_still_grades_and_stops_runaways(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "isolation", lambda: "limits-only")
    assert _probe(tmp_path, "x = 1") is None
    assert "MemoryError" in _probe(tmp_path, "import numpy as np\nbig = np.ones((30, 2**30))")
    assert "timed out" in _probe(tmp_path, "while True:\n    pass\n",
                                 sandbox.Limits(cell_seconds=2))


def test_hidden_paths_never_nest(tmp_path):
    hidden = sandbox.hidden_paths([tmp_path, tmp_path / "inner", Path(os.getcwd())])
    assert not [h for h in hidden if any(o in h.parents for o in hidden)]


@pytest.mark.parametrize("lab", [lab.name for lab in all_labs()])
def test_the_worker_starts_without_the_solutions_or_nbformat(lab):
    # The worker imports each lab's checks; importing the reference there would fail in the
    # sandbox (no solutions/) and nbformat alone costs seconds per submission.
    code = (f"import sys, autograder.worker, autograder.checks.{lab}; "
            "print(sorted(m for m in ('nbformat', 'autograder.reference') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("level", ["limits-only", "own"])
def test_peak_memory_is_measured_from_outside_at_every_level(tmp_path, monkeypatch, level):
    # The worker's /proc entry, not tracemalloc in the worker: patching it changes nothing.
    if level == "limits-only":
        monkeypatch.setattr(sandbox, "isolation", lambda: "limits-only")
    code = """
import tracemalloc
tracemalloc.start = lambda *args: None
tracemalloc.get_traced_memory = lambda: (0, 0)
def compute_distances_no_loops(X, X_train):
    if len(X) == 2:
        big = np.ones(10 * 2**20)  # 80 MB, touched
        return np.zeros((2, 3)) + big[:1]
    return np.zeros((len(X), len(X_train)))
"""
    inputs = [(np.zeros((2, 4)), np.zeros((3, 4))), (np.zeros((5, 4)), np.zeros((3, 4)))]
    test = protocol.TestPlan("test_distances_no_loops",
                    tuple(CasePlan(args, {}, max_bytes=2**20) for args in inputs))
    job_dir = tmp_path / "work"
    job_dir.mkdir()
    record = run_job(Job("lab1_knn", (Cell("c", code),), (test,)), job_dir, 902,
                     sandbox.Limits(), sandbox.hidden_paths([tmp_path]))
    outcomes = record.tests[test.id]
    assert isinstance(outcomes, list), (outcomes, record)
    big, small = (outcome.get("peak") for outcome in outcomes)
    assert big > 70 * 2**20 > 20 * 2**20 > small, (big, small)  # RSS: a few pages either way
