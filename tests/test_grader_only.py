"""The hidden checks' answer code stays with the grader.

The worker imports each lab's checks module for its drivers, and a student's cell can import
anything the sandbox can: so code that computes a graded function's answer lives in
``autograder/checks/grader_only``, which the sandbox masks, and the lab modules hold nothing
that returns a graded answer. These tests prove both from the sandbox's side and by calling
every sandbox-side function on the hidden cases.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pytest

from autograder import sandbox
from autograder.checks import _exercise, expected_result, lab_checks
from autograder.course import all_labs
from autograder.protocol import Cell, Job
from autograder.reference import solution_namespace
from autograder.runner import run_job

LABS = [lab.name for lab in all_labs()]
GRADER_ONLY = ["autograder.checks.grader_only." + p.stem
               for p in sorted(sandbox.GRADER_ONLY[1].glob("*.py")) if p.stem != "__init__"]
# What the red team imported from the lab modules to earn points with the grader's maths.
RED_TEAM_IMPORTS = {
    "autograder.checks.lab2_linear": ["_perceptron", "_svm_parts", "_softmax_parts"],
    "autograder.checks.lab3_two_layer": ["_scores", "_cross_entropy", "_labels", "_softmax"],
    "autograder.checks.lab4_backprop": ["_own_numeric", "_CORRECT_FORWARDS", "_sgd_rule",
                                        "_momentum_rule", "_stable_sigmoid"],
}


@pytest.mark.skipif(sandbox.isolation() == "limits-only",
                    reason="the limits-only fallback has no private root to mask folders in")
def test_a_cell_in_the_sandbox_cannot_import_the_answer_code(tmp_path):
    imports = [f"import {m}" for m in GRADER_ONLY] + [
        f"from {module} import {name}" for module, names in RED_TEAM_IMPORTS.items()
        for name in names]
    probe = ("worked = []\n"
             f"for line in {imports!r}:\n"
             "    try:\n"
             "        exec(line, {})\n"
             "        worked.append(line)\n"
             "    except ImportError:\n"
             "        pass\n"
             "raise RuntimeError(repr(worked))")
    (tmp_path / "work").mkdir()
    record = run_job(Job("lab1_knn", (Cell("probe", probe),)), tmp_path / "work", 900,
                     sandbox.Limits(), [])
    assert len(GRADER_ONLY) >= 4  # the answer code of labs 1 to 4 is there, outside the sandbox
    assert record.cells["probe"] == "RuntimeError: []"


@pytest.mark.parametrize("lab", LABS)
def test_the_worker_never_imports_the_answer_code(lab):
    code = (f"import sys, autograder.worker, autograder.checks.{lab}; "
            "print(sorted(m for m in sys.modules if 'grader_only' in m))")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert proc.stdout.strip() == "[]"


def _same(a, b) -> bool:
    """Whether a result equals a reference result (numbers and arrays within round-off)."""
    if isinstance(b, tuple | list):
        return (isinstance(a, tuple | list) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in b)
    try:
        a, b = np.asarray(a), np.asarray(b)
        return (a.shape == b.shape and a.dtype.kind in "biuf" and b.dtype.kind in "biuf"
                and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9)))
    except (TypeError, ValueError):
        return False


def _first(first, *rest, **kwargs):
    return first


def _first_and_none(first, *rest, **kwargs):
    return first, None


def _trivial(check, case, expected) -> bool:
    """Whether echoing the first argument already gives the answer (dropout in test mode):
    any helper that returns its input would match, and that gives nothing away."""
    for echo in (_first, _first_and_none):
        try:
            if _same(_exercise(echo, check, copy.deepcopy(case)), expected):
                return True
        except Exception:  # noqa: BLE001 - a driver that needs more than an echo
            pass
    return False


def _sandbox_side_functions(lab: str):
    """Every function the sandbox can import from the checks: the lab's module, the shared
    ``autograder.checks`` and ``compare``, with their module-level helpers."""
    for name in (f"autograder.checks.{lab}", "autograder.checks", "autograder.checks.compare"):
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name:
                yield f"{name}.{attr}", value


@pytest.mark.parametrize("lab", LABS)
def test_no_sandbox_side_function_returns_a_graded_answer(lab):
    """Each function of the sandbox-side modules, exercised on a hidden case as the graded
    function is (called with the case's arguments, or through the check's driver), must not
    give the reference result. Classes are covered by the import tests above."""
    ref = solution_namespace(lab)
    functions = list(_sandbox_side_functions(lab))
    answers = []
    for test, check in lab_checks(lab).items():
        if check.artifact is not None or isinstance(ref.get(check.function), type):
            continue
        for case in check.cases():
            expected = expected_result(check, case, ref)
            if expected is None or isinstance(expected, str | bool) or _trivial(
                    check, case, expected):
                continue
            for name, function in functions:
                if check.driver is None:
                    try:
                        inspect.signature(function).bind(*case.args, **case.kwargs)
                    except TypeError:
                        continue
                try:
                    with warnings.catch_warnings(), np.errstate(all="ignore"):
                        warnings.simplefilter("ignore")
                        got = _exercise(function, check, copy.deepcopy(case))
                except Exception:  # noqa: BLE001 - most helpers refuse a case's arguments
                    continue
                if _same(got, expected):
                    answers.append((test, case.hint, name))
    assert answers == []
