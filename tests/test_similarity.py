"""The similarity report: planted copies rank above independent solutions, hostile text stays
inert in the CSV and HTML, and unsafe files are skipped with a reason."""

from __future__ import annotations

import ast
import csv
import json
import os
from itertools import combinations
from pathlib import Path

import nbformat
import pytest

from autograder.course import LABS_DIR, get_lab
from autograder.notebook import read_notebook, solution_cells
from autograder.samples import _swap_definitions, make_submission, variants
from autograder.similarity.extract import lab_units
from autograder.similarity.report import write_csv, write_html
from autograder.similarity.fingerprint import fingerprints
from autograder.similarity.normalise import tokens
from autograder.similarity.run import MAX_NOTEBOOK_BYTES, compare_class, release_templates

LABS = ["lab1_knn", "lab2_linear"]


# -- a copying student, written independently of the normaliser -----------------------------
class _Copier(ast.NodeTransformer):
    """Renames every local name and helper, turns ``for i in range(...)`` into a ``while``,
    swaps the first two independent assignments and adds dead code to every function."""

    def __init__(self, keep: set[str]):
        self.keep = keep | {"np", "self", "range", "len", "float", "int", "zip", "min", "max",
                            "enumerate", "sum", "abs", "list", "dict", "sorted", "super"}

    def rename(self, name: str) -> str:
        return name if name in self.keep or name.startswith("__") else f"my_{name[::-1]}_v"

    def visit_Name(self, node):
        node.id = self.rename(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.rename(node.arg) if node.arg != "self" else node.arg
        return node

    def visit_FunctionDef(self, node):
        node.name = self.rename(node.name)
        self.generic_visit(node)
        body = [stmt for stmt in node.body
                if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))]
        body = _swap_first_independent(body)
        dead = ast.parse("scratch_total = 0\nif False:\n    print('never runs')\n").body
        tail = ast.parse("print('unreachable')").body if isinstance(body[-1], ast.Return) else []
        node.body = dead + body + tail
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        if not (isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name)
                and node.iter.func.id == "range" and 1 <= len(node.iter.args) <= 2
                and isinstance(node.target, ast.Name) and not node.orelse
                and not any(isinstance(n, ast.Continue | ast.Break)
                            for s in node.body for n in ast.walk(s))):
            return node
        var = node.target.id
        start, end = (ast.Constant(0), *node.iter.args) if len(node.iter.args) == 1 \
            else node.iter.args
        init = ast.Assign([ast.Name(var, ast.Store())], start)
        step = ast.AugAssign(ast.Name(var, ast.Store()), ast.Add(), ast.Constant(1))
        loop = ast.While(ast.Compare(ast.Name(var, ast.Load()), [ast.Lt()], [end]),
                         [*node.body, step], [])
        return [init, loop]


def _swap_first_independent(body: list) -> list:
    for i in range(len(body) - 1):
        a, b = body[i], body[i + 1]
        if all(isinstance(s, ast.Assign) and all(isinstance(t, ast.Name) for t in s.targets)
               for s in (a, b)):
            names_a = {n.id for n in ast.walk(a) if isinstance(n, ast.Name)}
            names_b = {n.id for n in ast.walk(b) if isinstance(n, ast.Name)}
            targets = {t.id for s in (a, b) for t in s.targets}
            if not (targets & names_a & names_b):
                return [*body[:i], b, a, *body[i + 2:]]
    return body


def planted_copy(nb: nbformat.NotebookNode, graded: set[str]) -> nbformat.NotebookNode:
    """``nb`` as a student who copied it hands it in: renamed, reformatted, reordered, with
    dead code and loops rewritten (graded names stay: the grader calls them)."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in solution_cells(copy).values():
        tree = _Copier(graded).visit(ast.parse(cell.source))
        cell.source = "# my own work\n\n" + ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    return copy


# -- a class of honest solutions and their copies -------------------------------------------
def honest_notebooks(lab_name: str) -> tuple[dict[str, dict], dict[str, set[str]]]:
    """``name -> notebook -> nb``: the solution, and each correct alternative with only the
    functions it rewrites filled in (the others left as released); and ``name -> the
    functions and classes it wrote``."""
    lab = get_lab(lab_name)
    out = {"solution": {nb.name: make_submission(lab_name, nb.name, "solution", LABS_DIR)
                        for nb in lab.notebooks}}
    units = lab_units(lab)
    written = {"solution": {u.owner or u.function for u in units}}
    for variant in variants(lab_name, "alternatives"):
        written[variant.name] = set(variant.functions)
        out[variant.name] = {}
        for nb in lab.notebooks:
            released = read_notebook(LABS_DIR / lab_name / nb.name)
            for cell in solution_cells(released).values():
                cell.source = _swap_definitions(cell.source, variant.functions)
            out[variant.name][nb.name] = released
    return out, written


def write_class(folder: Path, lab_name: str, notebooks: dict[str, dict]) -> None:
    for student, nbs in notebooks.items():
        (folder / student / lab_name).mkdir(parents=True)
        for name, nb in nbs.items():
            nbformat.write(nb, folder / student / lab_name / name)


@pytest.fixture(scope="module", params=LABS)
def planted_class(request, tmp_path_factory):
    lab_name = request.param
    graded = {u.function for u in lab_units(get_lab(lab_name))} | {
        u.owner for u in lab_units(get_lab(lab_name)) if u.owner}
    notebooks, honest = honest_notebooks(lab_name)
    students = dict(notebooks)
    for name, nbs in notebooks.items():
        students[f"copy-of-{name}"] = {nb: planted_copy(x, graded) for nb, x in nbs.items()}
    root = tmp_path_factory.mktemp(lab_name)
    write_class(root / "submitted", lab_name, students)
    result = compare_class(root / "submitted", lab_name, root / "out", workers=2)
    return lab_name, honest, result, root


def test_planted_copies_rank_above_every_independent_pair(planted_class):
    lab_name, honest, result, _ = planted_class
    gaps, given = {}, []
    templates = release_templates(lab_name)
    for unit in result.units:
        solution = fingerprints(tokens(result.sources["solution"][unit]))
        if all(h in templates.get(unit, ()) for h, _ in solution):
            given.append(unit)  # the release holds all of it: there is nothing to copy
            continue
        scores = {frozenset((p.a, p.b)): p.score for p in result.pairs if p.unit == unit}
        owner, _, function = unit.rpartition(".")
        writers = [s for s, names in honest.items() if (owner or function) in names]
        if len(writers) < 2:
            continue
        planted = [scores.get(frozenset((s, f"copy-of-{s}")), 0.0) for s in writers]
        everyone = [*writers, *(f"copy-of-{s}" for s in writers)]
        independent = [scores.get(frozenset((a, b)), 0.0) for a, b in combinations(everyone, 2)
                       if a.removeprefix("copy-of-") != b.removeprefix("copy-of-")]
        assert min(planted) > max(independent), (unit, planted, independent)
        gaps[unit] = (min(planted), max(independent))
    assert gaps, f"no unit of {lab_name} has two independent versions to compare"
    report = ", ".join(f"{u} {lo:.2f}>{hi:.2f}" for u, (lo, hi) in gaps.items())
    print(f"\n{lab_name} planted-min > independent-max: {report}; given whole: {given}")
