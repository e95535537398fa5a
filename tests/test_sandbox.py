"""What student code sees from inside the sandbox, probed with jobs whose cells report it.

A cell's error message is the one thing a cell can send back on its own, so each probe
raises with what it found.
"""

from __future__ import annotations

import ast
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
                     limits or sandbox.Limits())
    return record.cells.get("probe")


def _seen(found: str):
    return ast.literal_eval(found.removeprefix("RuntimeError: "))


def _report(expression: str) -> str:
    return f"raise RuntimeError(repr({expression}))"


needs_namespaces = pytest.mark.skipif(sandbox.isolation() != "namespaces",
                                      reason="needs root and namespaces (as in CI)")


def test_environment_says_nothing_about_grading(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLABS_GRADING_SECRET", "x")
    found = _probe(tmp_path, "import os\n" + _report("sorted(os.environ)"))
    keys = ast.literal_eval(found.removeprefix("RuntimeError: "))
    assert not [k for k in keys if "NNLABS" in k or "GRAD" in k or "JUPYTER" in k], keys


NOTEBOOK = REPO_ROOT / "solutions" / "lab1_knn" / "knn.ipynb"


@needs_namespaces
def test_runs_as_an_unprivileged_user_without_the_repository(tmp_path):
    found = _probe(tmp_path, "import os\n" + _report(
        f"(os.getuid(), os.path.exists({str(NOTEBOOK)!r}), "
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


def test_kept_paths_never_nest():
    kept = sandbox.kept_paths()
    assert not [k for k in kept if any(o in k.parents for o in kept)]
    assert Path("/usr") in kept and not [k for k in kept if k in (Path("/"), Path("/home"))]


@needs_namespaces
def test_only_the_allow_listed_host_paths_are_there(tmp_path):
    other = tmp_path / "other-checkout" / "solutions" / "lab1_knn"
    other.mkdir(parents=True)
    (other / "knn.ipynb").write_text("{}")
    absent = [str(other), str(REPO_ROOT / "tests"),
              str(REPO_ROOT / ".git"), str(REPO_ROOT / "README.md"), "/run/lock", "/var/tmp",
              "/srv", "/home", "/opt", "/etc/passwd", "/root/.bashrc", "/dev/shm", "/sys"]
    # Of a lab's folder only its sandbox package is there: no notebook, no grader package.
    absent += [str(p) for lab in all_labs() for p in lab.source_dir.iterdir()
               if p.name != "sandbox"]
    absent += [str(p) for p in REPO_ROOT.parent.iterdir() if p != REPO_ROOT]  # other checkouts
    found = _probe(tmp_path, "import os\n" + _report(
        f"([p for p in {absent!r} if os.path.lexists(p)], sorted(os.listdir('/')), "
        f"sorted(os.listdir({str(REPO_ROOT)!r})))"))
    visible, top, repo = _seen(found)
    assert visible == []
    assert set(top) <= {"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "dev", "proc",
                        "tmp", "submission", ".old", *(p.parts[1] for p in sandbox.kept_paths())}
    package_dirs = {p.relative_to(REPO_ROOT).parts[0] for p in sandbox.kept_paths()
                    if REPO_ROOT in p.parents}
    # only the package code, the environment and the labs' sandbox packages
    assert set(repo) == package_dirs and "solutions" in package_dirs


@needs_namespaces
def test_root_is_read_only_and_the_working_tmpfs_is_capped(tmp_path):
    code = """
import errno, os
def attempt(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return "written"
    except OSError as exc:
        return errno.errorcode[exc.errno]
def fill(folder):
    total = 0
    try:
        for i in range(100):
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                for _ in range(16):
                    f.write(b"x" * 2**20)
                    total += 1
    except OSError as exc:
        return total, errno.errorcode[exc.errno]
    return total, None
size = os.statvfs(".").f_blocks * os.statvfs(".").f_frsize
raise RuntimeError(repr((attempt("/x"), attempt("/usr/x"), attempt("/dev/x"), attempt("/tmp/x"),
                         size, fill("."), fill("/tmp"))))
"""
    root, usr, dev, tmp, size, work_fill, tmp_fill = _seen(
        _probe(tmp_path, code, sandbox.Limits(disk_mb=96)))
    assert (root, usr, dev, tmp) == ("EROFS", "EROFS", "EROFS", "written")
    assert size == 96 * 2**20
    assert work_fill[1] == "ENOSPC" and work_fill[0] <= 96
    assert tmp_fill == (0, "ENOSPC")  # /tmp shares the working folder's cap


@needs_namespaces
def test_data_files_are_copied_into_the_sandbox_not_shared(tmp_path):
    job_dir = tmp_path / "work"
    job_dir.mkdir()
    (job_dir / "model.npz").write_bytes(b"saved")
    code = ("import os\nopen('model.npz', 'ab').write(b'!')\nopen('new.txt', 'w').write('x')\n"
            + _report("(open('model.npz', 'rb').read(), os.stat('model.npz').st_uid)"))
    record = run_job(Job("lab1_knn", (Cell("probe", code),)), job_dir, 900, sandbox.Limits())
    content, owner = _seen(record.cells["probe"])
    assert content == b"saved!" and owner == sandbox.SANDBOX_UID_BASE + 900
    assert sorted(p.name for p in job_dir.iterdir()) == ["model.npz"]
    assert (job_dir / "model.npz").read_bytes() == b"saved"


def test_each_isolation_level_says_what_it_lacks():
    for level in ("namespaces", "user-namespaces", "limits-only"):
        assert sandbox.describe(level).startswith(level)
    assert "lacks" in sandbox.describe("limits-only")
    assert "lacks" in sandbox.describe("user-namespaces")


@needs_namespaces
def test_user_namespace_fallback_builds_the_same_root(tmp_path, monkeypatch):
    # As root the user-namespace path maps root to itself, which runs the same mount script
    # without setpriv: what a grader without root gets.
    monkeypatch.setattr(sandbox, "isolation", lambda: "user-namespaces")
    found = _probe(tmp_path, "import os\n" + _report(
        f"(os.path.lexists({str(NOTEBOOK)!r}), os.path.lexists('/var/tmp'), "
        "os.access('/', os.W_OK), os.getcwd())"))
    assert _seen(found) == (False, False, False, sandbox.WORKDIR)


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
                             tuple(CasePlan(args, {}, max_bytes=2**20) for args in inputs),
                             protocol.Exercise("compute_distances_no_loops"))
    job_dir = tmp_path / "work"
    job_dir.mkdir()
    record = run_job(Job("lab1_knn", (Cell("c", code),), (test,)), job_dir, 902,
                     sandbox.Limits())
    outcomes = record.tests[test.id]
    assert isinstance(outcomes, list), (outcomes, record)
    big, small = (outcome.get("peak") for outcome in outcomes)
    assert big > 70 * 2**20 > 20 * 2**20 > small, (big, small)  # RSS: a few pages either way
