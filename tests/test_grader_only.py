"""The hidden checks and the answer code stay with the grader.

A lab's folder splits what the worker may import (``solutions/<lab>/sandbox``, its drivers)
from what only the grader reads (the notebooks and ``solutions/<lab>/grader``: the hidden
cases, the comparisons, the answer-derived code, Lab 3's held-out images). The sandbox mounts
only the first. These tests prove it three ways: a cell in the sandbox can import nothing of
the second, the worker imports nothing of it, and no sandbox-side function returns a graded
answer on the hidden cases.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pytest

from autograder import sandbox
from autograder.checks import _exercise, exercise, expected_result, lab_checks
from autograder.course import GRADER_PART, SANDBOX_PART, all_labs, get_lab
from autograder.protocol import Cell, Job
from autograder.reference import solution_namespace
from autograder.runner import run_job

LABS = [lab.name for lab in all_labs()]


def _grader_modules(lab: str) -> list[str]:
    package = get_lab(lab).part(GRADER_PART)
    return [package.__name__, *(f"{package.__name__}.{m.name}"
                                for m in pkgutil.iter_modules(package.__path__))]


@pytest.mark.skipif(sandbox.isolation() == "limits-only",
                    reason="the limits-only fallback has no private root to hide folders from")
def test_a_cell_in_the_sandbox_reaches_no_answer(tmp_path):
    """Importing any lab's grader modules fails in the sandbox, and so does building the
    reference from the notebooks, which are not there."""
    imports = [f"import {m}" for lab in LABS for m in _grader_modules(lab)]
    probe = ("import sys\n"
             f"sys.path.append({str(get_lab(LABS[0]).source_dir.parents[1])!r})\n"
             "worked = []\n"
             f"for line in {imports!r}:\n"
             "    try:\n"
             "        exec(line, {})\n"
             "        worked.append(line)\n"
             "    except ImportError:\n"
             "        pass\n"
             "from autograder.reference import solution_namespace\n"
             "try:\n"
             f"    names = [k for k in solution_namespace({LABS[0]!r}) if k != 'np'\n"
             "             and not k.startswith('__')]\n"
             "    worked += [names] if names else []\n"
             "except Exception:\n"
             "    pass\n"
             "raise RuntimeError(repr(worked))")
    (tmp_path / "work").mkdir()
    record = run_job(Job(LABS[0], (Cell("probe", probe),)), tmp_path / "work", 900,
                     sandbox.Limits(), [])
    assert len(imports) >= 2 * len(LABS)  # every lab has its checks and their modules
    assert record.cells["probe"] == "RuntimeError: []"


@pytest.mark.parametrize("lab", LABS)
def test_the_worker_imports_no_reference(lab):
    """The worker, having looked up every driver of the lab as it does for a case, holds no
    module of the lab's grader package, nor the reference, nor the sample builder, nor
    nbformat (which alone would cost seconds per submission)."""
    drivers = sorted({e.driver for e in (exercise(lab, c) for c in lab_checks(lab).values())
                      if e.driver})
    code = (f"import sys; sys.path.append({str(get_lab(lab).source_dir.parents[1])!r})\n"
            "import autograder.worker\n"
            "from autograder.checks import find_driver\n"
            f"for name in {drivers!r}:\n"
            f"    find_driver({lab!r}, name)\n"
            # solutions.<lab> itself is the namespace package (no code) holding the sandbox's
            "print(sorted(m for m in sys.modules if m.startswith('solutions.') and\n"
            f"             m != 'solutions.{lab}' and\n"
            f"             not m.startswith('solutions.{lab}.{SANDBOX_PART}')\n"
            "             or m in ('autograder.reference', 'autograder.samples')))")
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), timeout=120)
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("lab", LABS)
def test_every_driver_lives_in_its_labs_sandbox_package(lab):
    for check in lab_checks(lab).values():
        exercise(lab, check)  # raises for a driver defined anywhere else


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
    """Every function the sandbox can import that a check might lend: the lab's sandbox
    package and its modules, the shared ``autograder.checks`` and ``compare``."""
    package = get_lab(lab).part(SANDBOX_PART)
    names = [package.__name__, *(f"{package.__name__}.{m.name}"
                                 for m in pkgutil.iter_modules(package.__path__)),
             "autograder.checks", "autograder.checks.compare"]
    for name in names:
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
