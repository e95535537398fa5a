"""Sample submissions built from the release: the solution, the blank lab, and known mistakes.

A *variant* is a Python file holding one or more graded functions written differently from
the solution: a typical mistake in ``tests/mutants/<lab>/`` (with ``BREAKS = "<test id>"``,
the test it must lose points on, and ``ALSO_BREAKS = ("<test id>", ...)`` where the same
mistake unavoidably reaches further tests) or a correct alternative in
``tests/alternatives/<lab>/``.
The demo grades such submissions; the tests of the tests use the same files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import REPO_ROOT, get_lab
from .notebook import read_notebook, solution_cells, strip_solution_markers

_DEFINITIONS = (ast.FunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Variant:
    """Functions or classes that replace the solution's: ``functions`` maps a name to its
    source (a class is replaced whole, so a mutant of one method restates the class)."""

    name: str
    description: str
    breaks: str | None
    functions: dict[str, str]
    path: Path
    also_breaks: tuple[str, ...] = ()

    def namespace(self, base: dict) -> dict:
        """``base`` (e.g. the reference namespace) with this variant's functions swapped in."""
        namespace = dict(base)
        exec(compile(self.path.read_text(), str(self.path), "exec"), namespace)
        return namespace


def load_variant(path: Path) -> Variant:
    source = Path(path).read_text()
    tree = ast.parse(source)
    found = {}
    for node in tree.body:
        for target in node.targets if isinstance(node, ast.Assign) else ():
            if isinstance(target, ast.Name) and target.id in ("BREAKS", "ALSO_BREAKS"):
                found[target.id] = ast.literal_eval(node.value)
    breaks, also = found.get("BREAKS"), tuple(found.get("ALSO_BREAKS", ()))
    imports = [
        ast.get_source_segment(source, n)
        for n in tree.body
        if isinstance(n, ast.Import | ast.ImportFrom) and _not_numpy(n)
    ]
    functions = {
        n.name: "\n".join([*imports, *([""] if imports else []), ast.get_source_segment(source, n)])
        for n in tree.body
        if isinstance(n, _DEFINITIONS)
    }
    return Variant(Path(path).stem, ast.get_docstring(tree) or "", breaks, functions, Path(path),
                   also)


def _not_numpy(node) -> bool:
    # The notebooks import numpy as np in their set-up cell; other imports travel along.
    return not (isinstance(node, ast.Import) and [a.name for a in node.names] == ["numpy"])


def variants(lab_name: str, kind: str = "mutants") -> list[Variant]:
    """All variants of a lab, ``kind`` being ``"mutants"`` or ``"alternatives"``."""
    folder = REPO_ROOT / "tests" / kind / lab_name
    return [load_variant(p) for p in sorted(folder.glob("*.py"))]


def make_submission(lab_name: str, notebook: str, variant: Variant | None | str,
                    release_dir: Path) -> nbformat.NotebookNode:
    """A filled-in copy of the released notebook, as a student would hand it in.

    ``variant``: ``"solution"`` (every solution cell from the instructor notebook),
    ``"blank"`` (the release untouched), or a :class:`Variant` (the solution, except each
    cell defining one of the variant's functions holds the variant's code instead).
    """
    released = read_notebook(release_dir / lab_name / notebook)
    if variant == "blank":
        return released
    instructor = solution_cells(read_notebook(get_lab(lab_name).source_dir / notebook))
    replacements = variant.functions if isinstance(variant, Variant) else {}
    for grade_id, cell in solution_cells(released).items():
        cell.source = _swap_definitions(
            strip_solution_markers(instructor[grade_id].source), replacements)
    return released


def _swap_definitions(source: str, replacements: dict[str, str]) -> str:
    """``source`` with each top-level def or class named in ``replacements`` swapped for it;
    the other definitions of the cell stay (a cell may define forward and backward)."""
    lines = source.splitlines()
    nodes = [n for n in ast.parse(source).body
             if isinstance(n, _DEFINITIONS) and n.name in replacements]
    for node in sorted(nodes, key=lambda n: n.lineno, reverse=True):
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        lines[start:node.end_lineno] = replacements[node.name].splitlines()
    return "\n".join(lines) + "\n"


def write_examples(lab_name: str, folder: Path) -> list[Path]:
    """Files a correct submission hands in besides its notebooks (a trained model), written
    by each artifact check's ``example`` from the reference solution."""
    from .checks import lab_checks

    written = []
    for check in lab_checks(lab_name).values():
        if check.artifact and check.example:
            check.example(Path(folder))
            written.append(Path(folder) / check.artifact)
    return written
