"""The student release: built by nbgrader from solutions/, committed, and free of answers."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from autograder.course import LABS_DIR, all_labs
from autograder.notebook import read_notebook, solution_cells
from autograder.release import stale_files

LABS = all_labs()


def test_committed_release_matches_a_fresh_build():
    stale = stale_files()
    assert stale == [], f"labs/ is out of date ({stale}): run `python -m autograder release`"


@pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])
def test_release_contains_no_solutions_or_hidden_tests(lab):
    for path in lab.notebooks:
        released = (LABS_DIR / lab.name / path.name).read_text()
        assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
        assert "run_check" not in released
        for grade_id, cell in solution_cells(read_notebook(path)).items():
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            for line in body.strip().splitlines():
                if len(line.strip()) > 25:  # long enough to be an answer, not a common idiom
                    assert line.strip() not in released, f"{grade_id} leaks: {line.strip()}"


@pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])
def test_instructor_notebooks_are_reviewable(lab):
    """Outputs cleared, execution counts empty, cell ids stable and readable."""
    for path in lab.notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            assert not cell.get("outputs"), f"{path.name}:{cell['id']} has outputs"
            assert cell.get("execution_count") is None
            assert len(cell["id"]) < 40 and not cell["id"].isdigit()


def test_course_utils_contains_no_graded_function():
    import course_utils

    graded = {
        node.name
        for lab in LABS
        for path in lab.notebooks
        for cell in solution_cells(read_notebook(path)).values()
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    assert graded, "no graded functions found"
    package = Path(next(iter(course_utils.__path__)))
    text = "\n".join(p.read_text() for p in sorted(package.glob("*.py")))
    assert [g for g in graded if f"def {g}(" in text or f"class {g}" in text] == []
