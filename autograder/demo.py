"""The main job: build each lab's release, make sample submissions, grade them, print tables.

The sample submissions are the solution, the blank release, the typical mistakes and the
correct variant each lab's ``solutions/<lab>/demo.py`` names, a missing and a truncated
notebook; a saved model, where a lab grades one, is trained from the reference on the bundled
data. Takes a minute or two.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from .classroom import grade_all
from .course import all_labs, get_lab
from .handback import hand_back
from .release import build_release
from .report import summary_table
from .samples import find_variant, write_broken, write_submissions
from .written import awaiting_manual_grades


def write_samples(lab_name: str, release_dir: Path, submitted: Path) -> list[str]:
    """Write the sample submissions into ``submitted/<student>/<lab>/``; return the students:
    the solution, the blank release, the variants the lab's ``demo.py`` names (``DEMO``), and
    two broken hand-ins."""
    samples: dict[str, object] = {"solution": "solution", "blank": "blank"}
    for variant_id in get_lab(lab_name).part("demo").DEMO:
        variant = find_variant(lab_name, variant_id)
        samples[f"{variant.kind[:-1]}-{variant.name}"] = variant
    return [*write_submissions(lab_name, release_dir, submitted, samples),
            *write_broken(lab_name, release_dir, submitted)]


def run_demo(out_dir: Path, lab_name: str = "all") -> int:
    """Every lab (or the named one): release, sample submissions, sandboxed grading, table."""
    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    started = time.perf_counter()
    names = [lab.name for lab in all_labs()] if lab_name == "all" else [lab_name]
    for name in names:
        _demo_lab(name, out_dir / name)
    print(f"done in {time.perf_counter() - started:.0f} s; outputs in {out_dir}")
    return 0


def _demo_lab(lab_name: str, out_dir: Path) -> None:
    print(f"\n== {lab_name} ==")
    print("1. Building the student release from solutions/ ...")
    build_release([get_lab(lab_name)], out_dir / "release")
    print("2. Writing sample submissions (solution, blank, typical mistakes, broken files) ...")
    students = write_samples(lab_name, out_dir / "release", out_dir / "submitted")
    print(f"3. Autograding {len(students)} submissions in sandboxes ...")
    rows = grade_all(out_dir / "submitted", lab_name, out_dir, progress=True)
    hand_back(rows, out_dir / "submitted", lab_name, out_dir, ["canvas", "moodle"],
              release_dir=out_dir / "release")
    print()
    print(summary_table(rows))
    print(awaiting_manual_grades(lab_name, out_dir))
    print(f"\ngrades: {out_dir / 'grades.csv'} (and canvas.csv, moodle.csv for the LMS)\n"
          f"feedback: {out_dir / 'feedback'}\nnbgrader course (gradebook, autograded "
          f"notebooks, feedback/): {out_dir / 'nbgrader'}")
