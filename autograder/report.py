"""What grading hands back: ``grades.csv``, per-student feedback and a summary table.

Every text cell can come from a submission (a student folder name, an exception's message),
so each goes through :mod:`autograder.safe_text` for the place it is shown: no formula in a
spreadsheet cell, no escape sequence on the terminal, no link or markup in the feedback.
"""

from __future__ import annotations

import csv
from dataclasses import astuple, fields
from pathlib import Path

from .results import TestResult, by_student, file_name
from .safe_text import for_csv, for_markdown, for_terminal

COLUMNS = [f.name for f in fields(TestResult)]
STUDENT_CHARS = 40  # a student id's width in the summary table


def write_csv(rows: list[TestResult], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows([for_csv(v) if isinstance(v, str) else v for v in astuple(r)]
                         for r in rows)
    return path


def read_csv(path: Path) -> list[TestResult]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return [
            TestResult(**{**r, "points": float(r["points"]), "max_points": float(r["max_points"])})
            for r in csv.DictReader(f)
        ]


def write_feedback(rows: list[TestResult], out_dir: Path, by_hand: float = 0) -> list[Path]:
    """One Markdown file per student and lab: each test, its points and the hint, no test code.
    ``by_hand``: the lab's points for written answers, graded later in formgrader."""
    written = []
    for student, mine in by_student(rows).items():
        lab = mine[0].lab
        got, total = sum(r.points for r in mine), sum(r.max_points for r in mine)
        lines = [f"# Feedback for {for_markdown(student)}: {lab}", "",
                 f"**Score: {got:g} / {total:g}**", "",
                 f"Outcome: {for_markdown(mine[0].outcome)}", "",
                 "| test | points | result |", "|---|---|---|"]
        for r in mine:
            mark = ("passed" if r.status == "passed"
                    else f"{r.status}: {for_markdown(r.message)}")
            # notebook and test are the course's names, never the student's
            lines.append(f"| {r.notebook} / {r.test} | "
                         f"{r.points:g} / {r.max_points:g} | {mark} |")
        lines += ["", "Hidden tests check more cases than the visible ones; the message names the "
                  "case that failed and the likely mistake."]
        if by_hand:
            lines += ["", f"Your written answers ({by_hand:g} points) are graded by hand: their "
                      "points are not in this score."]
        path = Path(out_dir) / file_name(student) / f"{lab}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def summary_table(rows: list[TestResult]) -> str:
    """Per-student totals and the first problem, as a fixed-width text table."""
    grouped = by_student(rows)
    names = {student: for_terminal(student, STUDENT_CHARS) for student in grouped}
    width = max([len("student"), *map(len, names.values())])
    out = [f"{'student':<{width}}  {'score':>9}  {'outcome':<18}  first problem",
           "-" * (width + 112)]
    for student, mine in grouped.items():
        got, total = sum(r.points for r in mine), sum(r.max_points for r in mine)
        failed = [r for r in mine if r.status != "passed"]
        problem = "-"
        if failed:
            message = for_terminal(failed[0].message).removeprefix("AssertionError: ")
            problem = f"{for_terminal(failed[0].test, 60)}: {message}"
        outcome = for_terminal(mine[0].outcome.split(":")[0].split(";")[0], 18)
        out.append(f"{names[student]:<{width}}  {got:>4g} / {total:<3g}  {outcome:<18}  "
                   f"{problem[:85]}")
    return "\n".join(out)
