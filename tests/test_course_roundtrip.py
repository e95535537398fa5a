"""A course through nbgrader's own flow, with our grader in the middle (Lab 1, two students).

Instructor: nbgrader ``generate_assignment`` (through :mod:`autograder.nbgrader_course`) and
``release_assignment`` into a temporary exchange. Students alice and bob, each in a folder of
their own with their own nbgrader cache: ``fetch_assignment``, write their code (alice the
solution, bob a known mistake), ``submit``. Instructor: ``collect``, then
``python -m autograder grade ... --export canvas --export moodle`` (the real command line),
then ``release_feedback`` from the grader's nbgrader course. Students: ``fetch_feedback``,
and each finds a page with their own score and hint and no hidden test code. The Canvas and
Moodle files are checked against the layouts those systems document.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import get_lab
from autograder.lms import CANVAS_ID_COLUMNS, CANVAS_POINTS_ROW, MOODLE_ID_COLUMN
from autograder.nbgrader_course import generate, make_api
from autograder.samples import find_variant, make_submission

pytestmark = pytest.mark.slow
LAB, NOTEBOOK = "lab1_knn", "knn.ipynb"
MISTAKE = "mutants/two_loops_missing_sqrt"


def _nbgrader(args: list[str], cwd: Path, exchange: Path, *extra: str) -> str:
    command = [str(Path(sys.executable).with_name("nbgrader")), *args,
               "--CourseDirectory.course_id=nnlabs", f"--Exchange.root={exchange}", *extra]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {args}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    return done.stdout + done.stderr


def test_release_fetch_submit_collect_grade_feedback_export(tmp_path):
    exchange, course, grading = tmp_path / "exchange", tmp_path / "course", tmp_path / "grading"
    exchange.mkdir()
    generate(make_api(course), course, get_lab(LAB))
    _nbgrader(["release_assignment", LAB], course, exchange)

    work = {"alice": "solution", "bob": find_variant("lab1_knn", MISTAKE)}
    for student, variant in work.items():
        home = tmp_path / student
        home.mkdir()
        cache = [f"--Exchange.cache={home / 'cache'}", f"--CourseDirectory.student_id={student}"]
        _nbgrader(["fetch_assignment", LAB], home, exchange, *cache)
        fetched = home / LAB / NOTEBOOK
        assert fetched.is_file()
        nbformat.write(make_submission(LAB, NOTEBOOK, variant, home), fetched)
        _nbgrader(["submit", LAB], home, exchange, *cache)

    _nbgrader(["collect", LAB], course, exchange)
    for student in work:
        assert (course / "submitted" / student / LAB / NOTEBOOK).is_file()

    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(course / "submitted"), "--lab", LAB,
         "--out", str(grading), "--workers", "2", "--export", "canvas", "--export", "moodle"],
        capture_output=True, text=True, timeout=1200, env={**os.environ})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    pages = {s: grading / "nbgrader" / "feedback" / s / LAB / "knn.html" for s in work}
    assert all(p.is_file() for p in pages.values())
    _nbgrader(["release_feedback", LAB], grading / "nbgrader", exchange)
    for student in work:
        home = tmp_path / student
        cache = [f"--Exchange.cache={home / 'cache'}", f"--CourseDirectory.student_id={student}"]
        _nbgrader(["fetch_feedback", LAB], home, exchange, *cache)
        fetched = list((home / LAB / "feedback").glob("*/knn.html"))
        assert len(fetched) == 1, f"{student} got {fetched}"
        page = fetched[0].read_text()
        assert page == pages[student].read_text()
        assert f"feedback for {student}" in page
        assert "BEGIN HIDDEN" not in page and "run_check" not in page
        assert "autograder.checks" not in page
    alice = pages["alice"].read_text()
    bob = pages["bob"].read_text()
    assert "Score: 10 / 10" in alice and "class=\"bad\"" not in alice
    assert "Score: 8 / 10" in bob and "square root" in bob
    # bob's own code is shown escaped, never as markup
    assert "<script" not in bob

    with (grading / "canvas.csv").open(newline="", encoding="utf-8") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == [*CANVAS_ID_COLUMNS, LAB]
    assert canvas[1][0] == CANVAS_POINTS_ROW and canvas[1][-1] == "10"
    assert {row[2]: row[-1] for row in canvas[2:]} == {"alice": "10", "bob": "8"}
    with (grading / "moodle.csv").open(newline="", encoding="utf-8") as f:
        moodle = list(csv.DictReader(f))
    assert [(r[MOODLE_ID_COLUMN], r[LAB]) for r in moodle] == [("alice", "10"), ("bob", "8")]
    shutil.rmtree(exchange)  # nbgrader made it world-writable; leave nothing behind
