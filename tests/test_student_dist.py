"""The student wheel: built from the release, free of answers, and working in a fresh venv.

The fast tests build the wheel (``python -m autograder dist``) and read it as a zip: no
instructor package, no solution line, no hidden test or hidden case description, and the
leak scanner itself catches a planted answer. The slow test installs the wheel into a new
virtual environment (pip may use its wheel cache and PyPI), and there runs ``nnlabs start``
(twice: a student's edit survives), starts JupyterLab through it and presses nbgrader's
Validate over HTTP, then runs ``nnlabs check`` on Lab 1 filled with the solution (every
visible check passes) and on the blank release (they fail). Timings are printed.
"""

from __future__ import annotations

import json
import os
import secrets as random_tokens
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import LABS_DIR, REPO_ROOT
from autograder.distribution import (
    _student_pyproject,
    build_student_wheel,
    find_leaks,
    secrets_of_the_course,
)
from autograder.notebook import nbgrader_meta
from autograder.samples import make_submission


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_student_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def secrets() -> dict[str, set[str]]:
    return secrets_of_the_course()


def _texts(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def test_wheel_holds_labs_and_course_utils_only(wheel):
    names = list(_texts(wheel))
    tops = {n.split("/")[0] for n in names}
    assert tops == {"course_utils", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                    + ".dist-info"}, tops
    released = sorted(str(p.relative_to(LABS_DIR)) for p in LABS_DIR.rglob("*.ipynb"))
    shipped = sorted(n.removeprefix("course_utils/labs/") for n in names
                     if n.startswith("course_utils/labs/"))
    assert shipped == released
    for name in names:
        if name.startswith("course_utils/labs/"):
            rel = Path(name.removeprefix("course_utils/labs/"))
            assert _texts(wheel)[name] == (LABS_DIR / rel).read_text(), name
    entry = next(t for n, t in _texts(wheel).items() if n.endswith("entry_points.txt"))
    assert "nnlabs = course_utils.cli:main" in entry


def test_wheel_contains_no_solution_line_or_hidden_case(wheel, secrets):
    assert all(secrets[lab] for lab in secrets), "every lab has answers to look for"
    texts = _texts(wheel)
    assert find_leaks(texts, secrets) == []
    assert not any("autograder" in n or "solutions" in n or "tests/" in n for n in texts)


def test_leak_scanner_catches_a_planted_answer(wheel, secrets):
    texts = _texts(wheel)
    name = "course_utils/labs/lab1_knn/knn.ipynb"
    answer = sorted(secrets["lab1_knn"])[0]
    assert find_leaks({name: texts[name] + answer}, secrets) != []
    assert find_leaks({"course_utils/viz.py": "x = 1\n# " + answer}, secrets) != []
    lab5 = "course_utils/labs/lab5_convnets/convnet.ipynb"  # another lab's answer counts too
    assert find_leaks({lab5: texts[lab5] + answer}, secrets) != []
    assert find_leaks({name: texts[name] + "### BEGIN SOLUTION"}, secrets) != []


def _run(cmd, cwd, env, timings, label, expect=0):
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    timings[label] = time.perf_counter() - started
    assert done.returncode == expect, f"{label}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def _validate_through_jupyterlab(nnlabs: str, cwd: Path, env: dict, notebook: str) -> dict:
    """Start JupyterLab as ``nnlabs start`` does (no browser, loopback, a token), check the
    course kernel is offered, press Validate through nbgrader's server extension, stop."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = random_tokens.token_hex(16)
    server = subprocess.Popen(
        [nnlabs, "start", "mylabs", "--no-browser", "--", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                request = urllib.request.Request(f"{base}/api/kernelspecs", headers=headers)
                with urllib.request.urlopen(request, timeout=5) as answer:
                    specs = json.load(answer)
                break
            except OSError:
                assert server.poll() is None, "JupyterLab exited"
                assert time.monotonic() < deadline, "JupyterLab did not start in 180 s"
                time.sleep(1)
        assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == "Python 3 (nnlabs)"
        query = urllib.parse.urlencode({"path": notebook})
        request = urllib.request.Request(f"{base}/assignments/validate?{query}", data=b"",
                                         headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=900) as answer:
            return json.load(answer)
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.mark.slow
def test_fresh_install_start_and_visible_checks(wheel, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NNLABS_OFFLINE="1", HOME=str(tmp_path / "home"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"))
    timings: dict[str, float] = {}
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env, timings, "venv")
    bin_dir = venv / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path,
         env, timings, "install")
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    nnlabs = str(bin_dir / "nnlabs")
    # The instructor's packages are not there, only what students need.
    _run([str(bin_dir / "python"), "-c", "import autograder"], tmp_path, env, timings,
         "no autograder", expect=1)

    out = _run([nnlabs, "start", "mylabs", "--dry-run", "--no-browser"], tmp_path, env,
               timings, "start")
    released = sum(1 for lab in LABS_DIR.iterdir() if lab.is_dir() for _ in lab.glob("*.ipynb"))
    assert f"{released} file(s) copied" in out and "--no-browser" in out and "jupyter lab" in out
    labs = tmp_path / "mylabs"
    kernel = next((venv / "nnlabs-jupyter" / "share" / "kernels").glob("*/kernel.json"))
    assert str(bin_dir / "python") in kernel.read_text()  # the course kernel is this venv
    notebook = labs / "lab1_knn" / "knn.ipynb"
    blank = notebook.read_text()
    filled = make_submission("lab1_knn", "knn.ipynb", "solution", LABS_DIR)
    # A finished lab answers its written questions too (Validate reports an empty answer).
    for cell in filled.cells:
        if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution"):
            cell.source = "My own answer, in my own words."
    nbformat.write(filled, notebook)  # the student's work, which a second start must keep
    out = _run([nnlabs, "start", "mylabs", "--dry-run"], tmp_path, env, timings, "start again")
    assert "0 file(s) copied" in out and "kept your lab1_knn/knn.ipynb" in out
    assert notebook.read_text() != blank

    started = time.perf_counter()
    reply = _validate_through_jupyterlab(nnlabs, tmp_path, env, "lab1_knn/knn.ipynb")
    timings["JupyterLab up + Validate"] = time.perf_counter() - started
    assert reply["success"] is True and "failed" not in reply["value"], reply

    out = _run([nnlabs, "check", "lab1_knn"], labs, env, timings, "check (solution)")
    assert "lab1_knn           10 / 10" in out and "FAIL" not in out, out
    assert (labs / ".nnlabs-progress.json").is_file()
    blank_dir = tmp_path / "blank" / "lab1_knn"
    blank_dir.mkdir(parents=True)
    (blank_dir / "knn.ipynb").write_text(blank)
    out = _run([nnlabs, "check", "blank"], tmp_path, env, timings, "check (blank)", expect=1)
    assert "FAIL  test_distances_two_loops" in out and "not written yet" in out, out
    print("student install timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def test_builds_without_deprecation_warnings(tmp_path):
    """Packaging hygiene: the instructor package builds without setuptools' deprecation
    warnings (the licence is an SPDX string); the student package uses the same fields."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w",
                           str(tmp_path), str(REPO_ROOT)], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    log = (done.stdout + done.stderr).lower()
    assert "deprecat" not in log, [line for line in log.splitlines() if "deprecat" in line]
    generated = _student_pyproject()
    assert 'license = "MIT"' in generated and "setuptools>=77" in generated


def test_start_copies_without_overwriting_or_following_links(tmp_path):
    from course_utils.cli import StartError, copy_labs

    target = tmp_path / "mine"
    (target / "lab1_knn").mkdir(parents=True)
    (target / "lab1_knn" / "knn.ipynb").write_text("my work")
    outside = tmp_path / "outside"
    outside.mkdir()
    (target / "lab2_linear").symlink_to(outside, target_is_directory=True)
    copied, kept = copy_labs(LABS_DIR, target)
    assert (target / "lab1_knn" / "knn.ipynb").read_text() == "my work"
    assert "lab1_knn/knn.ipynb" in kept and "lab2_linear/linear_classifiers.ipynb" in kept
    assert list(outside.iterdir()) == []  # nothing written through the link
    assert "lab5_convnets/convnet.ipynb" in copied
    assert (target / "lab5_convnets" / "convnet.ipynb").read_bytes() == (
        LABS_DIR / "lab5_convnets" / "convnet.ipynb").read_bytes()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(StartError, match="not a folder"):
        copy_labs(LABS_DIR, tmp_path / "a-file")
