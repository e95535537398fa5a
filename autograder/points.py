"""Points tables generated from the instructor notebooks, so they cannot drift from the grades.

A table lists each graded test cell of a lab (or of one notebook): the part of the notebook it
sits in, what the student writes, its points from the cell's nbgrader metadata, and how the
points split across the test's case groups (``Check.groups``); then the written answers that
are graded by hand, with their own total (they are not part of the autograded one). It is
written between the markers ``<!-- points:KEY -->`` and ``<!-- /points -->``, where KEY is a lab
(``lab4_backprop``: every notebook of the lab) or one notebook (``lab4_backprop/layers``):
into the intro cell of each instructor notebook (then ``release`` carries it to ``labs/``) and
into any Markdown page under ``docs/`` that holds the markers.

``python -m autograder points`` reports stale tables; ``--write`` rewrites them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .checks import GROUP_NAMES, lab_checks
from .course import REPO_ROOT, all_labs, get_lab
from .notebook import nbgrader_meta, read_notebook

_MARKED = re.compile(r"<!-- points:(?P<key>[\w./-]+) -->\n.*?<!-- /points -->", re.S)
_PART = re.compile(r"^##\s+(?P<part>[A-Z]\.\d+|\d+)\b", re.M)
# The hand-written tables the generated ones replace (first --write only).
BY_HAND = "graded by hand"
_HAND_TABLE = re.compile(r"^\| Part \| What you write \| Points \|\n(?:\|.*\n?)+", re.M)


@dataclass(frozen=True)
class Row:
    part: str
    what: str
    test: str
    points: float
    split: str


def rows(key: str) -> list[Row]:
    """The graded tests of a lab (``key`` = lab name) or of one of its notebooks
    (``lab/notebook``, without ``.ipynb``), in notebook order."""
    checks = lab_checks(key.partition("/")[0])
    found = []
    for part, _, cell in _cells(key):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            test = meta["grade_id"]
            points = float(meta.get("points", 0))
            found.append(Row(part, _what(checks[test]), test, points,
                             _split(checks[test].groups, points)))
    if not found:
        raise ValueError(f"no graded tests for {key!r}")
    return found


def written_rows(key: str) -> list[Row]:
    """The written answers graded by hand, for the same ``key`` as :func:`rows`."""
    found = []
    for part, question, cell in _cells(key):
        meta = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            found.append(Row(part, f"written answer: {_title(question)}", meta["grade_id"],
                             float(meta.get("points", 0)), BY_HAND))
    return found


def _cells(key: str):
    """``(part, previous cell's source, cell)`` for every cell of the key's notebooks."""
    lab_name, _, stem = key.partition("/")
    for path in get_lab(lab_name).notebooks:
        if stem and path.stem != stem:
            continue
        part, previous = "", ""
        for cell in read_notebook(path).cells:
            if cell.cell_type == "markdown":
                match = _PART.search(cell.source)
                part = match["part"] if match else part
            yield part, previous, cell
            previous = cell.source


def _title(question: str, limit: int = 60) -> str:
    """The first sentence of a question cell, without headings, numbers or labels."""
    text = " ".join(line for line in question.splitlines() if not line.startswith("#"))
    text = re.sub(r"^\s*(\d+\.|\*\*Questions?\.\*\*)\s*(\(1\)\s*)?", "", text)
    sentence = re.split(r"(?<=[.?])\s", " ".join(text.split()), maxsplit=1)[0]
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0] + " …"
    return sentence.replace("|", "\\|")


def _what(check) -> str:
    if check.title:
        return check.title
    return f"`{check.function}`" if check.function else f"the saved file `{check.artifact}`"


def _split(groups: dict[str, float], points: float) -> str:
    if len(groups) == 1:
        return "all cases"
    return ", ".join(f"{GROUP_NAMES.get(g, g)} {points * share:.3g}" for g, share in groups.items())


def render(key: str) -> str:
    """The Markdown table for ``key``, without the markers."""
    table = rows(key)
    lines = ["| Part | What you write | Test | Points | Points by case group |",
             "|---|---|---|---|---|"]
    lines += [f"| {r.part} | {r.what} | `{r.test}` | {r.points:g} | {r.split} |" for r in table]
    written = written_rows(key)
    total = "Autograded total" if written else "Total"
    lines.append(f"| | **{total}** | | **{sum(r.points for r in table):g}** | |")
    if written:
        lines += [f"| {r.part} | {r.what} | `{r.test}` | {r.points:g} | {r.split} |"
                  for r in written]
        lines.append(f"| | **Written answers, graded by hand** | | "
                     f"**{sum(r.points for r in written):g}** | |")
    if any(r.split != "all cases" for r in table):
        lines += ["", "When your lab is graded, a test's edge cases and refusals earn their share "
                  "of its points once its main behaviour passes; the feedback says which "
                  "groups passed."]
    if written:
        lines += ["", "The written answers are graded by hand by your course; their points "
                  "come on top of the autograded total."]
    return "\n".join(lines)


def _marked(key: str) -> str:
    return f"<!-- points:{key} -->\n{render(key)}\n<!-- /points -->"


def refresh(text: str, default_key: str | None = None) -> str:
    """``text`` with every marked table re-rendered; with ``default_key``, a hand-written
    table (``| Part | What you write | Points |``) not yet marked becomes a marked one."""
    if default_key and not _MARKED.search(text) and _HAND_TABLE.search(text):
        text = _HAND_TABLE.sub(lambda m: _marked(default_key) + "\n", text, count=1)
    return _MARKED.sub(lambda m: _marked(m["key"]), text)


def places() -> list[tuple[Path, str | None]]:
    """Every file that should hold a table: each instructor notebook (its key), and each
    Markdown page under docs/ (keys from its markers)."""
    found: list[tuple[Path, str | None]] = [
        (path, f"{lab.name}/{path.stem}") for lab in all_labs() for path in lab.notebooks]
    docs = REPO_ROOT / "docs"
    found += [(page, None) for page in sorted(docs.rglob("*.md"))] if docs.is_dir() else []
    return found


def stale(write: bool = False) -> list[Path]:
    """Files whose tables differ from a fresh render (rewritten when ``write``)."""
    changed = []
    for path, key in places():
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            intro = next(c for c in nb.cells if c.cell_type == "markdown")
            new = refresh(intro.source, key)
            if new != intro.source or not _MARKED.search(new):
                changed.append(path)
                if write and _MARKED.search(new):
                    intro.source = new
                    nbformat.write(nb, path)
        else:
            text = path.read_text(encoding="utf-8")
            if refresh(text) != text:
                changed.append(path)
                if write:
                    path.write_text(refresh(text), encoding="utf-8")
    return changed
