"""LMS grade-import files and nbgrader feedback pages, from grading rows (no sandbox run).

Layouts checked against what the systems document: Canvas's gradebook CSV (``Student, ID,
SIS User ID, SIS Login ID, Section``, one column per assignment, a ``Points Possible`` row)
and Moodle's CSV grade import (a header row, a user identifier column, one column per grade
item). Hostile student ids and messages stay text.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import nbformat

from autograder import results
from autograder.course import LABS_DIR
from autograder.lms import export, lab_totals
from autograder.nbgrader_feedback import write_nbgrader_feedback
from autograder.report import write_csv


def _row(student, lab, test, points, max_points=2.0, message="passed", notebook="knn.ipynb"):
    status = "passed" if points == max_points else "failed"
    return results.TestResult(student, lab, notebook, test, points, max_points, status, message)


ROWS = [
    _row("alice", "lab1_knn", "test_a", 2), _row("alice", "lab1_knn", "test_b", 2),
    _row("bob", "lab1_knn", "test_a", 0, message="hidden case 1 (3-D points): take the root"),
    _row("bob", "lab1_knn", "test_b", 2),
    _row("alice", "lab2_linear", "test_svm", 3, 3.0, notebook="linear_classifiers.ipynb"),
    _row("=HYPERLINK(1)", "lab1_knn", "test_a", 1), _row("=HYPERLINK(1)", "lab1_knn", "test_b", 2),
]


def _read(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_lab_totals_one_column_per_lab():
    totals, possible = lab_totals(ROWS)
    assert possible == {"lab1_knn": 4.0, "lab2_linear": 3.0}
    assert totals["alice"] == {"lab1_knn": 4.0, "lab2_linear": 3.0}
    assert totals["bob"] == {"lab1_knn": 2.0}


def test_canvas_layout(tmp_path):
    table = _read(export(ROWS, "canvas", tmp_path / "canvas.csv"))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "lab1_knn", "lab2_linear"]
    assert table[1] == ["    Points Possible", "", "", "", "", "4", "3"]
    by_sis = {row[2]: row for row in table[2:]}
    assert by_sis["alice"][5:] == ["4", "3"]
    assert by_sis["bob"][5:] == ["2", ""]  # not graded in lab 2: blank, not zero
    hostile = by_sis["'=HYPERLINK(1)"]
    assert hostile[0] == "'=HYPERLINK(1)" and hostile[5] == "3"
    assert all(len(row) == 7 for row in table)


def test_moodle_layout(tmp_path):
    table = _read(export(ROWS, "moodle", tmp_path / "moodle.csv"))
    assert table[0] == ["ID number", "lab1_knn", "lab2_linear"]
    assert table[1:] == [["'=HYPERLINK(1)", "3", ""], ["alice", "4", "3"], ["bob", "2", ""]]


def test_export_command_joins_several_labs(tmp_path):
    lab1 = write_csv([r for r in ROWS if r.lab == "lab1_knn"], tmp_path / "a" / "grades.csv")
    lab2 = write_csv([r for r in ROWS if r.lab == "lab2_linear"], tmp_path / "b" / "grades.csv")
    out = tmp_path / "moodle.csv"
    done = subprocess.run([sys.executable, "-m", "autograder", "export", "moodle", str(lab1),
                           str(lab2), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _read(out)[0] == ["ID number", "lab1_knn", "lab2_linear"]
    missing = subprocess.run([sys.executable, "-m", "autograder", "export", "canvas",
                              str(tmp_path / "nope.csv"), "--out", str(out)],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "cannot read the grades" in missing.stderr


def test_feedback_page_escapes_and_hides_hidden_tests(tmp_path):
    released = nbformat.read(LABS_DIR / "lab1_knn" / "knn.ipynb", as_version=4)
    handed_in = nbformat.read(LABS_DIR / "lab1_knn" / "knn.ipynb", as_version=4)
    test_cells = [c for c in handed_in.cells if c.metadata.get("nbgrader", {}).get("grade")]
    test_cells[0].source = "# rewritten by the student\nassert True"
    first_solution = next(c for c in handed_in.cells
                          if c.metadata.get("nbgrader", {}).get("solution"))
    first_solution.source = "<script>alert(1)</script>\n    indented()"
    folder = tmp_path / "submitted" / "bob" / "lab1_knn"
    folder.mkdir(parents=True)
    nbformat.write(handed_in, folder / "knn.ipynb")
    (folder / "timestamp.txt").write_text("2026-12-01 22:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text("<b>not hex</b>")
    grade_id = test_cells[0].metadata.nbgrader.grade_id
    rows = [results.TestResult("bob", "lab1_knn", "knn.ipynb", grade_id, 0.0, 2.0, "failed",
                       "hidden case 2 (<img src=x onerror=alert(1)>): wrong")]
    [page] = write_nbgrader_feedback(rows, tmp_path / "submitted", {"knn.ipynb": released},
                                     tmp_path / "course")
    assert page == tmp_path / "course" / "feedback" / "bob" / "lab1_knn" / "knn.html"
    text = page.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "    indented()" in text  # code keeps its indentation
    assert "<img" not in text and "&lt;img" in text
    assert "rewritten by the student" not in text  # the released test cell is shown instead
    assert "BEGIN HIDDEN" not in text and "run_check" not in text
    assert "Score: 0 / 2" in text
    stamps = page.parent
    assert (stamps / "timestamp.txt").read_text() == "2026-12-01 22:00:00.000000 UTC"
    assert not (stamps / "submission_secret.txt").exists()  # not a secret nbgrader wrote
