"""Reuse your own functions from an earlier notebook of the lab, without copy and paste.

A later notebook (Lab 4's ``normalization.ipynb``) builds on functions you wrote in an
earlier one (``layers.ipynb``). Typical use, in the later notebook's set-up cell::

    from course_utils.reuse import definitions_from
    affine_forward, Trainer = definitions_from("layers.ipynb", "affine_forward", "Trainer")

Only the notebook's top-level ``import`` statements and ``def``/``class`` definitions are
run (in notebook order, so a later definition wins, as in the kernel), never its other
code: no training, no plots. Save the earlier notebook first; what is on disk is used.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np

MAX_NOTEBOOK_BYTES = 50 * 2**20  # far above any notebook of code; outputs included


class ReuseError(Exception):
    """The earlier notebook is missing, unreadable, or lacks a function asked for."""


def definitions_from(notebook, *names: str) -> tuple:
    """The definitions called ``names`` in ``notebook`` (a path to an ``.ipynb`` file).

    Returns the functions or classes in the order of ``names``, all sharing one namespace
    (so a class there calls the layers defined next to it, e.g. a Trainer its update rules).
    Raises :class:`ReuseError` naming what is missing.
    """
    path = Path(notebook)
    if not path.is_file():
        where = ("in the same folder as this notebook" if path.parent == Path(".") else
                 "where that path says, relative to this notebook's folder")
        raise ReuseError(f"{path} was not found: keep {path.name} {where}, and save it")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ReuseError(f"{path} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB: clear its "
                         "outputs (Kernel > Restart & Clear Output) and save it")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ReuseError(f"{path} could not be read as a notebook ({exc})") from None
    namespace: dict = {"np": np, "__name__": f"reused_{path.stem}"}
    broken: dict[str, str] = {}
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # a cell with %magics or unfinished code defines nothing usable here
        for node in tree.body:
            if not isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef
                              | ast.ClassDef):
                continue
            code = compile(ast.Module([node], []), f"<{path.name}, cell {number}>", "exec")
            try:
                exec(code, namespace)  # the student's own notebook, run by the student
            except Exception as exc:  # report it only if that definition is asked for
                broken[getattr(node, "name", "")] = f"{type(exc).__name__}: {exc}"
    missing = [name for name in names if name not in namespace]
    if missing:
        why = "; ".join(f"{name} ({broken[name]})" for name in missing if name in broken)
        raise ReuseError(f"{path.name} defines no {', '.join(missing)}: run and save that "
                         "notebook, keeping the names of its graded functions"
                         + (f". Errors: {why}" if why else ""))
    return tuple(namespace[name] for name in names)
