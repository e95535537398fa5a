"""The similarity report: ``similarity.csv`` (every pair, ranked) and ``similarity.html`` (the
top pairs side by side, shared lines highlighted). All code shown is student text: each line
goes through :mod:`autograder.safe_text` (``for_csv``, ``for_html``), never raw."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from ..safe_text import for_csv, for_html
from .run import Similarity

CSV_COLUMNS = ["rank", "function", "student_a", "student_b", "score", "shared_weight",
               "fragments", "lines_a", "lines_b", "excerpt_a"]
MAX_SHOWN_LINES = 400  # of one side of one pair in the HTML page
MAX_LINE_CHARS = 300
_INDENT_LIMIT = 80


def write_csv(found: Similarity, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for rank, pair in enumerate(found.pairs, 1):
            excerpt = _first_region(found.sources[pair.a].get(pair.unit, ""), pair.lines_a)
            writer.writerow([rank, for_csv(pair.unit), for_csv(pair.a), for_csv(pair.b),
                             f"{pair.score:.3f}", f"{pair.shared_weight:.2f}", pair.fragments,
                             _ranges(pair.lines_a), _ranges(pair.lines_b),
                             for_csv(excerpt, limit=200)])
    os.replace(tmp, path)


def write_html(found: Similarity, path: Path, top: int = 50) -> None:
    path = Path(path)
    parts = [_HEAD.format(lab=for_html(found.lab)),
             f"<p>{found.students} submissions, {len(found.pairs)} pairs sharing rare code; "
             f"the top {min(top, len(found.pairs))} are shown. Highlighted lines hold "
             "fingerprints both share (template code and what most of the class writes do not "
             "count). A high score is a reason to read, not a verdict.</p>"]
    if found.skipped or found.notes:
        why = {**{s: [f"not compared: {r}"] for s, r in found.skipped.items()}, **found.notes}
        parts.append("<h2>Not compared, or in part</h2><ul>" + "".join(
            f"<li>{for_html(s)}: {for_html('; '.join(r))}</li>" for s, r in sorted(why.items()))
                     + "</ul>")
    parts.append("<h2>Top pairs</h2><table class='summary'><tr><th>#</th><th>function</th>"
                 "<th>students</th><th>score</th><th>fragments</th></tr>")
    for rank, pair in enumerate(found.pairs[:top], 1):
        parts.append(f"<tr><td><a href='#p{rank}'>{rank}</a></td><td>{for_html(pair.unit)}</td>"
                     f"<td>{for_html(pair.a)} &amp; {for_html(pair.b)}</td>"
                     f"<td>{pair.score:.2f}</td><td>{pair.fragments}</td></tr>")
    parts.append("</table>")
    for rank, pair in enumerate(found.pairs[:top], 1):
        parts.append(f"<h3 id='p{rank}'>#{rank} {for_html(pair.unit)}: score {pair.score:.2f}"
                     f"</h3><div class='pair'>")
        for student, lines in ((pair.a, pair.lines_a), (pair.b, pair.lines_b)):
            code = found.sources[student].get(pair.unit, "")
            parts.append(f"<div><h4>{for_html(student)}</h4>{_code(code, set(lines))}</div>")
        parts.append("</div>")
    parts.append("</body></html>\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    os.replace(tmp, path)


def _code(source: str, marked: set[int]) -> str:
    """Numbered, escaped lines; indentation kept as a count of spaces, each line's text
    through ``for_html``; shared lines in ``<mark>``."""
    rows = []
    lines = source.splitlines()
    for number, line in enumerate(lines[:MAX_SHOWN_LINES], 1):
        stripped = line.lstrip(" \t")
        indent = min(len(line[: len(line) - len(stripped)].expandtabs(4)), _INDENT_LIMIT)
        text = " " * indent + for_html(stripped, limit=MAX_LINE_CHARS)
        if number in marked:
            text = f"<mark>{text}</mark>"
        rows.append(f"<span class='n'>{number:4d}</span> {text}")
    if len(lines) > MAX_SHOWN_LINES:
        rows.append(f"… {len(lines) - MAX_SHOWN_LINES} more lines not shown")
    return "<pre>" + "\n".join(rows) + "</pre>"


def _ranges(lines: list[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1-3 7``."""
    out, start = [], None
    for i, line in enumerate(lines):
        if start is None:
            start = line
        if i + 1 == len(lines) or lines[i + 1] != line + 1:
            out.append(str(start) if start == line else f"{start}-{line}")
            start = None
    return " ".join(out)


def _first_region(source: str, lines: list[int]) -> str:
    """The first run of shared lines (at most three), joined into one line."""
    text = source.splitlines()
    run = []
    for line in lines:
        if run and line != run[-1] + 1 or len(run) == 3:
            break
        run.append(line)
    return " ⏎ ".join(text[i - 1].strip() for i in run if 0 < i <= len(text))


_HEAD = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Similarity: {lab}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table.summary td, table.summary th {{ padding: 0.2em 0.8em; text-align: left; }}
.pair {{ display: flex; gap: 1em; }} .pair > div {{ flex: 1; min-width: 0; overflow-x: auto; }}
pre {{ background: #f6f6f6; padding: 0.5em; font-size: 0.85em; }}
mark {{ background: #ffe08a; }} .n {{ color: #999; }}
</style></head><body>
<h1>Similarity report: {lab}</h1>"""
