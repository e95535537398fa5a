"""Hidden checks: the cases behind every graded test cell, and how answers are compared.

Each lab has a module here (``lab1_knn.py`` ...) with a ``CHECKS`` dict that maps the grade id
of a test cell to a :class:`Check`. A check calls the student's function and the reference
solution on the same inputs and compares the results; a mismatch raises ``AssertionError``
whose message says which case failed, what it exercises and the likely mistake.
"""

from __future__ import annotations

import copy
import importlib
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..reference import solution_namespace


@dataclass
class Case:
    """One set of inputs. ``hint`` says what the case exercises, in words for the student."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    hint: str = ""
    max_bytes: int | None = None  # peak memory allowed inside the call, if the lab limits it
    memory_hint: str = ""


@dataclass
class Check:
    """The hidden test behind one graded cell.

    ``function``: the graded function's name. ``cases``: a function returning the cases.
    ``compare(expected, got, case)``: ``None`` when ``got`` is right, else a message.
    ``use_reference_for``: other graded functions replaced by the reference while this one
    runs, so a mistake in a helper costs points only on the helper's own test.
    ``driver(obj, case)``: how a case exercises the graded object when calling it with the
    case's arguments is not enough (a class to construct, train and query). It runs the
    same way on the reference and on the student's object and must return plain data:
    numbers, strings, numpy arrays, and tuples, lists or dicts of them. Only that data is
    compared, so the comparison can move out of the student's process.
    ``artifact``: a file the student saves with ``np.savez`` (a trained model). The check
    loads it with ``allow_pickle=False`` and ``compare(None, arrays, case)`` judges the dict
    of arrays (``None`` when the file is missing or unreadable); nothing is re-run.
    """

    function: str | None
    cases: Callable[[], Iterable[Case]]
    compare: Callable[[object, object, Case], str | None]
    use_reference_for: tuple[str, ...] = ()
    driver: Callable[[object, Case], object] | None = None
    artifact: str | None = None


def lab_checks(lab_name: str) -> dict[str, Check]:
    """The ``CHECKS`` of one lab, keyed by test cell grade id."""
    return importlib.import_module(f"{__name__}.{lab_name}").CHECKS


def run_check(lab_name: str, test_id: str, namespace: dict) -> None:
    """Run one hidden test against the functions defined in ``namespace`` (the notebook's).

    Raises AssertionError with a helpful message on the first failing case.
    """
    check = lab_checks(lab_name)[test_id]
    if check.artifact is not None:
        _run_artifact_check(check)
        return
    ref = solution_namespace(lab_name)
    student_fn = namespace.get(check.function)
    if not callable(student_fn):
        raise AssertionError(
            f"{check.function} is not defined: run the cell that defines it, and keep its name"
        )
    for number, case in enumerate(check.cases(), start=1):
        label = f"hidden case {number}" + (f" ({case.hint})" if case.hint else "")
        expected = _exercise(ref[check.function], check, copy.deepcopy(case))
        got, peak = _call_student(student_fn, case, check, namespace, ref, label)
        if case.max_bytes is not None and peak > case.max_bytes:
            raise AssertionError(
                f"{label}: the call needed {peak / 2**20:.0f} MB of memory at its peak, more "
                f"than the {case.max_bytes / 2**20:.0f} MB allowed. {case.memory_hint}"
            )
        problem = check.compare(expected, got, case)
        if problem:
            raise AssertionError(f"{label}: {problem}")


def _call_student(fn, case: Case, check: Check, namespace: dict, ref: dict, label: str):
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    saved = {name: namespace.get(name) for name in check.use_reference_for}
    namespace.update({name: ref[name] for name in check.use_reference_for})
    measure = case.max_bytes is not None
    if measure:  # tracing slows every allocation, so only where memory is graded
        tracemalloc.start()
    peak = 0
    try:
        result = _exercise(fn, check, Case(args, kwargs, case.hint))
    except NotImplementedError:
        raise AssertionError(f"{check.function} is not implemented yet") from None
    except Exception as exc:
        raise AssertionError(
            f"{label}: {check.function} raised {type(exc).__name__}: {exc}"
        ) from None
    finally:
        if measure:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        for name, value in saved.items():
            if value is None:
                namespace.pop(name, None)
            else:
                namespace[name] = value
    _check_inputs_unchanged(case, args, kwargs, check.function, label)
    return result, peak


def _check_inputs_unchanged(case: Case, args, kwargs, function: str, label: str) -> None:
    originals = [*case.args, *case.kwargs.values()]
    for before, after in zip(originals, [*args, *kwargs.values()], strict=True):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            raise AssertionError(
                f"{label}: {function} changed one of its input arrays in place; "
                "work on a copy (e.g. X = X.astype(float)) instead"
            )


def _exercise(obj, check: Check, case: Case):
    if check.driver is not None:
        return check.driver(obj, case)
    return obj(*case.args, **case.kwargs)


def load_artifact(path) -> tuple[dict[str, np.ndarray] | None, str]:
    """The arrays of a student's ``.npz`` file, never unpickling; ``(None, reason)`` if bad."""
    path = Path(path)
    if not path.is_file():
        return None, f"{path.name} was not found: run the cell that saves it with np.savez"
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}, ""
    except Exception as exc:  # any unreadable or pickled content is the student's file's fault
        return None, f"{path.name} could not be read as an npz file of arrays ({exc})"


def _run_artifact_check(check: Check) -> None:
    arrays, reason = load_artifact(check.artifact)
    if arrays is None:
        raise AssertionError(reason)
    for number, case in enumerate(check.cases(), start=1):
        problem = check.compare(None, arrays, case)
        if problem:
            label = f"hidden case {number}" + (f" ({case.hint})" if case.hint else "")
            raise AssertionError(f"{label}: {problem}")
