"""Grading results as data: one row per student and test, and their resumable store."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class TestResult:
    """One row of ``grades.csv``: how one student did on one graded test cell."""

    student: str
    lab: str
    notebook: str
    test: str
    points: float
    max_points: float
    status: str  # passed | failed | missing | invalid
    message: str
    outcome: str = "graded"  # the submission's: graded | timed out | out of memory | ...



def by_student(rows: list[TestResult]) -> dict[str, list[TestResult]]:
    """Rows grouped by student, in the order the students first appear."""
    grouped: dict[str, list[TestResult]] = {}
    for row in rows:
        grouped.setdefault(row.student, []).append(row)
    return grouped


class ResultStore:
    """One JSON file per student (written atomically) holding its rows and fingerprint."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def load(self, student: str, fingerprint: str) -> list[TestResult] | None:
        path = self.folder / f"{student}.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
        if data.get("fingerprint") != fingerprint:
            return None
        return [TestResult(**row) for row in data["rows"]]

    def save(self, student: str, fingerprint: str, rows: list[TestResult]) -> None:
        path = self.folder / f"{student}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint,
                                   "rows": [asdict(r) for r in rows]}, indent=1))
        os.replace(tmp, path)


