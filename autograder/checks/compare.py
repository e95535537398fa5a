"""Comparisons shared by the labs' checks, and the one numerical policy they all follow.

The policy, decided on the trusted side only (the grader's own inputs and reference result,
never the answer, whose dtype a student chooses):

* **Precision.** Every check admits an answer computed in float32, so tolerances scale with
  :func:`question_eps`: the machine epsilon of the least precise of the question's arrays
  (inputs, reference result) and float32. An answer returned in float16 or as complex
  numbers is wrong whatever its values (:func:`precision_problem`, applied to every answer by
  ``checks.judge``): float16 keeps about 3 significant digits, so a tolerance taken from it
  would let almost anything pass. Checks whose answers are exact (labels, counts) or
  Python floats compare at their own fixed tolerances.
* **Magnitudes.** A case's ``hint`` states the real magnitudes it uses (scores of size 1e4,
  gaps of 3e5 ...), and no case needs a technique its notebook has not taught before the
  graded cell: where exp can overflow the notebooks teach the max shift, where a probability
  can underflow to 0 they teach log-sum-exp. `softmax_not_finite` tells the two apart.
"""

from __future__ import annotations

import numpy as np

# The least precise arithmetic any check admits: float32 answers get full marks.
LEAST_ADMITTED = np.float32


def as_array(got, what: str) -> tuple[np.ndarray | None, str | None]:
    """``got`` as an array, or a message saying why it is not one."""
    if got is None:
        return None, f"{what} returned None: did you forget the return statement?"
    try:
        arr = np.asarray(got)
    except Exception:  # any object numpy cannot take in
        return None, f"{what} should return a numpy array, got {type(got).__name__}"
    if arr.dtype == object:
        return None, f"{what} should return a numeric array, got {type(got).__name__}"
    return arr, None


def shape_problem(expected: np.ndarray, got: np.ndarray, names: str = "") -> str | None:
    if got.shape == expected.shape:
        return None
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return f"the shape is {got.shape} but should be {expected.shape}{names}: axes swapped?"
    return f"the shape is {got.shape} but should be {expected.shape}{names}"


def _floating_dtypes(value, depth: int = 0):
    """The floating dtypes of every array or numpy scalar inside ``value`` (tuples, lists,
    dicts nested a few levels), Python floats counting as float64."""
    if depth > 6:
        return
    if isinstance(value, np.ndarray | np.generic):
        if np.issubdtype(value.dtype, np.floating):
            yield value.dtype
    elif isinstance(value, float):
        yield np.dtype(np.float64)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floating_dtypes(item, depth + 1)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _floating_dtypes(item, depth + 1)


def question_eps(*question) -> float:
    """Machine epsilon the tolerances scale with: that of the least precise of the question's
    floating arrays (pass the inputs and the reference result, never the answer) and of
    :data:`LEAST_ADMITTED`."""
    eps = [np.finfo(d).eps for d in _floating_dtypes(list(question))]
    return float(max([*eps, np.finfo(LEAST_ADMITTED).eps]))


def precision_problem(got, depth: int = 0) -> str | None:
    """A message when an answer holds float16 or complex numbers (wrong at any precision the
    labs ask for), else ``None``. Looks inside tuples, lists and dicts."""
    if depth > 6:
        return None
    if isinstance(got, np.ndarray | np.generic):
        if np.issubdtype(got.dtype, np.complexfloating):
            return (f"the answer holds complex numbers ({got.dtype}); every quantity in this "
                    "lab is real. Look for a square root or log of a negative number, or an "
                    "FFT, and return real float64 (or float32) values")
        if np.issubdtype(got.dtype, np.floating) and (
                np.finfo(got.dtype).eps > np.finfo(LEAST_ADMITTED).eps):
            return (f"the answer is in {got.dtype}, which keeps only about "
                    f"{np.finfo(got.dtype).precision} significant digits; the question is asked "
                    "in float64 (float32 is fine too). Compute and return float64 or float32")
        return None
    if isinstance(got, complex):
        return "the answer is a complex number; every quantity in this lab is real"
    items = got.values() if isinstance(got, dict) else got if isinstance(got, tuple | list) else ()
    for item in items:
        problem = precision_problem(item, depth + 1)
        if problem:
            return problem
    return None


def softmax_not_finite(what: str = "the loss", scores=None) -> str:
    """Why a softmax loss is not finite: overflow (exp of a large score is inf; subtract the
    row's maximum) or underflow (a probability rounds to 0 and its log is -inf; use
    log-sum-exp). ``scores``, the case's true scores if known, picks which one applies."""
    overflow = ("Overflow: np.exp of a score above about 709 is inf, so subtract each row's "
                "largest score m first (a shift of a row changes none of its probabilities)")
    underflow = ("Underflow: after the shift, a class more than about 745 below the top one "
                 "has probability exactly 0 and -log(0) is inf, so never take the log of a "
                 "probability: -log p_y = log(sum_j exp(s_j - m)) - (s_y - m), the "
                 "log-sum-exp form")
    if scores is not None:
        scores = np.asarray(scores, dtype=np.float64)
        gap = float((scores.max(axis=1) - scores.min(axis=1)).max(initial=0))
        if gap < 700:
            return (f"{what} is not finite. This case's scores reach "
                    f"{np.abs(scores).max():.3g} but lie within {gap:.3g} of each other in a "
                    f"row. {overflow}")
        return (f"{what} is not finite. This case's scores lie up to {gap:.3g} apart within a "
                f"row, so both can happen. {overflow}. {underflow}")
    return f"{what} is not finite. Two causes are possible. {overflow}. {underflow}"


def first_mismatch(expected: np.ndarray, got: np.ndarray, close: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f"[{', '.join(map(str, index))}]" if index else ""
    return (
        f"{int((~close).sum())} of {close.size} values are wrong; first at {where}: "
        f"expected {expected[index]:.6g}, got {got[index]:.6g}"
    )
