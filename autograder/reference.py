"""Reference implementations, taken from the instructor notebooks' solution cells.

The solutions in ``solutions/`` are the single source of truth: hidden checks, benchmarks and
sample submissions all call the functions defined there instead of keeping copies. A notebook
that imports a student's functions from another notebook (``course_utils.reuse``) gets, in the
reference, the instructor's versions of those functions from the instructor's copy of it.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import numpy as np

from .course import get_lab
from .notebook import nbgrader_meta, read_notebook, solution_cells, strip_solution_markers


@functools.cache
def solution_namespace(lab_name: str) -> dict:
    """Execute every solution cell of ``lab_name`` (in notebook order) and return the names.

    Solution cells may rely on ``np`` and on each other, nothing else from the notebook.
    """
    namespace: dict = {"np": np, "__name__": f"reference_{lab_name}"}
    lab, reuses = get_lab(lab_name), []
    for path in lab.notebooks:
        notebook = read_notebook(path)
        for grade_id, cell in solution_cells(notebook).items():
            code = compile(strip_solution_markers(cell.source), f"<{path.name}:{grade_id}>", "exec")
            exec(code, namespace)  # trusted: the instructor's own notebook
        reuses += [(path.parent / other, names) for other, names in reuse_calls(notebook)]
    for other, names in reuses:  # the lab's own solution of a name comes first
        missing = tuple(name for name in names if name not in namespace)
        if missing:
            namespace.update(_instructor_definitions(other, missing, lab.source_dir.parent))
    return namespace


def reuse_calls(notebook) -> list[tuple[str, tuple[str, ...]]]:
    """Each ``definitions_from("<notebook>", "<name>", ...)`` call, with literal arguments, in
    the notebook's cells other than solution cells: the notebook and the names it reuses."""
    calls = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or nbgrader_meta(cell).get("solution"):
            continue
        # IPython's %magic and !shell lines are not Python: blank them out first.
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                            for line in cell.source.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:  # unfinished code in a scratch cell reuses nothing
            continue
        for node in ast.walk(tree):
            function = getattr(node, "func", None)
            name = getattr(function, "id", getattr(function, "attr", None))
            if name != "definitions_from" or not node.args:
                continue
            values = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if not all(isinstance(v, str) for v in values):
                raise ValueError(f"definitions_from{tuple(values)}: write the notebook and the "
                                 "names as string literals, so the reference can find them")
            calls.append((values[0], tuple(values[1:])))
    return calls


def _instructor_definitions(notebook: Path, names: tuple[str, ...], solutions: Path) -> dict:
    """The instructor's ``names`` from the instructor's copy of ``notebook`` (a path that
    must stay inside the course's ``solutions`` folder)."""
    from course_utils.reuse import definitions_from

    path = notebook.resolve()
    if not path.is_relative_to(solutions.resolve()):
        raise ValueError(f"{notebook} reuses definitions from outside the course's solutions")
    return dict(zip(names, definitions_from(path, *names), strict=True))

