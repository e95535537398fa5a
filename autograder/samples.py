"""Sample submissions built from the release: the solution, the blank lab, and known mistakes.

A *variant* holds one or more graded functions written differently from the solution: a
typical mistake (a mutant: an edit of the solution, from ``solutions/<lab>/mutants.py``, see
:mod:`autograder.mutants`) or a correct alternative (a whole Python file in
``solutions/<lab>/alternatives/``). A variant is named ``mutants/<name>`` or
``alternatives/<name>``. The demo grades such submissions (``solutions/<lab>/demo.py`` says
which); the tests of the tests use the same variants through the same functions.
"""

from __future__ import annotations

import ast
import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import get_lab
from .mutants import apply, definitions
from .notebook import read_notebook, solution_cells, strip_solution_markers

_DEFINITIONS = (ast.FunctionDef, ast.ClassDef)
KINDS = ("mutants", "alternatives")


@dataclass(frozen=True)
class Variant:
    """Functions or classes that replace the solution's: ``functions`` maps a name to its
    source (a class is replaced whole). ``breaks``: the test a mutant must lose points on
    (``None`` for an alternative); ``source``: the code that defines them all."""

    name: str
    description: str
    breaks: str | None
    functions: dict[str, str]
    source: str
    also_breaks: tuple[str, ...] = ()
    kind: str = "mutants"

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"

    def namespace(self, base: dict) -> dict:
        """``base`` (e.g. the reference namespace) with this variant's functions swapped in."""
        namespace = dict(base)
        exec(compile(self.source, f"<{self.id}>", "exec"), namespace)
        return namespace


def load_alternative(path: Path) -> Variant:
    """A correct alternative: the definitions of a Python file, with the imports they need."""
    source = Path(path).read_text()
    tree = ast.parse(source)
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
    return Variant(Path(path).stem, ast.get_docstring(tree) or "", None, functions, source,
                   kind="alternatives")


def _not_numpy(node) -> bool:
    # The notebooks import numpy as np in their set-up cell; other imports travel along.
    return not (isinstance(node, ast.Import) and [a.name for a in node.names] == ["numpy"])


@functools.cache
def solution_definitions(lab_name: str) -> dict[str, str]:
    """Each top-level def and class of the lab's solution cells, as the instructor wrote it."""
    found: dict[str, str] = {}
    for path in get_lab(lab_name).notebooks:
        for cell in solution_cells(read_notebook(path)).values():
            found.update(definitions(strip_solution_markers(cell.source)))
    return found


def variants(lab_name: str, kind: str = "mutants") -> list[Variant]:
    """All variants of a lab, ``kind`` being ``"mutants"`` or ``"alternatives"``. A mutant
    that no longer applies to the solution raises :class:`autograder.mutants.MutantError`."""
    lab = get_lab(lab_name)
    if kind == "alternatives":
        return [load_alternative(p) for p in sorted((lab.source_dir / kind).glob("*.py"))]
    solution = solution_definitions(lab_name)
    found = []
    for m in lab.part("mutants").MUTANTS:
        functions = apply(m, solution)
        found.append(Variant(m.name, m.why, m.breaks, functions,
                             "\n\n".join(functions.values()) + "\n", m.also_breaks))
    return found


def find_variant(lab_name: str, variant_id: str) -> Variant:
    """The variant called ``mutants/<name>`` or ``alternatives/<name>``."""
    kind, _, name = variant_id.partition("/")
    if kind not in KINDS:
        raise ValueError(f"{variant_id!r}: a variant id starts with mutants/ or alternatives/")
    for variant in variants(lab_name, kind):
        if variant.name == name:
            return variant
    raise ValueError(f"{lab_name} has no variant {variant_id!r}")


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


def write_submissions(lab_name: str, release_dir: Path, submitted: Path,
                      samples: dict[str, Variant | str]) -> list[str]:
    """Hand in one sample per student: ``submitted/<student>/<lab>/`` gets each notebook of
    the lab filled in with ``samples[student]`` (see :func:`make_submission`) and, unless the
    sample is ``"blank"``, the saved model a correct submission hands in (so a mistake in code
    costs only the code's points). Returns the students."""
    lab = get_lab(lab_name)
    submitted = Path(submitted)
    models = write_examples(lab_name, submitted / ".models" / lab_name)
    for student, variant in samples.items():
        folder = submitted / student / lab_name
        folder.mkdir(parents=True, exist_ok=True)
        for notebook in lab.notebooks:
            nbformat.write(make_submission(lab_name, notebook.name, variant, release_dir),
                           folder / notebook.name)
        for model in models if variant != "blank" else []:
            shutil.copyfile(model, folder / model.name)
    shutil.rmtree(submitted / ".models", ignore_errors=True)
    return list(samples)


def write_broken(lab_name: str, release_dir: Path, submitted: Path) -> list[str]:
    """Two broken hand-ins: ``missing-notebook`` (a folder with no notebook) and
    ``corrupt-json`` (each solved notebook cut off halfway, as by a failed upload).
    Returns the students."""
    lab = get_lab(lab_name)
    (Path(submitted) / "missing-notebook" / lab_name).mkdir(parents=True, exist_ok=True)
    corrupt = Path(submitted) / "corrupt-json" / lab_name
    corrupt.mkdir(parents=True, exist_ok=True)
    for notebook in lab.notebooks:
        text = nbformat.writes(make_submission(lab_name, notebook.name, "solution",
                                               release_dir)) + "\n"
        (corrupt / notebook.name).write_text(text[: len(text) // 2])
    return ["missing-notebook", "corrupt-json"]


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
