"""The self-study door: ``check`` on a whole labs folder, its progress table and hint tiers.

Fast tests cover how a hidden-case message splits into its tiers and how the progress file
survives bad content. The slow test checks a labs folder three times through the sandbox, as
a reader would: with a typical mistake (the table names the failing case but not the mistake),
again with ``--more`` through the ``nnlabs`` entry point (the likely mistake appears), then
fixed (full marks, and "next" points at the next lab); the progress file carries over.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from autograder.course import LABS_DIR
from autograder.samples import find_variant, make_submission
from course_utils.progress import PROGRESS_FILE, GradedTest, Progress, split_hint

MISTAKE = "mutants/two_loops_missing_sqrt"


@pytest.mark.parametrize(("message", "first", "second"), [
    ("hidden case 1 (4 test and 6 training points in 3-D): these are squared distances: take "
     "the square root", "hidden case 1 (4 test and 6 training points in 3-D)",
     "these are squared distances: take the square root"),
    ("hidden case 3 (a (2, 3) input: ties): wrong label", "hidden case 3 (a (2, 3) input: ties)",
     "wrong label"),
    ("hidden case 12: wrong shape (3, 4)", "hidden case 12", "wrong shape (3, 4)"),
    ("compute_distances_two_loops is not defined", "compute_distances_two_loops is not defined",
     ""),
])
def test_hint_tiers_split_after_the_case_label(message, first, second):
    assert split_hint(message) == (first, second)


def test_progress_table_keeps_earlier_labs_and_says_what_next(tmp_path):
    progress = Progress(tmp_path)
    progress.record("lab1_knn", [GradedTest("knn.ipynb", "test_a", 2, 2, True),
                                 GradedTest("knn.ipynb", "test_b", 0, 3, False,
                                              "hidden case 2 (ties): smallest label wins")],
                    kind="hidden")
    progress.save()
    again = Progress(tmp_path)
    table = again.table(["lab1_knn", "lab2_linear"])
    assert "lab1_knn" in table and "2 / 5" in table and "hidden case 2 (ties)" in table
    assert "smallest label wins" not in table
    assert "smallest label wins" in again.table(["lab1_knn"], more=True)
    assert "lab2_linear      not checked yet" in table
    assert "next: lab1_knn: fix test_b in knn.ipynb" in table


def test_unreadable_progress_file_is_ignored_with_a_note(tmp_path):
    (tmp_path / PROGRESS_FILE).write_text("{not json")
    progress = Progress(tmp_path)
    assert progress.labs == {} and "ignored an unreadable" in progress.table(["lab1_knn"])


def _check(args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


@pytest.mark.slow
def test_check_whole_folder_with_tiers_and_kept_progress(tmp_path):
    lab = tmp_path / "lab1_knn"
    lab.mkdir()
    notebook = lab / "knn.ipynb"
    mistake = find_variant("lab1_knn", MISTAKE)
    nbformat.write(make_submission("lab1_knn", "knn.ipynb", mistake, LABS_DIR), notebook)
    first = _check(["-m", "autograder", "check"], tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr[-2000:]
    assert "FAIL  test_distances_two_loops" in first.stdout
    assert "hidden case 1" in first.stdout and "square root" not in first.stdout
    assert "lab2_linear      not checked yet" in first.stdout
    assert "next: lab1_knn: fix test_distances_two_loops" in first.stdout

    more = _check(["-m", "course_utils.cli", "check", "--more", "--answers"], tmp_path)
    assert more.returncode == 1 and "likely mistake:" in more.stdout
    assert "square root" in more.stdout
    assert "== lab1_knn / knn.ipynb: model answers to the written questions ==" in more.stdout
    assert "Your answer: (not answered yet)" in more.stdout and "Rubric:" in more.stdout

    nbformat.write(make_submission("lab1_knn", "knn.ipynb", "solution", LABS_DIR), notebook)
    fixed = _check(["-m", "autograder", "check", str(lab)], tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr[-2000:]
    assert "lab1_knn           10 / 10" in fixed.stdout
    assert "next: start lab2_linear" in fixed.stdout
    kept = json.loads((tmp_path / PROGRESS_FILE).read_text())
    assert list(kept["labs"]) == ["lab1_knn"]
