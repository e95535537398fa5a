"""What Lab 5's checks share: the reference's layers, seeded inputs, and how a returned
array or a refusal is judged (the one tolerance policy of :mod:`autograder.checks.compare`,
scaled by the size of the terms summed into each entry)."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case
from autograder.checks.compare import as_array, first_mismatch, question_eps
from autograder.reference import solution_namespace

LAB = "lab5_convnets"

# A layer that computes every valid setting right but lacks the ValueError keeps most of
# its points: 2 of 3 for the convolution, 1 of 2 for pooling and im2col.
WITH_REFUSALS = {"main": 2 / 3, "refusal": 1 / 3}
HALF_REFUSALS = {"main": 0.5, "refusal": 0.5}


def reference(name: str):
    """The instructor's solution of ``name`` (a layer of this lab)."""
    return solution_namespace(LAB)[name]


def generator(seed):
    return np.random.default_rng(seed)


def distinct(seed, shape, dtype=np.float64):
    """Distinct values (so every pooling window has one maximum), shuffled."""
    values = generator(seed).permutation(int(np.prod(shape))).reshape(shape)
    return (values / 7.0 - 3.0).astype(dtype)


def refusal_problem(expected: dict, got: dict, what: str) -> str | None:
    """None when both refused (or both answered); else what is wrong."""
    if "raised" in expected:
        if got.get("raised") == "ValueError":
            return None
        if "raised" in got:
            return (f"{what} do not tile the input, so raise ValueError (with the reason), "
                    f"not {got['raised']}: {got['message']}")
        return (f"{what} do not tile the input (the output size is not a whole number): raise "
                "a ValueError that says so instead of returning a result")
    if "raised" in got:
        return f"raised {got['raised']}: {got['message']}"
    return None


def array_problem(name: str, expected, got, scale: float, hint: str = "") -> str | None:
    """Compare one returned array with the reference, relative to ``scale`` (the size of
    the terms summed into each entry), with a tolerance that admits float32 and any order."""
    got, problem = as_array(got, name)
    if problem:
        return problem
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        return f"{name} has shape {got.shape} but should have {expected.shape}"
    if not np.isfinite(got).all():
        return f"{name} contains NaN or infinity"
    eps = question_eps(expected)
    tol = 1e3 * eps * (scale + 1e-300)
    close = np.abs(got.astype(np.float64) - expected) <= tol + 1e3 * eps * np.abs(expected)
    if close.all():
        return None
    message = f"{name}: " + first_mismatch(expected, got, close)
    return message + (f". {hint}" if hint else "")


def geometry(case: Case) -> str:
    return case.hint or "this case"


