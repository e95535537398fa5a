"""``nnlabs check`` in the student install: every lab's visible checks, as Validate runs them.

The student install holds no hidden tests (they stay with the course), so here a check runs a
copy of each notebook from the top in a fresh kernel (nbclient, the engine behind nbgrader's
Validate) and reads the outcome of each graded test cell: a cell without an error passed its
visible checks. Points are shown as "visible": the hidden tests, run when the course grades
the lab, test more cases.
"""

from __future__ import annotations

import re
from pathlib import Path

from .progress import GradedTest, Progress

CELL_TIMEOUT = 300  # seconds per cell, as for Validate (see course_utils.jupyter)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def visible_results(notebook: Path) -> list[GradedTest]:
    """Run ``notebook`` (a copy; the file is not changed) and judge each graded test cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, allow_errors=True,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    results = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        points = float(meta.get("points", 0))
        message = ""
        if errors:
            error = errors[0]
            if error.get("ename") == "NotImplementedError":
                message = "not written yet (a cell still raises NotImplementedError)"
            else:
                message = _ANSI.sub("", f"{error.get('ename', 'Error')}: "
                                        f"{error.get('evalue', '')}")
                message = " ".join(message.split())[:300]
        results.append(GradedTest(notebook.name, meta.get("grade_id", "?"),
                                    0.0 if errors else points, points, not errors, message))
    return results


def check_visible(folder: Path) -> int:
    """Run the visible checks of every lab notebook under ``folder``; print the progress
    table (kept in ``folder``); 0 when every graded cell passed."""
    folder = Path(folder)
    labs = sorted(p for p in folder.glob("lab*_*") if p.is_dir() and not p.is_symlink())
    if folder.name.startswith("lab") and any(folder.glob("*.ipynb")):
        labs, folder = [folder], folder.parent
    if not labs:
        print(f"no lab folders (lab1_knn/ ...) in {folder}: run `nnlabs start` first")
        return 2
    progress = Progress(folder)
    passed = True
    for lab in labs:
        tests = []
        for notebook in sorted(lab.glob("*.ipynb")):
            if notebook.is_symlink():
                continue
            print(f"running {lab.name}/{notebook.name} ...", flush=True)
            tests += visible_results(notebook)
        passed &= all(t.passed for t in tests)
        progress.record(lab.name, tests, kind="visible")
    progress.save()
    print()
    print(progress.table([p.name for p in labs]))
    print("\nThese are the visible checks; the hidden tests run when your course grades a lab.")
    return 0 if passed else 1
