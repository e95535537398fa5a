"""Reference implementations, taken from the instructor notebooks' solution cells.

The solutions in ``solutions/`` are the single source of truth: hidden checks, benchmarks and
sample submissions all call the functions defined there instead of keeping copies.
"""

from __future__ import annotations

import functools

import numpy as np

from .course import get_lab


@functools.cache
def solution_code(lab_name: str) -> tuple[tuple[str, str], ...]:
    """Every solution cell of ``lab_name`` in notebook order, as ``(where, code)`` pairs with
    the solution markers removed: what :func:`namespace_of` executes."""
    # Imported here, not at module level: nbformat pulls in jsonschema's format checkers,
    # seconds of start-up that the reference-helper process (which gets the code as a
    # message and only needs namespace_of) must not pay.
    from .notebook import read_notebook, solution_cells, strip_solution_markers

    return tuple((f"<{path.name}:{grade_id}>", strip_solution_markers(cell.source))
                 for path in get_lab(lab_name).notebooks
                 for grade_id, cell in solution_cells(read_notebook(path)).items())


def namespace_of(lab_name: str, code: tuple[tuple[str, str], ...]) -> dict:
    """The names that executing ``code`` (from :func:`solution_code`) defines, in order.

    Solution cells may rely on ``np`` and on each other, nothing else from the notebook.
    """
    namespace: dict = {"np": np, "__name__": f"reference_{lab_name}"}
    for where, source in code:
        exec(compile(source, where, "exec"), namespace)  # trusted: the instructor's own code
    return namespace


@functools.cache
def solution_namespace(lab_name: str) -> dict:
    """Execute every solution cell of ``lab_name`` (in notebook order) and return the names."""
    return namespace_of(lab_name, solution_code(lab_name))
