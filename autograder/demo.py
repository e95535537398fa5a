"""The main job: build each lab's release, make sample submissions, grade them, print tables.

The sample submissions are the solution, the blank release, typical mistakes from
tests/mutants, a correct variant, a missing and a truncated notebook; a saved model, where a
lab grades one, is trained from the reference on the bundled data. Takes a minute or two.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from .classroom import grade_all
from .course import REPO_ROOT, all_labs, get_lab
from .handback import hand_back
from .release import build_release
from .report import summary_table
from .samples import load_variant, make_submission, write_examples

# One typical mistake per graded function, and one correct but different (float32) solution.
DEMO_VARIANTS = {
    "lab1_knn": [
        "mutants/two_loops_missing_sqrt",
        "mutants/no_loops_broadcast_3d",
        "mutants/predict_ties_to_largest",
        "mutants/cv_validates_on_training",
        "alternatives/float32_everywhere",
    ],
    "lab2_linear": [
        "mutants/svm_vectorized_sums",
        "mutants/softmax_vectorized_unstable",
        "mutants/train_same_batch",
        "mutants/train_never_updates",
        "alternatives/float32_everywhere",
    ],
    "lab3_two_layer": [
        "mutants/backward_no_relu_mask",
        "mutants/backward_bias_wrong_axis",
        "mutants/train_decay_every_iteration",
        "mutants/svm_counts_correct_class",
        "alternatives/float32_everywhere",
    ],
    "lab4_backprop": [
        "mutants/value_grad_overwritten",
        "mutants/dropout_forward_at_test_time",
        "mutants/momentum_sign",
        "mutants/adam_no_bias_correction",
        "alternatives/layers_other_vectorisations",
    ],
    "lab5_convnets": [
        "mutants/conv_backward_stride_ignored",
        "mutants/pool_backward_assign_not_add",
        "mutants/conv_forward_flipped_filters",
        "mutants/fast_backward_db_wrong_axis",
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
    models = write_examples(lab_name, submitted / "solution" / lab_name)
    for student, variant in samples.items():
        folder = submitted / student / lab_name
        folder.mkdir(parents=True, exist_ok=True)
        for notebook in lab.notebooks:
            nb = make_submission(lab_name, notebook.name, variant, release_dir)
            nbformat.write(nb, folder / notebook.name)
        if variant != "blank":  # a mistake in code should not also cost the saved model
            for model in models:
                if model.parent != folder:
                    shutil.copyfile(model, folder / model.name)
    # Two broken hand-ins: a notebook that never arrived and one cut off mid-upload.
    (submitted / "missing-notebook" / lab_name).mkdir(parents=True, exist_ok=True)
    corrupt = submitted / "corrupt-json" / lab_name
    corrupt.mkdir(parents=True, exist_ok=True)
    for notebook in lab.notebooks:
        text = (submitted / "solution" / lab_name / notebook.name).read_text()
        (corrupt / notebook.name).write_text(text[: len(text) // 2])
    return [*samples, "missing-notebook", "corrupt-json"]


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
    print(f"\ngrades: {out_dir / 'grades.csv'} (and canvas.csv, moodle.csv for the LMS)\n"
          f"feedback: {out_dir / 'feedback'}\nnbgrader course (gradebook, autograded "
          f"notebooks, feedback/): {out_dir / 'nbgrader'}")
