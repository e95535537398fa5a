"""Reference implementations, taken from the instructor notebooks' solution cells.

The solutions in ``solutions/`` are the single source of truth: hidden checks, benchmarks and
sample submissions all call the functions defined there instead of keeping copies. A notebook
that imports a student's functions from another notebook (``course_utils.reuse``) gets, in the
reference, the instructor's versions of those functions from the instructor's copy of it.
"""

from __future__ import annotations

import ast
import functools

import numpy as np

from .course import CourseError, get_lab


@functools.cache
def solution_code(lab_name: str) -> tuple[tuple[str, str], ...]:
    """Every solution cell of ``lab_name`` in notebook order, then its :func:`reuse_code`, as
    ``(where, code)`` pairs with the solution markers removed: what :func:`namespace_of`
    executes. A lab folder without notebooks (as the sandbox sees one: only its ``sandbox/``
    part is mounted) has no reference: :class:`~autograder.course.CourseError`."""
    # Imported here, not at module level: nbformat pulls in jsonschema's format checkers,
    # seconds of start-up that the reference-helper process (which gets the code as a
    # message and only needs namespace_of) must not pay.
    from .notebook import read_notebook, solution_cells, strip_solution_markers

    lab = get_lab(lab_name)
    if not lab.notebooks:
        raise CourseError(f"{lab.source_dir} holds no instructor notebook, so {lab_name} has no "
                          "reference solution")
    cells = tuple((f"<{path.name}:{grade_id}>", strip_solution_markers(cell.source))
                  for path in lab.notebooks
                  for grade_id, cell in solution_cells(read_notebook(path)).items())
    return (*cells, *reuse_code(lab_name))


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


def reuse_code(lab_name: str) -> list[tuple[str, str]]:
    """For each ``definitions_from`` call in the lab's notebooks (:func:`reuse_calls`), code
    that defines the names it imports and the lab's own solutions do not: the instructor's
    versions, from the instructor's copy of the reused notebook (which must lie inside the
    lab's ``solutions`` folder). As ``(where, code)`` pairs, run after the solution cells."""
    from .notebook import read_notebook

    lab = get_lab(lab_name)
    solutions = lab.source_dir.parent.resolve()
    found = []
    for path in lab.notebooks:
        for other, names in reuse_calls(read_notebook(path)):
            target = (path.parent / other).resolve()
            if not target.is_relative_to(solutions):
                raise ValueError(f"{path.name} reuses {other}, outside the course's solutions")
            found.append((f"<{path.name}: reuses {other}>",
                          "from course_utils.reuse import definitions_from as _reuse\n"
                          f"_names = [n for n in {names!r} if n not in globals()]\n"
                          "if _names:\n    globals().update(zip(_names, _reuse("
                          f"{str(target)!r}, "
                          "*_names), strict=True))\n"
                          "del _reuse, _names\n"))
    return found


def reuse_calls(notebook) -> list[tuple[str, tuple[str, ...]]]:
    """Each ``definitions_from("<notebook>", "<name>", ...)`` call, with literal arguments, in
    the notebook's cells other than solution cells: the notebook and the names it reuses."""
    from .notebook import nbgrader_meta

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
