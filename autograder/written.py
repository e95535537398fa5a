"""Written answers: the questions graded by hand, with their model answers and rubrics.

Every "Question" of an instructor notebook is followed by an nbgrader *manually graded
answer* cell: Markdown, ``solution`` and ``grade`` in its metadata, with points. In
``solutions/`` its solution region holds the model answer and the rubric::

    ### BEGIN SOLUTION
    **Model answer.** Two to five sentences, maths in LaTeX.

    **Rubric (2 points).** What earns each point, and what earns part of one.
    ### END SOLUTION

The release replaces the region with nbgrader's "YOUR ANSWER HERE", so a student receives
neither. They reach two readers, both working from a copy of the course repository:

- the instructor, in formgrader: the student's notebook that grading copies into the course
  folder's ``autograded/`` carries, right after each answer cell, a cell for the grader only
  with the model answer and the rubric (:mod:`autograder.formgrader_copy`). That is where
  nbgrader itself puts a task cell's mark scheme back for grading;
- a self-study reader, on request: ``nnlabs check --answers`` prints them next to the
  reader's own answers (:func:`model_answers_text`), read from ``solutions/`` as the hidden
  tests are.

These points are not autograded: ``grades.csv`` and the LMS files hold the autograded points,
and nbgrader's gradebook adds the written ones once they are entered in formgrader.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .course import Lab, get_lab
from .notebook import NotebookError, answer_cells, nbgrader_meta, read_notebook, solution_region
from .safe_files import UnsafeFile
from .safe_text import for_terminal

MODEL_ANSWER = "**Model answer.**"
_RUBRIC = re.compile(r"^\*\*Rubric \((?P<points>[\d.]+) points?\)\.\*\*", re.M)
UNANSWERED = "YOUR ANSWER HERE"  # what nbgrader's release leaves in an answer cell


class AnswerCellError(ValueError):
    """An answer cell of an instructor notebook that is not shaped as this module expects."""


@dataclass(frozen=True)
class WrittenAnswer:
    """One written question of a lab: where it is, what it is worth, how it is graded."""

    notebook: str
    grade_id: str
    points: float
    question: str
    model_answer: str
    rubric: str


def written_answers(lab: Lab | str) -> list[WrittenAnswer]:
    """Every written question of ``lab`` (a :class:`Lab` or its name), in notebook order."""
    lab = get_lab(lab) if isinstance(lab, str) else lab
    found = []
    for path in lab.notebooks:
        found += notebook_answers(read_notebook(path), path.name)
    return found


def notebook_answers(nb, notebook: str) -> list[WrittenAnswer]:
    """The written questions of one instructor notebook; raises :class:`AnswerCellError` for
    an answer cell without a model answer and a rubric that states the cell's points."""
    found = []
    answers = answer_cells(nb)
    for index, cell in enumerate(nb.cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id not in answers or answers[grade_id] is not cell:
            continue
        region = solution_region(cell.source)
        rubric = _RUBRIC.search(region)
        where = f"{notebook}, answer cell {grade_id!r}"
        if not region.startswith(MODEL_ANSWER) or rubric is None:
            raise AnswerCellError(f"{where}: its solution region must start with "
                                  f"{MODEL_ANSWER!r} and hold '**Rubric (N points).**'")
        points = float(nbgrader_meta(cell).get("points", 0))
        if float(rubric["points"]) != points:
            raise AnswerCellError(f"{where}: the rubric says {rubric['points']} points, the "
                                  f"cell's metadata {points:g}")
        question = nb.cells[index - 1].source if index else ""
        found.append(WrittenAnswer(
            notebook, grade_id, points, _question_text(question),
            region[len(MODEL_ANSWER):rubric.start()].strip(), region[rubric.end():].strip()))
    return found


def _question_text(source: str) -> str:
    """A question cell without its section heading."""
    lines = [line for line in source.splitlines() if not line.startswith("#")]
    return "\n".join(lines).strip()


def manual_points(lab: Lab | str) -> float:
    """The points of ``lab`` that are graded by hand."""
    return sum(answer.points for answer in written_answers(lab))


def awaiting_manual_grades(lab: Lab | str, out_dir: Path) -> str:
    """One line for the end of a grading run: what is left to grade by hand, and where."""
    answers = written_answers(lab)
    if not answers:
        return "no written answers to grade by hand"
    total = sum(answer.points for answer in answers)
    return (f"{total:g} points per student, in {len(answers)} written answers, await grading by "
            f"hand (they are not in grades.csv): cd {Path(out_dir) / 'nbgrader'} && jupyter lab, "
            "then Nbgrader > Formgrader > Manual Grading")


# --- self-study -----------------------------------------------------------------------------

def model_answers_text(lab: Lab, readers: dict[str, Path] | None = None,
                       only: str | None = None, width: int = 96) -> str:
    """The model answers of ``lab`` (of its notebook ``only``, if given) as plain text, each
    after the reader's own answer when ``readers`` maps its notebook to the reader's copy."""
    lines, heading, readers = [], None, readers or {}
    for answer in written_answers(lab):
        if only and answer.notebook != only:
            continue
        if answer.notebook != heading:
            heading = answer.notebook
            lines += ["", f"== {lab.name} / {heading}: model answers to the written questions =="]
        plural = "s" if answer.points != 1 else ""
        lines += ["", f"[{answer.grade_id}, {answer.points:g} point{plural}]"]
        blocks = [("Question", answer.question)]
        if answer.notebook in readers:
            mine = _reader_answer(readers[answer.notebook], answer.grade_id)
            blocks.append(("Your answer", for_terminal(mine, 4000) if mine  # may hold anything
                           else "(not answered yet)"))
        blocks += [("Model answer", answer.model_answer), ("Rubric", answer.rubric)]
        for label, text in blocks:
            lines += _wrapped(f"{label}: {' '.join(text.split())}", width)
    return "\n".join(lines).strip("\n") or f"{lab.name} has no written questions"


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="    ")


def _reader_answer(path: Path, grade_id: str) -> str | None:
    """The reader's text in answer cell ``grade_id`` of the notebook at ``path``; None when the
    notebook or the cell is missing, unreadable or untouched."""
    try:
        cells = answer_cells(read_notebook(path))
    except (NotebookError, UnsafeFile):
        return None
    text = cells[grade_id].source.strip() if grade_id in cells else ""
    return None if not text or text == UNANSWERED else text
