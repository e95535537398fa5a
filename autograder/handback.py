"""What a grading run leaves for the instructor, in one place (``grade`` and the demo):
``grades.csv``, Markdown feedback, nbgrader's HTML feedback and any LMS import files, all with
the autograded points only (the written answers are graded by hand, in formgrader)."""

from __future__ import annotations

from pathlib import Path

from .course import LABS_DIR, get_lab
from .lms import export
from .nbgrader_feedback import write_nbgrader_feedback
from .notebook import read_notebook
from .report import write_csv, write_feedback
from .results import TestResult
from .written import manual_points


def hand_back(rows: list[TestResult], submitted_dir: Path, lab_name: str, out_dir: Path,
              exports: list[str] = (), release_dir: Path = LABS_DIR) -> list[Path]:
    """Write everything under ``out_dir``; return the paths worth printing."""
    out_dir = Path(out_dir)
    written = [write_csv(rows, out_dir / "grades.csv")]
    write_feedback(rows, out_dir / "feedback", by_hand=manual_points(lab_name))
    written.append(out_dir / "feedback")
    released = {nb.name: read_notebook(Path(release_dir) / lab_name / nb.name)
                for nb in get_lab(lab_name).notebooks}
    write_nbgrader_feedback(rows, submitted_dir, released, out_dir / "nbgrader")
    written.append(out_dir / "nbgrader" / "feedback")
    written += [export(rows, kind, out_dir / f"{kind}.csv") for kind in exports]
    return written
