"""Feedback where nbgrader looks for it: ``<course>/feedback/<student>/<lab>/<notebook>.html``.

Each page is the student's notebook with, at every graded test cell, the points and the hint,
so ``nbgrader release_feedback`` and the students' ``nbgrader fetch_feedback`` (or the
Assignment List) deliver it as they deliver nbgrader's own. A page shows:

- a summary table (each graded test, its points and result) and the submission's outcome;
- every cell of the student's notebook as escaped text, except that a graded test cell shows
  the released version (its visible checks only: never hidden test code, and never a test
  cell a student rewrote) followed by its result; a written answer is the student's own
  text, marked as graded by hand (its points are not in the page's score, and no model
  answer or rubric is ever shown).

All text is escaped (:func:`autograder.safe_text.for_html` and :func:`for_html_block`):
nothing a student wrote becomes markup, a link or a script. Outputs are not copied. Beside the
pages go the submission's ``timestamp.txt`` and ``submission_secret.txt`` from the collected
folder (checked: short, printable, hex for the secret), which ``release_feedback`` needs.
"""

from __future__ import annotations

import re
from pathlib import Path

from .notebook import NotebookError, answer_cells, nbgrader_meta, read_notebook
from .results import TestResult, by_student
from .safe_files import UnsafeFile, read_capped
from .safe_text import for_html, for_html_block

_SECRET = re.compile(r"^[0-9a-f]{16,256}$")
_TIMESTAMP = re.compile(r"^[0-9A-Za-z :.+_-]{1,64}$")

_STYLE = """body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}
.md pre{background:none;font-family:inherit}
.ok{border-left:6px solid #2a2;padding:.3em .8em;background:#efe}
.bad{border-left:6px solid #c22;padding:.3em .8em;background:#fee}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"""


def write_nbgrader_feedback(rows: list[TestResult], submitted_dir: Path,
                            released: dict[str, object], course_root: Path) -> list[Path]:
    """Write the feedback pages of every student in ``rows``; ``released`` maps a notebook
    name to the released notebook (``labs/<lab>/``). Returns the pages written."""
    written = []
    for student, mine in by_student(rows).items():
        lab = mine[0].lab
        folder = Path(submitted_dir) / student / lab
        target = Path(course_root) / "feedback" / student / lab
        target.mkdir(parents=True, exist_ok=True)
        _copy_submission_stamps(folder, target)
        for notebook in dict.fromkeys(r.notebook for r in mine):
            page = _page(student, lab, notebook, [r for r in mine if r.notebook == notebook],
                         _students_notebook(folder / notebook), released[notebook])
            path = target / f"{Path(notebook).stem}.html"
            path.write_text(page, encoding="utf-8")
            written.append(path)
    return written


def _students_notebook(path: Path):
    """The handed-in notebook, or None when it is missing, a link, too large or unreadable
    (:func:`~autograder.notebook.read_notebook` refuses links, devices and oversized files)."""
    try:
        return read_notebook(path)
    except (NotebookError, UnsafeFile):
        return None


def _copy_submission_stamps(folder: Path, target: Path) -> None:
    for name, pattern in (("timestamp.txt", _TIMESTAMP), ("submission_secret.txt", _SECRET)):
        try:
            text = read_capped(folder / name, 512).decode("ascii").strip()
        except (FileNotFoundError, UnsafeFile, UnicodeDecodeError):
            continue
        if pattern.match(text):
            (target / name).write_text(text, encoding="ascii")


def _page(student: str, lab: str, notebook: str, rows: list[TestResult], handed_in,
          released) -> str:
    results = {r.test: r for r in rows}
    got, total = sum(r.points for r in rows), sum(r.max_points for r in rows)
    title = f"{for_html(lab)} / {for_html(notebook)}: feedback for {for_html(student)}"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{title}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{title}</h1>", f"<p><strong>Score: {got:g} / {total:g}</strong></p>",
             f"<p>Outcome: {for_html(rows[0].outcome)}</p>",
             "<table><tr><th>test</th><th>points</th><th>result</th></tr>"]
    for r in rows:
        parts.append(f"<tr><td>{for_html(r.test)}</td><td>{r.points:g} / {r.max_points:g}</td>"
                     f"<td>{_result_text(r)}</td></tr>")
    parts.append("</table><p>Hidden tests check more cases than the visible ones; a message "
                 "names the case that failed and the likely mistake.</p>")
    written = answer_cells(released)
    if written:
        points = sum(float(nbgrader_meta(c).get("points", 0)) for c in written.values())
        parts.append(f"<p>Your {len(written)} written answers ({points:g} points) are graded "
                     "by hand: their points are not in this score.</p>")
    parts.append("<hr>")
    visible = {nbgrader_meta(c).get("grade_id"): c.source for c in released.cells
               if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("grade_id")
               not in written}
    if handed_in is None:
        parts.append("<p>(The notebook could not be read, so only the scores are shown.)</p>")
    cells = handed_in.cells if handed_in is not None else []
    for cell in cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("grade") and grade_id in visible:
            parts.append(f"<pre>{for_html_block(visible[grade_id])}</pre>")
            if grade_id in results:
                r = results[grade_id]
                css = "ok" if r.status == "passed" else "bad"
                parts.append(f'<div class="{css}"><strong>{for_html(r.test)}: '
                             f"{r.points:g} / {r.max_points:g}</strong> {_result_text(r)}</div>")
        elif cell.cell_type == "markdown" and grade_id in written:
            parts.append(f'<div class="md"><p><strong>Written answer {for_html(grade_id)}'
                         f"</strong> (graded by hand)</p><pre>{for_html_block(cell.source)}"
                         "</pre></div>")
        elif cell.cell_type == "markdown":
            parts.append(f'<div class="md"><pre>{for_html_block(cell.source)}</pre></div>')
        elif cell.cell_type == "code" and not nbgrader_meta(cell).get("grade"):
            parts.append(f"<pre>{for_html_block(cell.source)}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _result_text(row: TestResult) -> str:
    return "passed" if row.status == "passed" else f"{for_html(row.status)}: " \
        f"{for_html(row.message)}"
