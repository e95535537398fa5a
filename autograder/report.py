"""What grading hands back: ``grades.csv``, per-student feedback and a summary table."""

from __future__ import annotations

import csv
from dataclasses import astuple, fields
from pathlib import Path

from .results import TestResult, by_student

COLUMNS = [f.name for f in fields(TestResult)]


def write_csv(rows: list[TestResult], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(astuple(r) for r in rows)
    return path


def read_csv(path: Path) -> list[TestResult]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return [
            TestResult(**{**r, "points": float(r["points"]), "max_points": float(r["max_points"])})
            for r in csv.DictReader(f)
        ]


def write_feedback(rows: list[TestResult], out_dir: Path) -> list[Path]:
    """One Markdown file per student and lab: each test, its points and the hint, no test code."""
    written = []
    for student, mine in by_student(rows).items():
        lab = mine[0].lab
        got, total = sum(r.points for r in mine), sum(r.max_points for r in mine)
        lines = [f"# Feedback for {student}: {lab}", "", f"**Score: {got:g} / {total:g}**", "",
                 f"Outcome: {_one_line(mine[0].outcome)}", "",
                 "| test | points | result |", "|---|---|---|"]
        for r in mine:
            mark = "passed" if r.status == "passed" else f"{r.status}: {_one_line(r.message)}"
            lines.append(f"| {r.notebook} / {r.test} | {r.points:g} / {r.max_points:g} | {mark} |")
        lines += ["", "Hidden tests check more cases than the visible ones; the message names the "
                  "case that failed and the likely mistake."]
        path = Path(out_dir) / student / f"{lab}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def summary_table(rows: list[TestResult]) -> str:
    """Per-student totals and the first problem, as a fixed-width text table."""
    grouped = by_student(rows)
    width = max([len("student"), *map(len, grouped)])
    out = [f"{'student':<{width}}  {'score':>9}  {'outcome':<16}  first problem",
           "-" * (width + 110)]
    for student, mine in grouped.items():
        got, total = sum(r.points for r in mine), sum(r.max_points for r in mine)
        failed = [r for r in mine if r.status != "passed"]
        problem = "-"
        if failed:
            message = _one_line(failed[0].message).removeprefix("AssertionError: ")
            problem = f"{failed[0].test}: {message}"
        outcome = mine[0].outcome.split(":")[0].split(";")[0]
        out.append(f"{student:<{width}}  {got:>4g} / {total:<3g}  {outcome:<16}  {problem[:85]}")
    return "\n".join(out)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")
