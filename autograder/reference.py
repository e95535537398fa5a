"""Reference implementations, taken from the instructor notebooks' solution cells.

The solutions in ``solutions/`` are the single source of truth: hidden checks, benchmarks and
sample submissions all call the functions defined there instead of keeping copies.
"""

from __future__ import annotations

import functools

import numpy as np

from .course import CourseError, get_lab
from .notebook import read_notebook, solution_cells, strip_solution_markers


@functools.cache
def solution_namespace(lab_name: str) -> dict:
    """Execute every solution cell of ``lab_name`` (in notebook order) and return the names.

    Solution cells may rely on ``np`` and on each other, nothing else from the notebook.
    A lab folder without notebooks (as the sandbox sees one: only its ``sandbox/`` part is
    mounted) has no reference: :class:`~autograder.course.CourseError`, not an empty one.
    """
    lab = get_lab(lab_name)
    if not lab.notebooks:
        raise CourseError(f"{lab.source_dir} holds no instructor notebook, so {lab_name} has no "
                          "reference solution")
    namespace: dict = {"np": np, "__name__": f"reference_{lab_name}"}
    for path in lab.notebooks:
        for grade_id, cell in solution_cells(read_notebook(path)).items():
            code = compile(strip_solution_markers(cell.source), f"<{path.name}:{grade_id}>", "exec")
            exec(code, namespace)  # trusted: the instructor's own notebook
    return namespace

