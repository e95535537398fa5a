"""What Lab 4's grader modules share: the tolerance of an array answer (scaled by
:func:`autograder.checks.compare.question_eps`, the one policy), its message, and the cases and
comparison of a layer's backward pass.

A backward pass is judged on the cache of the student's own forward (the sandbox's
:func:`~solutions.lab4_backprop.sandbox.layers.run_backward`); where the docstring fixes the
cache's layout, each case also carries a correct forward's cache, built here from the answer
code (:mod:`.answers`), for when the student's forward raises: that mistake then costs points
on the forward's test alone.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case
from autograder.checks.compare import as_array, first_mismatch, question_eps, shape_problem

from .answers import layer_cache


def _close(expected, got, rtol: float) -> np.ndarray:
    # Relative to each value and to the largest, so values near 0 carry the rounding of the
    # large ones they are computed from.
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-12)
    return np.abs(got - expected) <= rtol * (np.abs(expected) + scale)


def rtol_for(*arrays) -> float:
    """The relative tolerance of an answer to a question on ``arrays`` (inputs and reference
    result): a few hundred times their epsilon (compare.question_eps), so any summation order
    and float32 arithmetic pass."""
    return 400 * question_eps(*arrays)


def array_problem(expected, got, what: str, rtol: float, hint: str = "") -> str | None:
    """``None`` when ``got`` (``what``, in the message) matches ``expected`` within ``rtol``
    of each value plus ``rtol`` of the largest; else the message, ``hint`` appended."""
    arr, problem = as_array(got, what)
    if problem:
        return problem
    expected = np.asarray(expected)
    problem = shape_problem(expected, arr, f" for {what}")
    if problem:
        return problem + (f". {hint}" if hint else "")
    if not np.isfinite(arr).all():
        return f"{what} contains NaN or inf" + (f". {hint}" if hint else "")
    close = _close(expected, arr, rtol)
    if close.all():
        return None
    return f"{what}: " + first_mismatch(expected, arr, close) + (f". {hint}" if hint else "")


def backward_cases(forward_name: str, cases):
    """The cases ``((forward args), dout)``, each carrying the cache a correct forward pass
    makes (``kwargs["cache"]``, built by the grader): used only when the student's own
    forward raises, so that mistake is graded on the forward's test alone."""
    for case in cases:
        fwd_args, _ = case.args
        yield Case(case.args, {"cache": layer_cache(forward_name, fwd_args)}, hint=case.hint,
                   group=case.group)


def compare_backward(names: tuple[str, ...], hints: dict[str, str] | None = None):
    """The comparison of a backward pass returning ``names`` (``("dx", "dw", "db")``), with a
    hint per gradient, on what the sandbox's run_backward sends back."""
    def compare(expected, got, case: Case) -> str | None:
        if got.get("dout_changed"):
            return ("the backward pass changed dout in place (for example dx = dout followed "
                    "by dx[x <= 0] = 0 writes into dout): the caller may still need dout, so "
                    "build dx as a new array, e.g. dx = dout * (x > 0) or dx = dout.copy()")
        if got.get("forward_failed"):
            problem = compare(expected, {**got, "forward_failed": None}, case)
            return problem and f"{got['forward_failed']}; {problem}"
        result = got["result"]
        if len(names) > 1:
            if not isinstance(result, tuple | list) or len(result) != len(names):
                return f"the backward pass should return a tuple ({', '.join(names)})"
        else:
            result = (result,)
        want = expected["result"] if len(names) > 1 else (expected["result"],)
        fwd_args, dout = case.args
        rtol = rtol_for(*[a for a in fwd_args if isinstance(a, np.ndarray)], dout)
        for name, exp, mine in zip(names, want, result, strict=True):
            problem = array_problem(exp, mine, name, max(rtol, 1e-6), (hints or {}).get(name, ""))
            if problem:
                return problem
        return None

    return compare


def forward_compare(what: str, hint: str = ""):
    """The comparison of a forward pass's ``(out, cache)``: ``out`` only (the cache's layout
    is the student's choice where the docstring leaves it open)."""
    def compare(expected, got, case: Case) -> str | None:
        if not isinstance(got, tuple | list) or len(got) != 2:
            return "the forward pass should return a tuple (out, cache)"
        rtol = rtol_for(*[a for a in case.args if isinstance(a, np.ndarray)])
        return array_problem(expected[0], got[0], what, rtol, hint)

    return compare
