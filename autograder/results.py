"""Grading results as data: one row per student and test, and their resumable store."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

_PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


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

def file_name(student: str) -> str:
    """A file name for ``student``'s stored results, log and feedback: a plain id as it is,
    any other (spaces, non-ASCII, punctuation) as its safe letters plus a digest of the whole,
    so distinct ids never share a file and none can name a path."""
    if _PLAIN_ID.match(student):
        return student
    slug = re.sub(r"[^A-Za-z0-9_.@+-]+", "_", student).strip("._")[:40] or "student"
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug}~{digest}"


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
        path = self.folder / f"{file_name(student)}.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
        if data.get("fingerprint") != fingerprint:
            return None
        return [TestResult(**row) for row in data["rows"]]

    def save(self, student: str, fingerprint: str, rows: list[TestResult]) -> None:
        path = self.folder / f"{file_name(student)}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint,
                                   "rows": [asdict(r) for r in rows]}, indent=1))
        os.replace(tmp, path)


