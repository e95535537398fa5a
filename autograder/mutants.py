"""Mutants: typical mistakes, each stated as a small edit of the solution's source.

A lab's ``solutions/<lab>/mutants.py`` holds ``MUTANTS``, a tuple of :func:`mutant` s. Each
names the mistake, the hidden test it must lose points on (``breaks``), any further tests
the same mistake unavoidably reaches (``also_breaks``), and one or more :class:`Edit` s: in
the solution of one graded function (a top-level ``def`` or ``class`` of a solution cell),
replace a piece of text that occurs there exactly once. Edits are applied to the current
solution whenever the tests or the demo run, so a mutant always tests today's solution; an
edit whose text is no longer there (or is there twice) raises :class:`MutantError` naming
the mutant, instead of silently testing nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


class MutantError(Exception):
    """A mutant that no longer applies to the solution, explained in one line."""


@dataclass(frozen=True)
class Edit:
    """In the solution of ``function``, replace ``old`` (found exactly once) by ``new``."""

    function: str
    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str
    why: str
    edits: tuple[Edit, ...]
    also_breaks: tuple[str, ...] = ()


def mutant(name: str, breaks: str, why: str, *edits: Edit, also_breaks: tuple[str, ...] = ()
           ) -> Mutant:
    """A mutant called ``name`` (a file-name-like id) whose mistake is ``why``."""
    if not edits:
        raise MutantError(f"mutant {name}: no edits")
    return Mutant(name, breaks, why, tuple(edits), tuple(also_breaks))


def definitions(source: str) -> dict[str, str]:
    """The source of each top-level ``def`` and ``class`` in ``source``, decorators included."""
    lines = source.splitlines()
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            found[node.name] = "\n".join(lines[start:node.end_lineno])
    return found


def apply(m: Mutant, solution: dict[str, str]) -> dict[str, str]:
    """The edited source of each function ``m`` changes, from ``solution`` (function name ->
    its solution source, see :func:`definitions`)."""
    edited: dict[str, str] = {}
    for edit in m.edits:
        if edit.function not in solution:
            raise MutantError(f"mutant {m.name}: the solution defines no {edit.function}")
        source = edited.get(edit.function, solution[edit.function])
        count = source.count(edit.old)
        if count != 1:
            where = "no longer contains" if count == 0 else f"contains {count} times"
            raise MutantError(f"mutant {m.name}: {edit.function} {where} {edit.old!r}; "
                              "update the edit to today's solution")
        edited[edit.function] = source.replace(edit.old, edit.new)
    for function, source in edited.items():
        try:
            ast.parse(source)
        except SyntaxError as exc:
            raise MutantError(f"mutant {m.name}: the edited {function} is not valid Python "
                              f"({exc.msg}, line {exc.lineno})") from exc
    return edited
