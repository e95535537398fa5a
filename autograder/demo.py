"""The main job: build the release, make sample submissions, grade them, print the table.

Runs on the bundled data subset so it is quick and the same on every machine.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat

from .course import REPO_ROOT, get_lab
from .grade import grade_all
from .release import build_release
from .report import summary_table, write_csv, write_feedback
from .samples import load_variant, make_submission

# One typical mistake per graded function, and one correct but different (float32) solution.
DEMO_VARIANTS = {
    "lab1_knn": [
        "mutants/two_loops_missing_sqrt",
        "mutants/no_loops_broadcast_3d",
        "mutants/predict_ties_to_largest",
        "mutants/cv_validates_on_training",
        "alternatives/float32_everywhere",
    ],
}


def write_samples(lab_name: str, release_dir: Path, submitted: Path) -> list[str]:
    """Write the sample submissions into ``submitted/<student>/<lab>/``; return the students."""
    lab = get_lab(lab_name)
    samples: dict[str, object] = {"solution": "solution", "blank": "blank"}
    for entry in DEMO_VARIANTS.get(lab_name, []):
        kind, name = entry.split("/")
        path = REPO_ROOT / "tests" / kind / lab_name / f"{name}.py"
        samples[f"{kind[:-1]}-{name}"] = load_variant(path)
    for student, variant in samples.items():
        folder = submitted / student / lab_name
        folder.mkdir(parents=True, exist_ok=True)
        for notebook in lab.notebooks:
            nb = make_submission(lab_name, notebook.name, variant, release_dir)
            nbformat.write(nb, folder / notebook.name)
    # Two broken hand-ins: a notebook that never arrived and one cut off mid-upload.
    (submitted / "missing-notebook" / lab_name).mkdir(parents=True, exist_ok=True)
    corrupt = submitted / "corrupt-json" / lab_name
    corrupt.mkdir(parents=True, exist_ok=True)
    for notebook in lab.notebooks:
        text = (submitted / "solution" / lab_name / notebook.name).read_text()
        (corrupt / notebook.name).write_text(text[: len(text) // 2])
    return [*samples, "missing-notebook", "corrupt-json"]


def run_demo(out_dir: Path, lab_name: str = "lab1_knn") -> int:
    from course_utils.data import BUNDLED_DIR

    os.environ["NNLABS_DATA"] = str(BUNDLED_DIR)  # the notebooks' kernels inherit this
    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    started = time.perf_counter()
    print(f"1. Building the student release of {lab_name} from solutions/ ...")
    build_release([get_lab(lab_name)], out_dir / "release")
    print("2. Writing sample submissions (solution, blank, typical mistakes, broken files) ...")
    students = write_samples(lab_name, out_dir / "release", out_dir / "submitted")
    print(f"3. Autograding {len(students)} submissions in sandboxes ...")
    rows = grade_all(out_dir / "submitted", lab_name, out_dir, progress=True)
    csv_path = write_csv(rows, out_dir / "grades.csv")
    write_feedback(rows, out_dir / "feedback")
    print()
    print(summary_table(rows))
    print()
    print(f"grades: {csv_path}\nfeedback: {out_dir / 'feedback'}\n"
          f"nbgrader course (gradebook, autograded notebooks): {out_dir / 'nbgrader'}")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0
