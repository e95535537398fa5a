"""End to end: real nbgrader autograde on sample submissions of every lab, on bundled data.

One grading run per lab (module fixture) feeds all the assertions: full marks for the
solution and a correct alternative, zero for the blank release on every graded cell, a
mutant losing exactly its test's points, clear rows for missing and corrupt notebooks,
feedback without hidden test code, and submissions left untouched.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import REPO_ROOT, all_labs
from autograder.grade import grade_all
from autograder.notebook import graded_cells, read_notebook
from autograder.release import build_release
from autograder.report import COLUMNS, read_csv, write_csv, write_feedback
from autograder.samples import make_submission, variants
from course_utils.data import BUNDLED_DIR

pytestmark = pytest.mark.slow
# Stock nbgrader executes every cell of a notebook, training included; it stays the
# baseline for Lab 1 only. Every lab is graded end to end by the engine in autograder/.
LABS = [lab for lab in all_labs() if lab.name == "lab1_knn"]
# Mutants graded end to end besides each lab's first: ones that stress the kernel itself.
EXTRA_MUTANTS = {"lab1_knn": ["no_loops_broadcast_3d"]}  # a 24 GB array: MemoryError, not death


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module", params=LABS, ids=[lab.name for lab in LABS])
def graded(request, tmp_path_factory):
    lab = request.param
    out = tmp_path_factory.mktemp(lab.name)
    build_release([lab], out / "release")
    mutants = variants(lab.name, "mutants")
    chosen = [mutants[0]] + [m for m in mutants if m.name in EXTRA_MUTANTS.get(lab.name, [])]
    samples = {"solution": "solution", "blank": "blank"}
    samples.update({f"mutant-{m.name}": m for m in chosen})
    for alternative in variants(lab.name, "alternatives"):
        samples[f"alternative-{alternative.name}"] = alternative
    submitted = out / "submitted"
    for student, variant in samples.items():
        for nb in lab.notebooks:
            folder = submitted / student / lab.name
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(make_submission(lab.name, nb.name, variant, out / "release"),
                           folder / nb.name)
    (submitted / "missing" / lab.name).mkdir(parents=True)
    for nb in lab.notebooks:
        (submitted / "corrupt" / lab.name).mkdir(parents=True, exist_ok=True)
        (submitted / "corrupt" / lab.name / nb.name).write_text('{"cells": [')
    before = _tree_digest(submitted)

    saved = {k: os.environ.get(k) for k in ("NNLABS_DATA", "NNLABS_OFFLINE")}
    os.environ.update(NNLABS_DATA=str(BUNDLED_DIR), NNLABS_OFFLINE="1")
    started = time.perf_counter()
    try:
        rows = grade_all(submitted, lab.name, out / "grading")
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    seconds = time.perf_counter() - started
    print(f"\n{lab.name}: graded {len(samples) + 2} submissions in {seconds:.1f} s")
    return lab, out, rows, chosen, before


def _by(rows, student):
    return {r.test: r for r in rows if r.student == student}


def test_solution_and_alternative_get_full_marks(graded):
    lab, _, rows, _, _ = graded
    students = {r.student for r in rows if r.student.startswith(("solution", "alternative"))}
    for student in students:
        mine = _by(rows, student)
        assert all(r.points == r.max_points and r.status == "passed" for r in mine.values()), mine


def test_solution_notebook_runs_top_to_bottom_without_errors_and_draws_figures(graded):
    lab, out, _, _, _ = graded
    for nb in lab.notebooks:
        executed = read_notebook(out / "grading" / "nbgrader" / "autograded" / "solution"
                                 / lab.name / nb.name)
        outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
        errors = [o for o in outputs if o.output_type == "error"]
        assert errors == []
        assert any("image/png" in o.get("data", {}) for o in outputs), "no figure was drawn"


def test_blank_release_scores_zero_on_every_graded_cell(graded):
    lab, _, rows, _, _ = graded
    blank = _by(rows, "blank")
    expected = {t.name for nb in lab.notebooks for t in graded_cells(read_notebook(nb))}
    assert set(blank) == expected
    assert all(r.points == 0 and r.status == "failed" for r in blank.values())
    assert all("NotImplementedError" in r.message or "not implemented" in r.message
               for r in blank.values())


def test_mutant_loses_points_only_on_its_test(graded):
    _, _, rows, mutants, _ = graded
    for mutant in mutants:
        mine = _by(rows, f"mutant-{mutant.name}")
        lost = {t for t, r in mine.items() if r.points < r.max_points}
        assert lost == {mutant.breaks}, (mutant.name, mine)
        assert mine[mutant.breaks].message.startswith("AssertionError: hidden case")


def test_missing_and_corrupt_notebooks_get_zero_rows_with_the_reason(graded):
    lab, _, rows, _, _ = graded
    missing, corrupt = _by(rows, "missing"), _by(rows, "corrupt")
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


def test_cli_grade_writes_outputs_and_reports_bad_arguments(graded, tmp_path):
    lab, out, _, _, _ = graded
    one = tmp_path / "one"
    one.mkdir()
    (one / "solution").symlink_to(out / "submitted" / "solution", target_is_directory=True)
    env = {**os.environ, "NNLABS_DATA": str(BUNDLED_DIR), "NNLABS_OFFLINE": "1"}
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
