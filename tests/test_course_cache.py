"""nbgrader's course folder is built once per lab version and reused; a changed lab rebuilds it;
the gradebook writer records exactly the rows it is given, and only what changed."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from pathlib import Path

import nbformat
import pytest

from autograder import nbgrader_course, results
from autograder.course import Lab, get_lab
from autograder.formgrader_copy import formgrader_notebook
from autograder.gradebook import GradebookWriter
from autograder.nbgrader_course import course_key, prepare_course
from autograder.notebook import graded_cells, read_notebook
from autograder.written import written_answers


@pytest.fixture
def lab_copy(tmp_path) -> Lab:
    """A private copy of Lab 1's source, so a test may edit it."""
    lab = get_lab("lab1_knn")
    source = tmp_path / "solutions" / lab.name
    shutil.copytree(lab.source_dir, source)
    return Lab(lab.name, source)


def _count_generate(monkeypatch) -> list:
    calls = []
    real = nbgrader_course.generate

    def counting(api, root, lab):
        calls.append(root)
        return real(api, root, lab)

    monkeypatch.setattr(nbgrader_course, "generate", counting)
    return calls


def test_course_is_built_once_per_lab_version(lab_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = _count_generate(monkeypatch)
    first = prepare_course(tmp_path / "out1" / "nbgrader", lab_copy)
    assert len(calls) == 1 and (first / "knn.ipynb").is_file()
    second = prepare_course(tmp_path / "out2" / "nbgrader", lab_copy)  # a new class folder
    assert len(calls) == 1, "the cached course should have been copied, not rebuilt"
    assert (second / "knn.ipynb").read_bytes() == (first / "knn.ipynb").read_bytes()
    assert (tmp_path / "out2" / "nbgrader" / "gradebook.db").is_file()
    prepare_course(tmp_path / "out2" / "nbgrader", lab_copy)  # already current: nothing to do
    assert len(calls) == 1

    key = course_key(lab_copy, "nnlabs")
    notebook = lab_copy.source_dir / "knn.ipynb"
    notebook.write_text(notebook.read_text().replace("k-nearest", "k-nearest (edited)", 1))
    assert course_key(lab_copy, "nnlabs") != key
    prepare_course(tmp_path / "out2" / "nbgrader", lab_copy)
    assert len(calls) == 2, "an edited lab must be rebuilt"
    assert calls[-1] == tmp_path / "out2" / "nbgrader", "an existing gradebook is updated in place"


def test_gradebook_writer_records_rows_and_skips_unchanged(lab_copy, tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "out" / "nbgrader"
    course: Future = Future()
    course.set_result(prepare_course(root, lab_copy))
    tests = graded_cells(read_notebook(lab_copy.source_dir / "knn.ipynb"))
    folder = tmp_path / "submitted" / "ana" / lab_copy.name
    folder.mkdir(parents=True)
    shutil.copyfile(lab_copy.source_dir / "knn.ipynb", folder / "knn.ipynb")

    def rows(points: float) -> list[results.TestResult]:
        return [results.TestResult("ana", lab_copy.name, "knn.ipynb", t.name, points, t.points,
                           "passed", "ok") for t in tests]

    def write(batch: list[tuple[str, list[results.TestResult], bool]]) -> None:
        writer = GradebookWriter(course, root, lab_copy.name, ["knn.ipynb"])
        for student, student_rows, regraded in batch:
            writer.add(student, student_rows, folder, regraded)
        writer.close()

    write([("ana", rows(1.0), True)])
    copied = root / "autograded" / "ana" / lab_copy.name / "knn.ipynb"
    released = read_notebook(Path(course.result()) / "knn.ipynb")  # formgrader's copy of it
    answers = [a for a in written_answers(lab_copy.name) if a.notebook == "knn.ipynb"]
    expected = nbformat.reads(formgrader_notebook(folder / "knn.ipynb", released, answers),
                              as_version=4)
    assert [(c.source, c.metadata) for c in read_notebook(copied).cells] == [
        (c.source, c.metadata) for c in expected.cells]  # the ids of added cells are fresh
    stamp = copied.stat().st_mtime_ns
    write([("ana", rows(1.0), False)])  # a stored result, unchanged: nothing rewritten
    assert copied.stat().st_mtime_ns == stamp
    write([("ana", rows(0.5), False)])  # changed scores are written
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "nnlabs") as gb:
        for t in tests:
            assert gb.find_grade(t.name, "knn", lab_copy.name, "ana").auto_score == 0.5
        assert [s.id for s in gb.students] == ["ana"]


def test_gradebook_writer_reports_a_failure_at_close(tmp_path):
    course: Future = Future()
    course.set_exception(RuntimeError("nbgrader could not generate lab1_knn"))
    writer = GradebookWriter(course, tmp_path, "lab1_knn", ["knn.ipynb"])
    writer.add("ana", [], None, True)
    with pytest.raises(RuntimeError, match="could not generate"):
        writer.close()


def test_course_key_ignores_checkpoints(lab_copy):
    key = course_key(lab_copy, "nnlabs")
    (lab_copy.source_dir / ".ipynb_checkpoints").mkdir()
    (lab_copy.source_dir / ".ipynb_checkpoints" / "knn-checkpoint.ipynb").write_text("{}")
    assert course_key(lab_copy, "nnlabs") == key
    assert course_key(lab_copy, "other-course") != key
