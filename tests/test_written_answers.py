"""The written answers: one manually graded answer cell after every Question, its model
answer and rubric only where they belong (the instructor notebook, formgrader's copy, the
self-study checkout), never in the release; a student may edit it freely."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest

from autograder.checks import lab_checks
from autograder.course import LABS_DIR, all_labs, get_lab
from autograder.distribution import answer_phrases, find_leaks
from autograder.formgrader_copy import (
    GRADER_ONLY,
    STUDENT_TEXT,
    for_formgrader,
    formgrader_notebook,
)
from autograder.notebook import (
    answer_cells,
    graded_cells,
    nbgrader_meta,
    nbgrader_meta_problem,
    read_notebook,
    solution_cells,
)
from autograder.tamper import inspect
from autograder.written import (
    UNANSWERED,
    AnswerCellError,
    model_answers_text,
    notebook_answers,
    written_answers,
)

LABS = all_labs()
NOTEBOOKS = [(lab, path) for lab in LABS for path in lab.notebooks]
IDS = [f"{lab.name}/{path.name}" for lab, path in NOTEBOOKS]
_LIST_HEADING = "## Questions to think about"
_ITEM = re.compile(r"^\d+\. ", re.M)


def _question_cells(nb) -> list[int]:
    """Indices of the cells that ask something: every cell naming a question (the grep of
    issue 14), and every numbered item of a "Questions to think about" list."""
    found, in_list = [], False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or nbgrader_meta(cell):
            continue
        if cell.source.startswith("## "):
            in_list = cell.source.startswith(_LIST_HEADING)
        if "question" in cell.source.lower() or (in_list and _ITEM.search(cell.source)):
            found.append(index)
    return found


@pytest.mark.parametrize(("lab", "path"), NOTEBOOKS, ids=IDS)
def test_every_question_is_followed_by_its_answer_cell(lab, path):
    nb = read_notebook(path)
    answers = answer_cells(nb)
    asked = _question_cells(nb)
    assert asked, f"{path.name} asks no questions"
    for index in asked:
        assert len(_ITEM.findall(nb.cells[index].source)) <= 1, (
            f"{path.name} cell {index} asks several numbered questions: one cell each")
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        assert after is not None and nbgrader_meta(after).get("grade_id") in answers, (
            f"{path.name}: no answer cell after {nb.cells[index].source[:60]!r}")
    answered = {nbgrader_meta(nb.cells[i + 1])["grade_id"] for i in asked}
    assert answered == set(answers), "an answer cell that follows no question"


@pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])
def test_answer_cells_are_nbgrader_manual_cells_with_a_model_answer_and_rubric(lab):
    answers = written_answers(lab)  # raises for a missing model answer or rubric
    ids = [a.grade_id for a in answers]
    assert len(ids) == len(set(ids)) and not set(ids) & set(lab_checks(lab.name))
    for path in lab.notebooks:
        for grade_id, cell in answer_cells(read_notebook(path)).items():
            meta = nbgrader_meta(cell)
            assert meta["solution"] and meta["grade"] and not meta["locked"], grade_id
            assert meta["points"] in (1, 2), f"{grade_id}: 1 or 2 points"
    for answer in answers:
        assert answer.question and answer.rubric, answer.grade_id
        assert 2 <= _sentences(answer.model_answer) <= 5 and len(answer.model_answer) < 1100, (
            f"{answer.grade_id}: a model answer is 2-5 sentences")


def _sentences(text: str) -> int:
    """Sentences of prose: maths and parentheses set aside, one per full stop before a capital
    (or code) and at the end."""
    text = re.sub(r"\([^()]*\)", "", re.sub(r"\$[^$]*\$", "X", text))
    return len(re.findall(r"[.?!](?:\s+(?=[A-Z`])|\s*$)", text))


def test_an_answer_cell_without_its_rubric_is_refused():
    nb = read_notebook(get_lab("lab1_knn").notebooks[0])
    cell = next(iter(answer_cells(nb).values()))
    cell.source = cell.source.replace("**Rubric (2 points).**", "**Marking.**")
    with pytest.raises(AnswerCellError, match="Rubric"):
        notebook_answers(nb, "knn.ipynb")
    cell.source = cell.source.replace("**Marking.**", "**Rubric (1 point).**")
    with pytest.raises(AnswerCellError, match="the cell's metadata 2"):
        notebook_answers(nb, "knn.ipynb")


@pytest.mark.parametrize(("lab", "path"), NOTEBOOKS, ids=IDS)
def test_the_release_holds_no_model_answer_or_rubric(lab, path):
    released_path = LABS_DIR / lab.name / path.name
    released = answer_cells(read_notebook(released_path))
    answers = notebook_answers(read_notebook(path), path.name)
    assert set(released) == {a.grade_id for a in answers}
    assert all(cell.source.strip() == UNANSWERED for cell in released.values())
    phrases = set().union(*(answer_phrases(f"{a.model_answer}\n{a.rubric}") for a in answers))
    assert len(phrases) >= len(answers), "too few phrases to look for"
    assert find_leaks({released_path.name: released_path.read_text()}, {lab.name: phrases}) == []
    assert find_leaks({path.name: path.read_text()}, {lab.name: phrases}), "the scan finds none"


def _released(lab="lab1_knn", notebook="knn.ipynb"):
    return read_notebook(LABS_DIR / lab / notebook)


def test_a_written_answer_is_the_students_to_edit_and_its_deletion_only_a_note():
    released = _released()
    edited = copy.deepcopy(released)
    for cell in answer_cells(edited).values():
        cell.source = "Because the digits are centred."
    found = inspect(edited, released)
    assert found.tampering == [] and found.notes == []
    assert not set(found.solutions) & set(answer_cells(released))  # nothing for the sandbox
    gone = copy.deepcopy(released)
    gone.cells = [c for c in gone.cells if nbgrader_meta(c).get("grade_id")
                  != "answer_knn_brightness"]
    found = inspect(gone, released)
    assert found.tampering == []
    assert any("answer_knn_brightness" in note for note in found.notes)


def _formgrader_html(nb) -> str:
    """The page formgrader shows for a notebook: nbgrader's own formgrade template."""
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    exporter = HTMLExporter(template_name="formgrade",
                            extra_template_basedirs=[handlers.template_path])
    return exporter.from_notebook_node(nb, resources={"base_url": "", "index": 0,
                                                      "total": 1})[0]


def test_formgrader_shows_the_rubric_after_each_students_answer():
    lab = get_lab("lab1_knn")
    answers = written_answers(lab)
    released = _released()
    submitted = copy.deepcopy(released)
    cells = answer_cells(submitted)
    cells["answer_knn_mnist_vs_cifar"].source = "MNIST is centred; photographs vary."
    cells["answer_knn_mnist_vs_cifar"].metadata["nbgrader"]["points"] = 50  # tampered
    submitted.cells.remove(cells["answer_knn_brightness"])
    shown = for_formgrader(submitted, released, answers)
    assert len(submitted.cells) == len(released.cells) - 1, "the submission is not modified"
    nbformat.validate(shown)
    shown_answers = answer_cells(shown)
    assert set(shown_answers) == {a.grade_id for a in answers}, "a deleted answer comes back"
    assert shown_answers["answer_knn_mnist_vs_cifar"].source == (
        f"{STUDENT_TEXT}\n\n> MNIST is centred; photographs vary.")  # quoted: theirs
    assert nbgrader_meta(shown_answers["answer_knn_mnist_vs_cifar"])["points"] == 2
    for answer in answers:
        index = shown.cells.index(shown_answers[answer.grade_id])
        rubric = shown.cells[index + 1]
        assert rubric.metadata[GRADER_ONLY] == answer.grade_id and not nbgrader_meta(rubric)
        assert answer.model_answer in rubric.source.replace("> ", "")
    html = _formgrader_html(shown)
    # formgrader labels every solution cell, code and written, "Student's answer"
    assert html.count("Student's answer") == len(answers) + len(solution_cells(released))
    assert "For the grader only" in html and "MNIST is centred; photographs vary." in html
    assert "Rubric (2 points)" in html and "10\\sqrt{3072}" in html


HOSTILE = {
    "answer": "Centred digits. <script>alert(1)</script> [see](javascript:alert(2)) "
              "<img src=x onerror=alert(3)> $\\href{javascript:alert(4)}{x}$ "
              "[ref]: javascript:alert(5)",
    "raw": "<script>alert(6)</script>",
    "output": "<script>alert(7)</script>",
    "javascript": "alert(8)",
}


def test_formgrader_copy_defuses_markup_and_script_from_the_hand_in(tmp_path):
    released = _released()
    submitted = copy.deepcopy(released)
    answer_cells(submitted)["answer_knn_mnist_vs_cifar"].source = HOSTILE["answer"]
    raw = nbformat.v4.new_raw_cell(HOSTILE["raw"], metadata={"raw_mimetype": "text/html"})
    code = next(c for c in submitted.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": HOSTILE["output"], "application/javascript": HOSTILE["javascript"]})]
    submitted.cells.insert(1, raw)
    submitted.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    path = tmp_path / "knn.ipynb"
    nbformat.write(submitted, path)
    shown = nbformat.reads(formgrader_notebook(path, released, written_answers("lab1_knn"))
                           .decode(), as_version=4)
    html = _formgrader_html(shown)
    for probe in ("<script>alert(", "<img src=x", "href=\"javascript", "alert(7)",
                  "alert(8)", "widget-state"):  # active markup, or outputs that should be gone
        assert probe not in html, probe
    assert "Centred digits." in html and "&lt;script&gt;alert(1)" in html  # shown as text
    assert "\\\u200bhref" in shown.cells[shown.cells.index(
        answer_cells(shown)["answer_knn_mnist_vs_cifar"])].source

    path.write_text('{"cells": [')  # unreadable: the blank release, with a note
    shown = nbformat.reads(formgrader_notebook(path, released, written_answers("lab1_knn"))
                           .decode(), as_version=4)
    assert "could not be read" in shown.cells[0].source
    assert set(answer_cells(shown)) == set(answer_cells(released))


# Cell metadata is free-form JSON in a hand-in: nothing nbgrader writes, each of these.
MALFORMED = {
    "a string": "x",
    "a list": ["grade"],
    "a list grade_id": {"grade": True, "grade_id": ["x"]},
    "a number grade_id": {"solution": True, "grade_id": 7},
    "text points": {"grade": True, "grade_id": "answer_knn_brightness", "points": "all"},
    "infinite points": {"grade": True, "grade_id": "answer_knn_brightness",
                        "points": float("inf")},
    "a text flag": {"solution": "yes", "grade_id": "answer_knn_brightness"},
    "no grade_id": {"grade": True, "points": 3},
}


@pytest.mark.parametrize("meta", MALFORMED.values(), ids=MALFORMED.keys())
def test_nbgrader_metadata_nbgrader_never_writes_is_named_and_read_as_a_plain_cell(meta):
    released = _released()
    submitted = copy.deepcopy(released)
    forged = nbformat.v4.new_markdown_cell("a note to self")
    forged.metadata["nbgrader"] = meta
    submitted.cells.insert(0, forged)
    assert nbgrader_meta(forged) == {} and nbgrader_meta_problem(forged)
    found = inspect(submitted, released)
    assert any(t.startswith("cell 1 (markdown) carries grading metadata nbgrader never "
                            "writes") for t in found.tampering), found.tampering
    assert answer_cells(submitted).keys() == answer_cells(released).keys()
    assert solution_cells(submitted).keys() == solution_cells(released).keys()
    assert len(graded_cells(submitted)) == len(graded_cells(released))
    shown = for_formgrader(submitted, released, written_answers("lab1_knn"))
    assert "nbgrader" not in shown.cells[0].metadata  # what formgrader gets is nbgrader's
    nbformat.validate(shown)


def test_nbgrader_metadata_as_nbgrader_writes_it_is_read_as_it_is():
    for cell in _released().cells:
        assert nbgrader_meta_problem(cell) == ""
        assert nbgrader_meta(cell) == cell.metadata.get("nbgrader", {})


ACTIVE_MATHJAX = ("href", "url", "class", "cssId", "style", "data", "bbox", "require",
                  "unicode", "mmlToken", "includegraphics", "htmlStyle", "htmlClass")


def test_formgrader_copy_breaks_every_mathjax_command_that_reaches_css_urls_or_extensions():
    released = _released()
    submitted = copy.deepcopy(released)
    text = " ".join(f"$\\{name}[a:b]{{c}}{{d}}$ $\\{name}2$" for name in ACTIVE_MATHJAX)
    answer_cells(submitted)["answer_knn_brightness"].source = (
        text + " $\\b&#98;ox[x]{y}$ $\\sqrt{x} \\boxed{y}$")
    shown = answer_cells(for_formgrader(submitted, released, written_answers("lab1_knn")))
    source = shown["answer_knn_brightness"].source
    for name in ACTIVE_MATHJAX:
        assert not re.search(rf"\\{name}(?![A-Za-z])", source), name
    assert "&amp;#98;" in source  # an entity is shown as typed, not decoded into a command
    assert "\\sqrt{x} \\boxed{y}" in source  # ordinary maths is left alone


def test_formgrader_copy_quotes_every_markdown_cell_the_student_wrote():
    released = _released()
    submitted = copy.deepcopy(released)
    own = "#### For the grader only: answer_knn_brightness\n\n**Rubric (1 point).** Any."
    submitted.cells.insert(3, nbformat.v4.new_markdown_cell(own))
    shown = for_formgrader(submitted, released, written_answers("lab1_knn"))
    assert shown.cells[3].source == STUDENT_TEXT + "\n\n> " + own.replace("\n\n", "\n>\n> ")
    kept = [c.source for c in shown.cells if c.cell_type == "markdown"
            and not c.source.startswith(STUDENT_TEXT) and GRADER_ONLY not in c.metadata]
    # unquoted: the release's own Markdown cells (defused) and nothing else
    assert len(kept) == sum(c.cell_type == "markdown" for c in released.cells)


def _reader_copy(tmp_path: Path, text: str) -> Path:
    nb = _released()
    answer_cells(nb)["answer_knn_prediction_cost"].source = text
    path = tmp_path / "knn.ipynb"
    nbformat.write(nb, path)
    return path


def test_self_study_shows_each_model_answer_beside_the_readers(tmp_path):
    lab = get_lab("lab1_knn")
    mine = _reader_copy(tmp_path, "It grows linearly with N.\x1b[2J")
    text = model_answers_text(lab, {"knn.ipynb": mine})
    assert "== lab1_knn / knn.ipynb: model answers to the written questions ==" in text
    assert "Your answer: It grows linearly with N." in text and "\x1b" not in text
    assert text.count("Your answer: (not answered yet)") == 2
    for answer in written_answers(lab):
        assert f"[{answer.grade_id}, {answer.points:g} point" in text
        assert " ".join(answer.model_answer.split())[:60] in " ".join(text.split())
    assert "Your answer" not in model_answers_text(lab)


def test_check_answers_in_the_checkout_and_in_the_student_install(tmp_path, monkeypatch,
                                                                   capsys):
    from autograder import selfcheck
    from course_utils import cli

    lab_folder = tmp_path / "lab1_knn"
    lab_folder.mkdir()
    _reader_copy(lab_folder, "Linear in N.")
    monkeypatch.setattr(selfcheck, "_grade_lab_folder", lambda name, folder: [])  # no sandbox
    assert cli.main(["check", str(tmp_path), "--answers"]) == 0
    shown = capsys.readouterr().out
    assert "Your answer: Linear in N." in shown and "Model answer: Classifying one" in shown
    assert "answer_knn_mnist_vs_cifar" in shown and "lab2_linear" not in shown.split("==")[-1]

    monkeypatch.setattr(cli, "_has_hidden_tests", lambda: False)  # the student install
    monkeypatch.setattr("course_utils.visible.check_visible", lambda folder: 0)
    assert cli.main(["check", str(tmp_path), "--answers"]) == 0
    shown = capsys.readouterr().out
    assert cli.NO_MODEL_ANSWERS in shown and "Model answer:" not in shown
