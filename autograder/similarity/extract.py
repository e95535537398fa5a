"""Each graded function's code in a notebook's solution cells, as one piece of text.

A lab's *units* are the functions its instructor solution cells define, and each method of
the classes they define (``LinearClassifier.train``). A student's unit is the last definition
of that name across the solution cells (as the grader's single namespace sees it), followed
by the module-level helpers it calls, transitively. Methods are dedented, so every unit's
text is itself a module. A cell that does not parse is cut at its ``def`` lines instead.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from ..notebook import read_notebook, solution_cells, strip_solution_markers

MAX_UNIT_CHARS = 100_000  # one function's text with its helpers; only this much is compared
_DEF_LINE = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


@dataclass(frozen=True)
class UnitName:
    """A graded unit: ``name`` as reported (``f`` or ``Class.method``), the notebook and the
    solution cell that hold it in the release."""

    name: str
    notebook: str
    cell: str

    @property
    def function(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def owner(self) -> str | None:
        return self.name.rsplit(".", 1)[0] if "." in self.name else None


def lab_units(lab) -> list[UnitName]:
    """The units of ``lab`` (a :class:`autograder.course.Lab`), in notebook order."""
    units = []
    for path in lab.notebooks:
        for grade_id, cell in solution_cells(read_notebook(path)).items():
            tree = ast.parse(strip_solution_markers(cell.source))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    units.append(UnitName(node.name, path.name, grade_id))
                elif isinstance(node, ast.ClassDef):
                    units += [UnitName(f"{node.name}.{m.name}", path.name, grade_id)
                              for m in node.body if isinstance(m, ast.FunctionDef)]
    return units


def unit_sources(cells: dict[str, dict[str, str]], units: list[UnitName]) -> dict[str, str]:
    """``unit name -> source`` from ``cells`` (notebook -> grade_id -> solution cell source,
    in notebook order); units with no code are left out."""
    functions: dict[str, tuple[ast.AST, list[str]]] = {}  # name -> (definition, cell lines)
    classes: dict[str, tuple[ast.ClassDef, list[str]]] = {}
    broken: dict[str, str] = {}  # grade_id -> source of a cell that does not parse
    for notebook_cells in cells.values():
        for grade_id, source in notebook_cells.items():
            try:
                tree = ast.parse(source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                broken[grade_id] = source
                continue
            lines = source.splitlines()
            for node in tree.body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    functions[node.name] = (node, lines)
                elif isinstance(node, ast.ClassDef):
                    classes[node.name] = (node, lines)
    graded = {u.name for u in units}
    out = {}
    for unit in units:
        found = _definition(unit, functions, classes)
        if found is not None:
            parts = [found, *_helpers(found[0], functions, graded)]
            text = "\n\n".join(_segment(node, lines) for node, lines in parts) + "\n"
        elif unit.cell in broken:
            text = _broken_part(broken[unit.cell], unit, units)
        else:
            continue
        if text.strip():
            out[unit.name] = text[:MAX_UNIT_CHARS]
    return out


def _definition(unit: UnitName, functions: dict, classes: dict):
    if unit.owner is None:
        return functions.get(unit.function)
    if unit.owner not in classes:
        return None
    owner, lines = classes[unit.owner]
    methods = [m for m in owner.body if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef)
               and m.name == unit.function]
    return (methods[-1], lines) if methods else None


def _helpers(node, functions: dict, graded: set[str]) -> list:
    """Module-level functions ``node`` calls that are not graded units themselves."""
    found, queue, seen = [], [node], {id(node)}
    while queue:
        called = {n.id for n in ast.walk(queue.pop()) if isinstance(n, ast.Name)}
        for name in sorted(called - graded):
            if name in functions and id(functions[name][0]) not in seen:
                seen.add(id(functions[name][0]))
                found.append(functions[name])
                queue.append(functions[name][0])
    return found


def _segment(node, lines: list[str]) -> str:
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    return textwrap.dedent("\n".join(lines[start:node.end_lineno]))


def _broken_part(source: str, unit: UnitName, units: list[UnitName]) -> str:
    """A cell that does not parse: all of it if it holds one unit, else the text from the
    unit's ``def`` line to the next ``def``."""
    if sum(u.cell == unit.cell for u in units) == 1:
        return source
    starts = list(_DEF_LINE.finditer(source))
    for i, match in enumerate(starts):
        if match.group(1) == unit.function:
            end = starts[i + 1].start() if i + 1 < len(starts) else len(source)
            return textwrap.dedent(source[match.start():end])
    return ""
