"""Hidden checks: what a check is, how one case is attempted and judged, partial credit.

Each lab's ``solutions/<lab>/grader`` package has a ``CHECKS`` dict that maps the grade id of
a test cell to a :class:`Check`. A check calls the student's function and the reference
solution on the same inputs and compares the results; a mismatch raises ``AssertionError``
whose message says which case failed, what it exercises and the likely mistake.

The worker never imports a lab's checks: it gets each case with its
:class:`~autograder.protocol.Exercise` and finds drivers in the lab's ``sandbox`` package.
"""

from __future__ import annotations

import copy
import importlib
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..protocol import Exercise
from .compare import precision_problem


@dataclass
class Case:
    """One set of inputs. ``hint`` says what the case exercises, in words for the student."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    hint: str = ""
    max_bytes: int | None = None  # peak memory allowed inside the call, if the lab limits it
    memory_hint: str = ""
    group: str = "main"  # which share of the test's points it counts for (Check.groups)


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
    ``example(folder)``: for an artifact check, writes a file that passes it, made with the
    reference solution (the demo's and the tests' sample submissions hand it in).
    ``helper_max_bytes``: in the sandbox, the largest total argument size of one call to a
    ``use_reference_for`` helper (default: a few times the largest case input; see
    :func:`autograder.execute.test_plan`). A larger call gets an error, not the reference.
    ``groups``: the share of the test's points each case group earns (``Case.group``: the
    main behaviour, edge cases, refusals), summing to 1. A group earns its share when all
    its cases pass, so one edge case cannot cost the whole test.
    ``title``: what the points table says the student writes (default: the function's name).
    """

    function: str | None
    cases: Callable[[], Iterable[Case]]
    compare: Callable[[object, object, Case], str | None]
    use_reference_for: tuple[str, ...] = ()
    driver: Callable[[object, Case], object] | None = None
    artifact: str | None = None
    example: Callable[[Path], None] | None = None
    helper_max_bytes: int | None = None
    groups: dict[str, float] = field(default_factory=lambda: {"main": 1.0})
    title: str = ""  # what the student writes, for the points table, if not just `function`


GROUP_NAMES = {"main": "main behaviour", "edge": "edge cases", "refusal": "refusals"}


def partial_credit(check: Check, cases: list[Case], problems: list[str | None]
                   ) -> tuple[float, str | None]:
    """The fraction of the test's points earned, and the message (``None`` when all passed):
    which groups passed, and the first failing case of each group that did not. The other
    groups earn their shares only when the main behaviour passes."""
    failed: dict[str, str] = {}
    for case, problem in zip(cases, problems, strict=True):
        group = case.group if case.group in check.groups else "main"  # undeclared: main's
        if problem and group not in failed:
            failed[group] = problem
    if not failed:
        return 1.0, None
    if "main" in failed:  # edge cases and refusals earn their share on top of a working core
        return 0.0, failed["main"]
    earned = sum(share for group, share in check.groups.items() if group not in failed)
    passed = [GROUP_NAMES.get(g, g) for g in check.groups if g not in failed]
    lines = [f"{GROUP_NAMES.get(g, g)} failed: {m}" for g, m in failed.items()]
    head = (f"partial credit, {' and '.join(passed)} passed" if passed
            else "every case group failed")
    return earned, f"{head}; " + "; ".join(lines)


def lab_checks(lab_name: str) -> dict[str, Check]:
    """The ``CHECKS`` of one lab, keyed by test cell grade id."""
    from ..course import GRADER_PART, get_lab

    return get_lab(lab_name).part(GRADER_PART).CHECKS


def exercise(lab_name: str, check: Check) -> Exercise:
    """What the worker needs of ``check`` to run its cases (no cases, no answers)."""
    return Exercise(check.function, driver_name(lab_name, check.driver), check.artifact,
                    tuple(check.use_reference_for))


def driver_name(lab_name: str, driver) -> str | None:
    """``driver``'s name inside the lab's sandbox package (``module:function``), checked to
    be where the worker will find it; a clear error for a driver defined anywhere else."""
    if driver is None:
        return None
    package = _sandbox_package(lab_name)
    module, name = getattr(driver, "__module__", ""), getattr(driver, "__qualname__", "")
    inside = module == package or module.startswith(package + ".")
    if not inside or "." in name or "<" in name:
        raise ValueError(f"{lab_name}: driver {name or driver!r} of {module} is not a "
                         f"module-level function of {package}, so the worker cannot run it")
    return f"{module}:{name}"


def find_driver(lab_name: str, name: str | None):
    """The driver called ``name`` (see :func:`driver_name`), imported from the lab's sandbox
    package only, so a name can never reach the grader-only code."""
    if name is None:
        return None
    from ..course import get_lab

    package = _sandbox_package(lab_name)
    module, _, function = name.partition(":")
    if not (module == package or module.startswith(package + ".")) or "." in function:
        raise ValueError(f"driver {name!r} is outside {package}")
    get_lab(lab_name).part(module.removeprefix(f"solutions.{lab_name}."))
    return getattr(importlib.import_module(module), function)


def _sandbox_package(lab_name: str) -> str:
    from ..course import SANDBOX_PART

    return f"solutions.{lab_name}.{SANDBOX_PART}"


def run_check(lab_name: str, test_id: str, namespace: dict) -> None:
    """Run one hidden test against the functions defined in ``namespace`` (the notebook's).

    This is the in-notebook path (a student running the test cell, stock nbgrader); the
    sandboxed grader runs the same :func:`attempt` in the worker and :func:`judge` in its
    own process. Raises AssertionError with a helpful message on the first failing case.
    """
    from ..reference import solution_namespace  # not at import: the sandboxed worker lacks it

    check = lab_checks(lab_name)[test_id]
    ref = solution_namespace(lab_name) if check.artifact is None else {}
    stand_ins = {name: ref[name] for name in check.use_reference_for}
    cases, problems = list(check.cases()), []
    for number, case in enumerate(cases, start=1):
        expected = expected_result(check, case, ref)
        outcome = attempt(check, case, namespace, stand_ins)
        problems.append(judge(check, case, expected, outcome, number))
        if problems[-1] and outcome.get("kind") in _WHOLE_TEST_FAILS:
            raise AssertionError(problems[-1])
    _, message = partial_credit(check, cases, problems)
    if message:  # in a notebook a test cell passes or fails; the grader gives partial credit
        raise AssertionError(message)


# Outcomes that fail every case alike, so the first one is the whole story.
_WHOLE_TEST_FAILS = ("missing", "not implemented", "artifact")


def expected_result(check: Check, case: Case, ref: dict):
    """The reference's result on ``case`` (``None`` for artifact checks, judged alone)."""
    if check.artifact is not None:
        return None
    return _exercise(ref[check.function], check, copy.deepcopy(case))


def attempt(check: Check, case: Case, namespace: dict, stand_ins: dict) -> dict:
    """Exercise the student's code on one case; the outcome as plain data. Of ``check`` only
    ``function``, ``driver`` and ``artifact`` are used (the worker passes a stand-in built
    from the :class:`~autograder.protocol.Exercise` it was sent).

    ``{"value": result, "peak": bytes or None}`` or ``{"error": message, "kind": ...}``.
    ``stand_ins``: the functions put in place of ``check.use_reference_for`` meanwhile.
    """
    if check.artifact is not None:
        arrays, reason = load_artifact(check.artifact)
        return {"value": arrays, "peak": None} if arrays is not None else {
            "error": reason, "kind": "artifact"}
    obj = namespace.get(check.function)
    if not callable(obj):
        return {"kind": "missing", "error": _missing(check)}
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    saved = {name: namespace.get(name) for name in stand_ins}
    namespace.update(stand_ins)
    measure = case.max_bytes is not None
    if measure:  # tracing slows every allocation, so only where memory is graded
        tracemalloc.start()
    peak = None
    try:
        result = _exercise(obj, check, Case(args, kwargs, case.hint))
    except NotImplementedError:
        return {"kind": "not implemented", "error": _not_implemented(check)}
    except MemoryError:
        return {"kind": "memory", "error": (
            f"{check.function} ran out of memory (MemoryError): is it building a far larger "
            "array than the result needs?")}
    except Exception as exc:  # the student's code may raise anything; report it, carry on
        # The reference's stand-ins are not the student's: blame the student's caller.
        culprit = _raising_function(exc, {k: v for k, v in namespace.items()
                                          if k not in stand_ins})
        where = (f"your {culprit} raised" if culprit not in (None, check.function)
                 else f"{check.function} raised")
        during = f" while testing {check.function}" if where.startswith("your") else ""
        return {"kind": "exception",
                "error": f"{where} {type(exc).__name__}: {exception_text(exc)}{during}"}
    finally:
        if measure:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        for name, value in saved.items():
            if value is None:
                namespace.pop(name, None)
            else:
                namespace[name] = value
    if _inputs_changed(case, args, kwargs):
        return {"kind": "mutation", "error": (
            f"{check.function} changed one of its input arrays in place; work on a copy "
            "(e.g. X = X.astype(float)) instead")}
    return {"value": result, "peak": peak}


def judge(check: Check, case: Case, expected, outcome: dict, number: int) -> str | None:
    """``None`` when the outcome is right, else the message the student sees."""
    label = f"hidden case {number}" + (f" ({case.hint})" if case.hint else "")
    if "error" in outcome:
        # The worker's text is the student's (their code can write any outcome), so it is only
        # ever shown after the grader's own words, never as them.
        kind = outcome.get("kind")
        if kind == "missing" and check.function:
            return _missing(check)
        if kind == "not implemented" and check.function:
            return _not_implemented(check)
        if kind == "artifact" and check.artifact:
            return f"your saved model {check.artifact}: {outcome['error']}"
        return f"{label}: {outcome['error']}"  # any other kind: the student's text, labelled
    peak = outcome.get("peak")
    if case.max_bytes is not None and peak is not None and peak > case.max_bytes:
        return (f"{label}: the call needed {peak / 2**20:.0f} MB of memory at its peak, more "
                f"than the {case.max_bytes / 2**20:.0f} MB allowed. {case.memory_hint}")
    problem = None if check.artifact else precision_problem(outcome["value"])
    problem = problem or check.compare(expected, outcome["value"], case)
    return f"{label}: {problem}" if problem else None


def _missing(check: Check) -> str:
    return f"{check.function} is not defined: run the cell that defines it, and keep its name"


def _not_implemented(check: Check) -> str:
    return f"{check.function} is not implemented yet"


def _raising_function(exc: BaseException, namespace: dict) -> str | None:
    """The name of the innermost function of ``namespace`` (the student's) in whose frame
    ``exc`` was raised, so blame lands where the error is, not on the driver's subject."""
    codes = {getattr(v, "__code__", None): k for k, v in namespace.items() if callable(v)}
    tb, found = exc.__traceback__, None
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


def exception_text(exc: BaseException) -> str:
    """An exception's message, at most 300 characters; student code may raise anything, even
    an exception whose ``__str__`` raises."""
    try:
        return str(exc)[:300]
    except Exception:  # a hostile __str__
        return "(no message)"


def _inputs_changed(case: Case, args, kwargs) -> bool:
    originals = [*case.args, *case.kwargs.values()]
    return any(
        isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True)
        for before, after in zip(originals, [*args, *kwargs.values()], strict=True)
    )


def _exercise(obj, check: Check, case: Case):
    if check.driver is not None:
        return check.driver(obj, case)
    return obj(*case.args, **case.kwargs)


def load_artifact(path) -> tuple[dict[str, np.ndarray] | None, str]:
    """The arrays of a student's ``.npz`` file, never unpickling; ``(None, reason)`` if bad."""
    from ..wire import WireError, load_npz

    path = Path(path)
    if not path.is_file():
        return None, f"{path.name} was not found: run the cell that saves it with np.savez"
    try:
        return load_npz(path), ""
    except WireError as exc:
        return None, f"{path.name} could not be read as an npz file of numeric arrays ({exc})"
