"""The similarity report: planted copies rank above independent solutions, hostile text stays
inert in the CSV and HTML, and unsafe files are skipped with a reason."""

from __future__ import annotations

import ast
import builtins
import csv
import json
import os
from itertools import combinations
from pathlib import Path

import nbformat
import pytest

from autograder.course import LABS_DIR, get_lab
from autograder.notebook import MAX_NOTEBOOK_BYTES, read_notebook, solution_cells
from autograder.samples import _swap_definitions, make_submission, variants
from autograder.similarity.extract import lab_units
from autograder.similarity.fingerprint import K, fingerprints, kgram_hashes
from autograder.similarity.normalise import tokens
from autograder.similarity.report import write_csv, write_html
from autograder.similarity.run import compare_class, release_templates
from autograder.similarity.score import score_unit, shared_lines

LABS = ["lab1_knn", "lab2_linear", "lab3_two_layer", "lab4_backprop", "lab5_convnets"]


# -- a copying student, written independently of the normaliser -----------------------------
class _Copier(ast.NodeTransformer):
    """Renames every local name and helper, turns ``for i in range(...)`` into a ``while``,
    swaps the first two independent assignments and adds dead code to every function
    (``own_line``: and one live ``assert`` of its own)."""

    def __init__(self, keep: set[str], own_line: bool):
        self.own_line = own_line
        self.keep = keep | {"np", "self", *dir(builtins)}

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
        if self.own_line and node.args.args:
            dead += ast.parse(f"assert {node.args.args[-1].arg} is not None or True").body
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


def planted_copy(nb: nbformat.NotebookNode, graded: set[str], own_line: bool = False
                 ) -> nbformat.NotebookNode:
    """``nb`` as a student who copied it hands it in: renamed, reformatted, reordered, with
    dead code and loops rewritten (graded names stay: the grader calls them)."""
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in solution_cells(copy).values():
        tree = ast.parse(cell.source)
        imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                    if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
        tree = _Copier(graded | imported, own_line).visit(tree)
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


def build_class(lab_name: str, root: Path, own_line: bool):
    units = lab_units(get_lab(lab_name))
    graded = {u.function for u in units} | {u.owner for u in units if u.owner}
    notebooks, honest = honest_notebooks(lab_name)
    students = dict(notebooks)
    for name, nbs in notebooks.items():
        students[f"copy-of-{name}"] = {nb: planted_copy(x, graded, own_line)
                                       for nb, x in nbs.items()}
    write_class(root / "submitted", lab_name, students)
    return honest, compare_class(root / "submitted", lab_name, root / "out", workers=2)


def ranking(lab_name: str, honest: dict[str, set[str]], result) -> tuple[dict, dict, list]:
    """Per unit with at least two independent versions: ``gaps`` (lowest planted score,
    highest independent score) where every planted pair ranks first, ``failures`` (the same)
    where not, and the units the release gives whole."""
    gaps, failures, given = {}, {}, []
    templates = release_templates(lab_name)
    for unit in result.units:
        solution = fingerprints(tokens(result.sources["solution"][unit]))
        if all(h in templates.get(unit, ()) for h, _ in solution):
            given.append(unit)  # the release holds all of it: there is nothing to copy
            continue
        scores = {frozenset((p.a, p.b)): p.score for p in result.pairs if p.unit == unit}
        owner, _, function = unit.rpartition(".")
        writers, seen = [], []
        for s, names in honest.items():
            # Versions that share half their lines verbatim have one origin, not two writers:
            # an alternative restating a whole class for one method, or two that both hold
            # micrograd's published Value code.
            lines = {ln.strip() for ln in result.sources.get(s, {}).get(unit, "").splitlines()
                     if ln.strip()}
            if (owner or function) in names and not any(
                    len(lines & other) >= len(lines) / 2 for other in seen):
                seen.append(lines)
                writers.append(s)
        if len(writers) < 2:
            continue
        planted = [scores.get(frozenset((s, f"copy-of-{s}")), 0.0) for s in writers]
        everyone = [*writers, *(f"copy-of-{s}" for s in writers)]
        independent = [scores.get(frozenset((a, b)), 0.0) for a, b in combinations(everyone, 2)
                       if a.removeprefix("copy-of-") != b.removeprefix("copy-of-")]
        found = (min(planted), max(independent))
        (gaps if found[0] > found[1] else failures)[unit] = found
    return gaps, failures, given


def _said(gaps: dict) -> str:
    return ", ".join(f"{u} {lo:.2f}>{hi:.2f}" for u, (lo, hi) in gaps.items())


@pytest.mark.parametrize("lab_name", LABS)
def test_planted_copies_rank_above_every_independent_pair(lab_name, tmp_path):
    honest, result = build_class(lab_name, tmp_path, own_line=False)
    gaps, failures, given = ranking(lab_name, honest, result)
    assert not failures, f"planted-min <= independent-max: {failures}"
    assert gaps, f"no unit of {lab_name} has two independent versions to compare"
    print(f"\n{lab_name} planted-min > independent-max: {_said(gaps)}; given whole: {given}")


# -- hostile text and files ------------------------------------------------------------------
def _lab1_class(root: Path, cells: dict[str, str | None]) -> Path:
    """A Lab 1 class: each student's ``predict_labels`` cell holds the given source (``None``:
    the solution notebook untouched)."""
    for student, source in cells.items():
        nb = make_submission("lab1_knn", "knn.ipynb", "solution", LABS_DIR)
        if source is not None:
            solution_cells(nb)["predict_labels"].source = source
        (root / student / "lab1_knn").mkdir(parents=True)
        nbformat.write(nb, root / student / "lab1_knn" / "knn.ipynb")
    return root


HOSTILE = '''=cmd|' /C calc'!A0
def =HYPERLINK("http://evil.example/?leak", "click")(dists):
    """</pre><script>alert(1)</script>"""
    y_pred = np.zeros(dists.shape[0], dtype=np.int64)
    for i in range(dists.shape[0]):
        y_pred[i] = np.argmin(dists[i]) + 0 * "</pre><script>alert(2)</script>"
    return y_pred
'''


def test_student_code_in_the_report_is_inert(tmp_path):
    submitted = _lab1_class(tmp_path / "submitted", {"ann": HOSTILE, "bob": HOSTILE,
                                                     "cat": None})
    found = compare_class(submitted, "lab1_knn", tmp_path / "out", workers=1)
    pair = next(p for p in found.pairs if p.unit == "predict_labels")
    assert {pair.a, pair.b} == {"ann", "bob"} and pair.score > 0.5
    write_csv(found, tmp_path / "similarity.csv")
    write_html(found, tmp_path / "similarity.html")
    with (tmp_path / "similarity.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    mine = [r for r in rows[1:] if r[header.index("function")] == "predict_labels"
            and {r[header.index("student_a")], r[header.index("student_b")]} == {"ann", "bob"}]
    excerpt = mine[0][header.index("excerpt_a")]
    assert excerpt.startswith("'=cmd|"), excerpt
    assert not [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@")]
    page = (tmp_path / "similarity.html").read_text()
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)" in page
    assert "=HYPERLINK(&quot;http://evil.example" in page  # shown, escaped, not a link
    assert "<a href='http" not in page
    assert "<mark>" in page and pair.lines_a and pair.lines_b  # the shared lines are marked


def test_symlinked_and_oversized_notebooks_are_skipped_with_a_reason(tmp_path):
    submitted = _lab1_class(tmp_path / "submitted", {"ann": None, "big": None, "lnk": None,
                                                     "dir": None})
    secret = tmp_path / "secret.ipynb"
    secret.write_text((submitted / "ann" / "lab1_knn" / "knn.ipynb").read_text()
                      .replace("np.argmax(votes)", "np.argmax(votes)  # SECRET"))
    (submitted / "lnk" / "lab1_knn" / "knn.ipynb").unlink()
    os.symlink(secret, submitted / "lnk" / "lab1_knn" / "knn.ipynb")
    with (submitted / "big" / "lab1_knn" / "knn.ipynb").open("r+b") as f:
        f.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk used
    folder = submitted / "dir" / "lab1_knn"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    os.symlink(tmp_path, folder)
    elsewhere = _lab1_class(tmp_path / "elsewhere", {"eve": None})
    os.symlink(elsewhere / "eve", submitted / "via")  # a student folder that is a link
    found = compare_class(submitted, "lab1_knn", tmp_path / "out", workers=1)
    assert set(found.skipped) == {"big", "lnk", "dir", "via"}
    assert all("link" in found.skipped[s] for s in ("lnk", "dir", "via"))
    assert "MB" in found.skipped["big"]
    assert not any("SECRET" in text for units in found.sources.values()
                   for text in units.values())


def test_cli_writes_the_report_resumes_from_its_cache_and_refuses_bad_input(tmp_path, capsys):
    from autograder.cli import main

    submitted = _lab1_class(tmp_path / "submitted", {"ann": None, "bob": None})
    out = tmp_path / "out"
    assert main(["similar", str(submitted), "--lab", "lab1_knn", "--out", str(out)]) == 0
    assert (out / "similarity.html").is_file()
    with (out / "similarity.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    # the same solution twice: every function is a pair, and shares all its (non-template) code
    units = [u.name for u in lab_units(get_lab("lab1_knn"))]
    assert sorted(r["function"] for r in rows) == sorted(units)
    assert all(float(r["score"]) > 0.5 and r["lines_a"] == r["lines_b"] for r in rows)
    cached = {p: p.stat().st_mtime_ns for p in (out / "similarity-cache").iterdir()}
    assert len(cached) == 2
    assert main(["similar", str(submitted), "--lab", "lab1_knn", "--out", str(out)]) == 0
    assert {p: p.stat().st_mtime_ns for p in (out / "similarity-cache").iterdir()} == cached
    capsys.readouterr()
    assert main(["similar", str(tmp_path / "nowhere"), "--lab", "lab1_knn",
                 "--out", str(out)]) == 2
    assert main(["similar", str(submitted), "--lab", "lab9_none", "--out", str(out)]) == 2
    assert main(["similar", str(submitted), "--lab", "lab1_knn", "--min-score", "3"]) == 2
    assert main(["similar", str(submitted), "--lab", "lab1_knn",
                 "--out", str(out / "similarity.csv")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 4 and all(e.startswith("error: ") for e in errors)


@pytest.mark.parametrize("lab_name", LABS)
def test_copies_with_a_line_of_their_own(lab_name, tmp_path):
    """A live line inserted breaks every k-gram overlapping it (about K + 10 of them): a
    function whose own code is over 2 K k-grams keeps enough to rank first; shorter ones
    (one-liners such as ``return self * -1``) are reported, not asserted."""
    honest, result = build_class(lab_name, tmp_path, own_line=True)
    gaps, failures, _ = ranking(lab_name, honest, result)
    templates = release_templates(lab_name)
    own = {unit: len({h for h, _ in kgram_hashes(tokens(text))} - templates.get(unit, set()))
           for unit, text in result.sources["solution"].items()}
    short = {u: f for u, f in failures.items() if own[u] < 2 * K}
    print(f"\n{lab_name} with an own line: ranked first: {_said(gaps)}; too short to rank "
          f"first: {_said(short) or 'none'}")
    assert not {u: f for u, f in failures.items() if u not in short}


# -- what the normalisation erases, and what it must keep ------------------------------------
SAME = [  # (one way, another way): the same program as far as a copy is concerned
    ("def f(x):\n    y = x + 1  # add\n    return y\n",
     "def f(a):\n    '''Docstring.'''\n    b = 1 + a\n\n\n    return b\n"),
    ("def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n",
     "def f(n):\n    t = 0\n    i = 0\n    while i < n:\n        t = t + i\n        i += 1\n"
     "    return t\n"),
    ("def f(x, w):\n    a = x.sum(axis=0)\n    b = np.dot(x, w)\n    return a, b\n",
     "def f(x, w):\n    b = np.dot(x, w)\n    a = x.sum(axis=0)\n    return a, b\n"),
    ("def f(x):\n    return x * 2\n",
     "def f(x):\n    unused = np.zeros(3)\n    if False:\n        x = 5\n    return x * 2\n"
     "    print('after return')\n"),
    ("def f(x):\n    return helper(x)\n\ndef helper(z):\n    return z > 0\n",
     "def f(x):\n    return check(x)\n\ndef check(q):\n    return 0 < q\n"),
    ("def f(n):\n    for i in range(0, n, 1):\n        pass\n    return n, m\n",
     "def f(n):\n    for j in range(n):\n        pass\n    return n, m\n"),
]
DIFFERENT = [  # a real difference survives (which name is where does not: all are V)
    ("def f(a):\n    return a - 1\n", "def f(a):\n    return 1 - a\n"),
    ("def f(x, w):\n    return x @ w.T\n", "def f(x, w):\n    return x.T @ w\n"),
    ("def f(x):\n    return x.sum(axis=0)\n", "def f(x):\n    return x.sum(axis=1)\n"),
    ("def f(x):\n    return np.max(x)\n", "def f(x):\n    return np.min(x)\n"),
    ("def f(x):\n    x.append(1)\n    y = len(x)\n    return y\n",  # a call that changes x
     "def f(x):\n    y = len(x)\n    x.append(1)\n    return y\n"),
    ("def f(n):\n    i = 0\n    while i < n:\n        i += 1\n        continue\n    return i\n",
     "def f(n):\n    for i in range(n):\n        continue\n    return i\n"),
]


def _texts(source: str) -> list[str]:
    return [t for t, _ in tokens(source)]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_normalisation_erases_what_copying_changes(one, other):
    assert _texts(one) == _texts(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_normalisation_keeps_real_differences(one, other):
    assert _texts(one) != _texts(other)


def test_code_that_does_not_parse_is_still_compared_and_deep_nesting_is_refused_safely():
    broken = "def f(x)\n    return x + 1  # no colon\n"
    assert _texts(broken) == _texts(broken.replace("x", "renamed"))
    deep = "def f(x):\n    return " + "(" * 5000 + "x" + ")" * 5000 + "\n"
    assert _texts(deep)  # the tokenizer fallback, not a crash


def test_only_pairs_sharing_a_rare_fingerprint_are_scored():
    """What most of the class holds is dropped from the index; the template counts for
    nothing; so 30 students who share only those make no pair at all."""
    everyone = {f"s{i:02d}": [(1, (1,)), (2, (2,)), (100 + i, (3,))] for i in range(30)}
    everyone["s00"].append((7, (4,)))
    everyone["s01"].append((7, (5,)))
    pairs, counted = score_unit("f", everyone, template={2})
    assert [(p.a, p.b, p.fragments) for p in pairs] == [("s00", "s01", 1)]
    assert counted == {7}
    shared_lines(pairs[0], everyone, counted)
    assert (pairs[0].lines_a, pairs[0].lines_b) == ([4], [5])
