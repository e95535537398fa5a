"""The notebook formgrader shows the instructor for one hand-in, in ``autograded/``.

formgrader renders that notebook as HTML in the instructor's Jupyter session, and every byte
of it comes from the student. So the copy is *defused* first: the student's outputs are
dropped (a saved output can hold HTML or JavaScript, which the page would run), so are cell
attachments, widget state and other metadata; in Markdown and raw cells a ``<`` is shown as
text, links and images are not made, and MathJax's link and style commands are broken, so
that no tag, script or ``javascript:`` link reaches the page. The student's words stay
readable as written.

Then every written answer (:mod:`autograder.written`) gets the release's grading metadata (a
student cannot change its points) and, right after it, a cell for the grader only with the
model answer and the rubric. An answer cell the student deleted comes back empty, after the
cell that preceded it in the release, so that formgrader can still score it. A hand-in that
cannot be read as a notebook is shown as the blank release, with a note saying so.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from .notebook import NotebookError, answer_cells, nbgrader_meta, read_notebook
from .safe_files import UnsafeFile
from .written import MODEL_ANSWER, WrittenAnswer

GRADER_ONLY = "nnlabs_rubric_for"  # metadata key of the cells added for the grader
_KEPT_METADATA = ("kernelspec", "language_info")
_LINK = re.compile(r"\](\(|\s*:)")  # an inline link or image, or a reference definition
_MATHJAX_ACTIVE = re.compile(r"\\(href|url|class|cssId|style)\b")


def formgrader_notebook(path: Path, released, answers: list[WrittenAnswer]) -> bytes:
    """The bytes to write to ``autograded/`` for the hand-in at ``path`` (``released``: the
    notebook students received; ``answers``: its written questions)."""
    try:
        submitted = read_notebook(path)
    except (NotebookError, UnsafeFile) as exc:
        submitted = copy.deepcopy(released)
        submitted.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**The handed-in notebook could not be read** ({_defused_text(str(exc))}); "
            "this is the blank release, so its written answers are empty."))
    return nbformat.writes(for_formgrader(submitted, released, answers)).encode("utf-8")


def for_formgrader(submitted, released, answers: list[WrittenAnswer]):
    """A defused copy of ``submitted`` with each written answer followed by its rubric."""
    out = _defused(submitted)
    released_answers = answer_cells(released)
    for answer in answers:
        original = released_answers.get(answer.grade_id)
        if original is None:
            continue
        position = _answer_position(out, released, answer.grade_id, original)
        out.cells[position].metadata["nbgrader"] = copy.deepcopy(nbgrader_meta(original))
        out.cells.insert(position + 1, _rubric_cell(answer))
    return out


def _defused(nb):
    """A copy of ``nb`` that cannot put markup or script into formgrader's page."""
    out = copy.deepcopy(nb)
    out.metadata = nbformat.NotebookNode(
        {k: v for k, v in out.metadata.items() if k in _KEPT_METADATA})
    for cell in out.cells:
        cell.pop("attachments", None)
        kept = {"nbgrader": cell.metadata["nbgrader"]} if "nbgrader" in cell.metadata else {}
        cell.metadata = nbformat.NotebookNode(kept)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        else:  # markdown and raw cells are passed to the page as markup
            cell.source = _defused_text(cell.source)
    return out


def _defused_text(text: str) -> str:
    text = text.replace("<", "&lt;")
    text = _LINK.sub(lambda m: "]\u200b" + m.group(1), text)
    return _MATHJAX_ACTIVE.sub(lambda m: "\\\u200b" + m.group(1), text)


def _answer_position(nb, released, grade_id: str, original) -> int:
    """The index of the student's answer cell ``grade_id``, put back if it is missing."""
    for index, cell in enumerate(nb.cells):
        if nbgrader_meta(cell).get("grade_id") == grade_id and cell.cell_type == "markdown":
            return index
    before = released.cells[released.cells.index(original) - 1].get("id")
    ids = [cell.get("id") for cell in nb.cells]
    position = ids.index(before) + 1 if before in ids else len(nb.cells)
    # A fresh id: the student's notebook may already use the released one elsewhere.
    nb.cells.insert(position, nbformat.v4.new_markdown_cell(
        original.source, metadata=copy.deepcopy(original.metadata)))
    return position


def _rubric_cell(answer: WrittenAnswer):
    plural = "s" if answer.points != 1 else ""
    text = (f"**For the grader only** (added to the autograded copy by NN Labs; students "
            f"never receive it).\n\n{MODEL_ANSWER} {answer.model_answer}\n\n"
            f"**Rubric ({answer.points:g} point{plural}).** {answer.rubric}")
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return nbformat.v4.new_markdown_cell(quoted, metadata={GRADER_ONLY: answer.grade_id})
