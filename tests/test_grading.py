"""End to end: the sandboxed grader on sample submissions of every lab, on bundled data.

One grading run per lab (module fixture) feeds the assertions: full marks for the solution and
every correct alternative, zero for the blank release on every graded cell, a known mistake
per graded test losing exactly that test's points (the same files the in-process tests use,
here through the sandbox), clear rows for missing and corrupt notebooks, feedback without
hidden test code, submissions left untouched, grades in nbgrader's gradebook, and a run that
resumes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.classroom import grade_all
from autograder.course import REPO_ROOT, all_labs
from autograder.notebook import graded_cells, read_notebook
from autograder.release import build_release
from autograder.report import COLUMNS, read_csv, write_csv, write_feedback
from autograder.samples import variants, write_broken, write_submissions

pytestmark = pytest.mark.slow
LABS = all_labs()


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


# Keeps the main group of test_distances_no_loops and loses its edge cases: 1 of 2 points.
PARTIAL_CREDIT_MUTANT = "no_loops_no_clip"


def _write_samples(lab, release: Path, submitted: Path) -> dict:
    """The demo's builder (samples.write_submissions and write_broken) on this test's pick:
    one known mistake per graded test through the sandbox (tests/test_checks.py runs every
    mutant in-process with the same attempt and judge code), a mistake confined to one case
    group (partial credit through the sandbox and nbgrader), and every alternative."""
    samples = {"solution": "solution", "blank": "blank"}
    first_per_test = {}
    for mutant in variants(lab.name, "mutants"):
        first_per_test.setdefault(mutant.breaks, mutant)
    samples.update({f"mutant-{m.name}": m for m in first_per_test.values()})
    samples.update({f"mutant-{m.name}": m for m in variants(lab.name, "mutants")
                    if m.name == PARTIAL_CREDIT_MUTANT})
    samples.update({f"alternative-{a.name}": a for a in variants(lab.name, "alternatives")})
    write_submissions(lab.name, release, submitted, samples)
    write_broken(lab.name, release, submitted)
    return samples


@pytest.fixture(scope="module", params=LABS, ids=[lab.name for lab in LABS])
def graded(request, tmp_path_factory):
    lab = request.param
    out = tmp_path_factory.mktemp(lab.name)
    build_release([lab], out / "release")
    samples = _write_samples(lab, out / "release", out / "submitted")
    before = _tree_digest(out / "submitted")
    started = time.perf_counter()
    rows = grade_all(out / "submitted", lab.name, out / "grading", workers=2)
    seconds = time.perf_counter() - started
    print(f"\n{lab.name}: graded {len(samples) + 2} submissions in {seconds:.1f} s")
    mutants = [v for v in samples.values() if getattr(v, "breaks", None)]
    return lab, out, rows, mutants, before


def _by(rows, student):
    return {r.test: r for r in rows if r.student == student}


def test_solution_and_alternative_get_full_marks(graded):
    lab, _, rows, _, _ = graded
    students = {r.student for r in rows if r.student.startswith(("solution", "alternative"))}
    for student in students:
        mine = _by(rows, student)
        assert all(r.points == r.max_points and r.status == "passed" for r in mine.values()), mine


def test_blank_release_scores_zero_on_every_graded_cell(graded):
    lab, _, rows, _, _ = graded
    blank = _by(rows, "blank")
    expected = {t.name for nb in lab.notebooks for t in graded_cells(read_notebook(nb))}
    assert set(blank) == expected
    assert all(r.points == 0 and r.status == "failed" for r in blank.values())
    assert all("not implemented" in r.message or "was not found" in r.message  # saved model
               for r in blank.values()), blank


def test_mutant_loses_points_only_on_its_test(graded):
    _, _, rows, mutants, _ = graded
    for mutant in mutants:
        mine = _by(rows, f"mutant-{mutant.name}")
        lost = {t for t, r in mine.items() if r.points < r.max_points}
        assert lost == {mutant.breaks, *mutant.also_breaks}, (mutant.name, mine)
        row = mine[mutant.breaks]
        assert row.message.startswith(("hidden case", f"{row.points:g} of ")), row


def test_partial_credit_keeps_the_groups_that_pass(graded):
    lab, _, rows, _, _ = graded
    if lab.name != "lab1_knn":
        pytest.skip(f"the partial-credit sample, {PARTIAL_CREDIT_MUTANT}, is a Lab 1 mutant")
    row = _by(rows, f"mutant-{PARTIAL_CREDIT_MUTANT}")["test_distances_no_loops"]
    assert (row.points, row.max_points, row.status) == (1.0, 2.0, "failed"), row
    assert row.message.startswith("1 of 2 points: partial credit, main behaviour passed; "
                                  "edge cases failed: hidden case"), row.message
    assert "NaN" in row.message


def test_missing_and_corrupt_notebooks_get_zero_rows_with_the_reason(graded):
    lab, _, rows, _, _ = graded
    missing, corrupt = _by(rows, "missing-notebook"), _by(rows, "corrupt-json")
    assert missing and all(r.status == "missing" and r.points == 0 for r in missing.values())
    assert all("is missing" in r.message for r in missing.values())
    assert corrupt and all(r.status == "invalid" and r.points == 0 for r in corrupt.values())
    assert all("not valid notebook JSON" in r.message for r in corrupt.values())


def test_submissions_are_never_modified(graded):
    _, out, _, _, before = graded
    assert _tree_digest(out / "submitted") == before


def test_csv_and_feedback(graded, tmp_path):
    lab, _, rows, mutants, _ = graded
    mutant = mutants[0]
    path = write_csv(rows, tmp_path / "grades.csv")
    assert path.read_text().splitlines()[0].split(",") == COLUMNS
    assert read_csv(path) == rows
    files = write_feedback(rows, tmp_path / "feedback")
    assert len(files) == len({r.student for r in rows})
    text = (tmp_path / "feedback" / f"mutant-{mutant.name}" / f"{lab.name}.md").read_text()
    assert mutant.breaks in text and "hidden case" in text
    assert all("run_check" not in f.read_text() and "BEGIN HIDDEN" not in f.read_text()
               for f in files)


def _lab1_only(lab) -> None:
    # The command line, the gradebook and the resume logic do not depend on the lab; one lab
    # shows them, which keeps the default test run within its time budget.
    if lab.name != "lab1_knn":
        pytest.skip("lab-independent path: shown on lab1_knn")


def test_cli_grade_writes_outputs_and_reports_bad_arguments(graded, tmp_path):
    lab, out, _, _, _ = graded
    _lab1_only(lab)
    one = tmp_path / "one"
    one.mkdir()
    shutil.copytree(out / "submitted" / "solution", one / "solution")  # a link is refused
    env = {**os.environ, "NNLABS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(one), "--lab", lab.name,
         "--out", str(tmp_path / "result")],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "solution" in proc.stdout
    rows = read_csv(tmp_path / "result" / "grades.csv")
    assert {r.student for r in rows} == {"solution"}
    assert sum(r.points for r in rows) == sum(r.max_points for r in rows)
    bad = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(one), "--lab", "lab9_nope"],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=120,
    )
    assert bad.returncode == 2 and "unknown lab 'lab9_nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_grades_are_in_nbgraders_gradebook(graded):
    from nbgrader.api import Gradebook

    lab, out, rows, _, _ = graded
    _lab1_only(lab)
    course = out / "grading" / "nbgrader"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nnlabs") as gb:
        for row in rows:
            grade = gb.find_grade(row.test, Path(row.notebook).stem, lab.name, row.student)
            assert grade.score == row.points, row
    export = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "export",
         f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///"
         f"{course / 'gradebook.db'}", "--to", str(out / "export.csv")],
        capture_output=True, text=True, cwd=course, timeout=300)
    assert export.returncode == 0, export.stderr[-2000:]
    exported = (out / "export.csv").read_text()
    assert "solution" in exported and "mutant-" in exported


def test_rerun_grades_only_what_changed(graded, tmp_path):
    lab, out, rows, _, _ = graded
    _lab1_only(lab)
    store = out / "grading" / "results"
    stamps = {p.name: p.stat().st_mtime_ns for p in store.glob("*.json")}
    blank_folder = out / "submitted" / "blank" / lab.name
    saved = tmp_path / "blank"
    shutil.copytree(blank_folder, saved)
    try:  # the blank student hands in the solution's files instead
        shutil.rmtree(blank_folder)
        shutil.copytree(out / "submitted" / "solution" / lab.name, blank_folder)
        again = grade_all(out / "submitted", lab.name, out / "grading", workers=2)
    finally:
        shutil.rmtree(blank_folder)
        shutil.copytree(saved, blank_folder)
    changed = {p.name for p in store.glob("*.json") if p.stat().st_mtime_ns != stamps[p.name]}
    assert changed == {"blank.json"}
    assert len(again) == len(rows)  # one row per student and test: nothing counted twice
    assert all(r.status == "passed" for r in again if r.student == "blank")


def test_a_killed_run_resumes_without_double_counting(graded, tmp_path):
    lab, out, rows, _, _ = graded
    _lab1_only(lab)
    result = tmp_path / "result"
    argv = [sys.executable, "-m", "autograder", "grade", str(out / "submitted"), "--lab",
            lab.name, "--out", str(result), "--workers", "1"]
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list((result / "results").glob("*.json"))) < 3:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list((result / "results").glob("*.json")))
    students = len({r.student for r in rows})
    assert 3 <= partial < students
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    again = read_csv(result / "grades.csv")
    assert sorted((r.student, r.test, r.points) for r in again) == sorted(
        (r.student, r.test, r.points) for r in rows)


def test_check_command_for_self_study(graded, tmp_path):
    lab, out, _, mutants, _ = graded
    nb = lab.notebooks[0].name
    ok = subprocess.run([sys.executable, "-m", "autograder", "check",
                         str(out / "submitted" / "solution" / lab.name / nb)],
                        capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert ok.returncode == 0, ok.stdout + ok.stderr[-2000:]
    assert "FAIL" not in ok.stdout and "PASS" in ok.stdout
    mutant = next(m for m in mutants if any(t.name == m.breaks for t in
                                             graded_cells(read_notebook(lab.source_dir / nb))))
    bad = subprocess.run([sys.executable, "-m", "autograder", "check", "--lab", lab.name,
                          str(out / "submitted" / f"mutant-{mutant.name}" / lab.name / nb)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert bad.returncode == 1
    assert f"FAIL  {mutant.breaks}" in bad.stdout and "hidden case" in bad.stdout
    assert "Traceback" not in bad.stderr
