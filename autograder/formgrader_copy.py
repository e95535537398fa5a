"""The notebook formgrader shows the instructor for one hand-in, in ``autograded/``.

formgrader renders that notebook as HTML in the instructor's Jupyter session, and every byte
of it comes from the student. So the copy is *defused* first: the student's outputs are
dropped (a saved output can hold HTML or JavaScript, which the page would run), so are cell
attachments, widget state and other metadata; in Markdown and raw cells a ``<`` is shown as
text, an HTML entity is shown as typed, links and images are not made, and every MathJax
command that takes CSS, HTML attributes or a URL or loads an extension is broken, so that no
tag, script, ``javascript:`` link or page-covering box reaches the page. The student's words
stay readable as written, and cannot pass for ours: every Markdown cell that is not the
release's own text is block-quoted under :data:`STUDENT_TEXT` (each line, so nothing the
student writes can start a block outside the quote), while the cells the copy adds are not
quoted and start with a heading.

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
STUDENT_TEXT = "*Written by the student, quoted as handed in:*"
_KEPT_METADATA = ("kernelspec", "language_info")
_LINK = re.compile(r"\](\(|\s*:)")  # an inline link or image, or a reference definition
_ENTITY = re.compile(r"&(?=#|[A-Za-z][A-Za-z0-9]*;)")  # &#92; would be a backslash again
# MathJax 2/3/4 and KaTeX commands that set CSS, classes, ids, data-* or MathML attributes,
# make a link, draw a styled box, pick a font or load an extension. A name is letters only,
# so what follows it must not be a letter (``\bbox2`` is ``\bbox`` then ``2``).
_MATHJAX_ACTIVE = re.compile(
    r"\\(href|url|class|cssId|style|data|bbox|require|unicode|mmlToken|includegraphics"
    r"|html[A-Za-z]*)(?![A-Za-z])")


def formgrader_notebook(path: Path, released, answers: list[WrittenAnswer]) -> bytes:
    """The bytes to write to ``autograded/`` for the hand-in at ``path`` (``released``: the
    notebook students received; ``answers``: its written questions)."""
    try:
        submitted, problem = read_notebook(path), None
    except (NotebookError, UnsafeFile) as exc:
        submitted, problem = copy.deepcopy(released), str(exc)
    shown = for_formgrader(submitted, released, answers)
    if problem is not None:  # ours, so added after the student's text is quoted
        shown.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**The handed-in notebook could not be read** ({_defused_text(problem)}); "
            "this is the blank release, so its written answers are empty."))
    return nbformat.writes(shown).encode("utf-8")


def for_formgrader(submitted, released, answers: list[WrittenAnswer]):
    """A defused copy of ``submitted`` with each written answer followed by its rubric."""
    out = _defused(submitted, released)
    released_answers = answer_cells(released)
    for answer in answers:
        original = released_answers.get(answer.grade_id)
        if original is None:
            continue
        position = _answer_position(out, released, answer.grade_id, original)
        out.cells[position].metadata["nbgrader"] = copy.deepcopy(nbgrader_meta(original))
        out.cells.insert(position + 1, _rubric_cell(answer))
    return out


def _defused(nb, released):
    """A copy of ``nb`` that cannot put markup or script into formgrader's page, nor text
    of the student's that looks like the release's or ours."""
    ours = {cell.source for cell in released.cells if cell.cell_type == "markdown"}
    out = copy.deepcopy(nb)
    out.metadata = nbformat.NotebookNode(
        {k: v for k, v in out.metadata.items() if k in _KEPT_METADATA})
    for cell in out.cells:
        cell.pop("attachments", None)
        meta = nbgrader_meta(cell)  # {} for metadata nbgrader never writes
        cell.metadata = nbformat.NotebookNode({"nbgrader": copy.deepcopy(meta)} if meta else {})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown" and cell.source not in ours:
            cell.source = _quoted(_defused_text(cell.source), STUDENT_TEXT)
        else:  # the release's Markdown, and raw cells: passed to the page as markup
            cell.source = _defused_text(cell.source)
    return out


def _quoted(text: str, heading: str) -> str:
    """``text`` as one block quote under ``heading``: every line quoted, so no line of it
    can end the quote and start a block of its own."""
    lines = text.splitlines() or [""]
    return heading + "\n\n" + "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def _defused_text(text: str) -> str:
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
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
    # Not quoted, and headed: the student's text is always quoted, so it cannot look like this.
    text = (f"#### For the grader only: {answer.grade_id}\n\n*Added to the autograded copy "
            "by NN Labs; students never receive it. The student's answer is the quoted text "
            f"above.*\n\n{MODEL_ANSWER} {answer.model_answer}\n\n"
            f"**Rubric ({answer.points:g} point{plural}).** {answer.rubric}")
    return nbformat.v4.new_markdown_cell(text, metadata={GRADER_ONLY: answer.grade_id})
