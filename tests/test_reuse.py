"""course_utils.reuse: a later notebook imports the student's own functions from an earlier
one; missing files, names and broken definitions are explained, other code never runs."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from autograder.course import get_lab
from autograder.reference import reuse_calls, solution_namespace
from course_utils import reuse
from course_utils.reuse import ReuseError, definitions_from


def _notebook(path, *sources):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": s} for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_reuses_the_layers_of_the_lab4_solution_notebook():
    layers = get_lab("lab4_backprop").source_dir / "layers.ipynb"
    affine_forward, Trainer = definitions_from(layers, "affine_forward", "Trainer")
    out, _ = affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    assert np.array_equal(out, np.full((2, 4), 3.0))
    assert Trainer.__init__.__globals__["adam"].__name__ == "adam"  # its update rules came too


def test_runs_definitions_and_imports_only(tmp_path):
    path = _notebook(tmp_path / "a.ipynb", "import math\nraise SystemExit('never run')",
                     "%matplotlib inline", "def f(x):\n    return math.sqrt(x) + g()",
                     "def g():\n    return 1\n\nprint(1 / 0)")
    (f,) = definitions_from(path, "f")
    assert f(4.0) == 3.0


def test_a_later_definition_wins_as_in_the_kernel(tmp_path):
    path = _notebook(tmp_path / "a.ipynb", "def f():\n    return 1", "def f():\n    return 2")
    assert definitions_from(path, "f")[0]() == 2


def test_missing_file_and_missing_names_are_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a notebook's kernel runs in the notebook's folder
    with pytest.raises(ReuseError, match="keep layers.ipynb in the same folder"):
        definitions_from("layers.ipynb", "f")
    with pytest.raises(ReuseError, match="relative to this notebook's folder"):
        definitions_from("../lab4_backprop/layers.ipynb", "f")
    path = _notebook(tmp_path / "a.ipynb", "@undefined_decorator\ndef broken():\n    pass")
    with pytest.raises(ReuseError, match=r"defines no broken, absent.*NameError"):
        definitions_from(path, "broken", "absent")


def test_unreadable_and_oversized_notebooks_are_refused(tmp_path, monkeypatch):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ReuseError, match="could not be read"):
        definitions_from(bad, "f")
    path = _notebook(tmp_path / "a.ipynb", "def f():\n    return 1")
    monkeypatch.setattr(reuse, "MAX_NOTEBOOK_BYTES", 10)
    with pytest.raises(ReuseError, match="larger than"):
        definitions_from(path, "f")


def test_the_reference_takes_reused_names_from_the_instructors_notebook():
    """Lab 5 imports the student's Lab 4 layers; its reference gets the instructor's, while
    a lab whose own solutions define a reused name keeps its own."""
    lab5, lab4 = solution_namespace("lab5_convnets"), solution_namespace("lab4_backprop")
    assert lab5["affine_forward"].__globals__["__name__"] == "reused_layers"
    x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)
    assert np.array_equal(lab5["affine_forward"](x, w, b)[0], lab4["affine_forward"](x, w, b)[0])
    assert lab4["affine_forward"].__globals__["__name__"] == "reference_lab4_backprop"


def test_reuse_calls_need_literal_arguments():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('%matplotlib inline\nf, = definitions_from("a.ipynb", "f")'),
        nbformat.v4.new_code_cell("def g():\n    return 1")])
    assert reuse_calls(notebook) == [("a.ipynb", ("f",))]
    notebook.cells.append(nbformat.v4.new_code_cell("f, = definitions_from(PATH, 'f')"))
    with pytest.raises(ValueError, match="string literals"):
        reuse_calls(notebook)
