"""Lab 2's hidden checks of gradient checking by hand (notebook part 3): ``numerical_gradient``
and ``grad_check_sparse``.

A case carries the name of a scalar test function and its coefficients
(:func:`solutions.lab2_linear.sandbox.drivers.scalar_function`); the driver builds the function
inside the sandbox and hands it to the student's code. The reference's centred differences with
the same step are the target, so the truncation error of the method is the same on both sides
and only round-off separates correct implementations; a large step makes the one-sided
difference, whose error is of order h rather than h**2, stand out. ``grad_check_sparse`` is
judged so that any choice of distinct entries passes: each case's analytic gradient is off by a
different amount at every entry, so each returned error names the entry it belongs to.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, first_mismatch, question_eps, shape_problem

from ..sandbox.drivers import gradient_driver, scalar_function, sparse_check_driver
from .answers import entry_errors, forward_difference


def numerical_gradient_cases():
    rng = np.random.default_rng(60)

    def case(kind, shape, hint, **kwargs):
        A = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        x = rng.uniform(-1.5, 1.5, shape)
        return Case((kind, A, x), kwargs, hint=hint)

    yield case("cubic", (5,), "a cubic polynomial of a vector of 5 entries, default h")
    yield case("cubic", (3, 4), "a (3, 4) array, h = 1e-3", h=1e-3)
    yield case("cubic", (4,), "h = 0.1, where a one-sided difference is off by about h", h=0.1)
    yield case("coupled", (2, 3, 2), "a 3-D array (2, 3, 2) and a function coupling every "
               "entry, h = 1e-2", h=1e-2)
    yield case("coupled", (1,), "a single entry, h = 1e-4", h=1e-4)


def _restored(x, x_after, h) -> bool:
    """Whether every entry of x is back: x keeps float64, so a few roundings of x +- h in
    float64 are all that may remain, far below the step h."""
    if x_after.shape != x.shape:
        return False
    return bool(np.all(np.abs(x_after - x) <= 64 * np.finfo(np.float64).eps * (np.abs(x) + h)))


def compare_numerical_gradient(expected, got, case: Case) -> str | None:
    kind, A, x = case.args
    h = case.kwargs.get("h", 1e-5)
    if isinstance(got["grad"], str):
        return f"numerical_gradient should return an array shaped like x, got {got['grad']}"
    grad, problem = as_array(got["grad"], "numerical_gradient")
    if problem:
        return problem
    if not _restored(x, np.asarray(got["x_after"]), h):
        moved = int(np.sum(np.asarray(got["x_after"]) != x))
        return (f"x is not restored: {moved} of its {x.size} entries differ after the call. "
                "Put each entry back (x[index] = original) after its two evaluations of f")
    exp = expected["grad"]
    if grad.shape == (x.size,) and x.ndim > 1:
        return (f"the gradient has shape {grad.shape}, flattened; it should have the shape of "
                f"x, {x.shape}")
    problem = shape_problem(exp, grad, " (the shape of x)")
    if problem:
        return problem
    tol = 1e3 * question_eps(x, exp) * (1 + np.abs(exp))
    close = np.abs(grad - exp) <= tol
    if close.all():
        return None
    guesses = [
        (2 * exp, "the gradient is twice too large: the two evaluations are 2h apart, so "
                  "divide their difference by 2h, not h"),
        (-exp, "the gradient has the wrong sign: (f(x + h e_i) - f(x - h e_i)) / (2h), the "
               "value at x + h first"),
        (forward_difference(scalar_function(kind, A), x, h),
         f"this is the one-sided difference (f(x + h e_i) - f(x)) / h, whose error is of order "
         f"h = {h:g}; take the centred one, (f(x + h e_i) - f(x - h e_i)) / (2h)"),
    ]
    for wrong, why in guesses:
        if (np.abs(grad - wrong) <= tol).all():
            return why
    return (first_mismatch(exp, grad, close) + ". For every entry i take "
            "(f(x + h e_i) - f(x - h e_i)) / (2h), nudging only entry i")


def _analytic_gradient(kind, A, x):
    """The exact gradient of the case's test function (see ``scalar_function``)."""
    if kind == "cubic":
        return 3 * A * x**2 + 2 * x
    weights = np.exp(A * x) / np.sum(np.exp(A * x))
    return A * weights + 2 * np.sum(x)


def grad_check_sparse_cases():
    rng = np.random.default_rng(61)

    def case(kind, shape, num_checks, hint, *, exact=False, seed=0):
        A = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        x = rng.uniform(-1.5, 1.5, shape)
        analytic = _analytic_gradient(kind, A, x)
        if not exact:  # a different error at every entry, so each error names its entry
            size = int(np.prod(shape))
            off = rng.permutation(np.linspace(0.05, 1.5, size)).reshape(shape)
            analytic = analytic * (1 + off)
        kwargs = {"num_checks": num_checks, "seed": seed}
        return Case((kind, A, x, analytic), kwargs, hint=hint)

    yield case("cubic", (4, 5), 6, "a (4, 5) array, 6 entries, seed 0")
    yield case("cubic", (3, 2), 6, "6 of 6 entries: every entry exactly once", seed=4)
    yield case("coupled", (2, 2, 3), 5, "a 3-D array and a function coupling every entry, "
               "seed 7", seed=7)
    yield case("cubic", (10,), 3, "a correct analytic gradient: errors near 0", exact=True,
               seed=2)
    yield case("coupled", (1,), 1, "a single entry")


def compare_grad_check_sparse(expected, got, case: Case) -> str | None:
    kind, A, x, analytic = case.args
    k = case.kwargs["num_checks"]
    if isinstance(got["errors"], str):
        return f"grad_check_sparse should return an array of {k} errors, got {got['errors']}"
    errors, problem = as_array(got["errors"], "grad_check_sparse")
    if problem:
        return problem
    if errors.shape != (k,):
        return (f"expected {k} relative errors (num_checks={k}), one per entry checked, got "
                f"shape {errors.shape}")
    if not _restored(x, np.asarray(got["x_after"]), 1e-5):
        return ("x is not restored after the call: put each entry back (x[index] = original) "
                "after its two evaluations of f")
    relative, absolute = entry_errors(scalar_function(kind, A), x, analytic)
    tol = 1e3 * question_eps(x, expected["errors"]) * (1 + relative.max())
    drawn = [np.flatnonzero(np.abs(relative - e) <= tol) for e in errors]
    unknown = [j for j, entries in enumerate(drawn) if entries.size == 0]
    if not unknown:
        named = [int(entries[0]) for entries in drawn if entries.size == 1]
        if len(set(named)) < len(named):
            return ("the same entry of x was checked more than once: draw num_checks "
                    "different entries (rng.choice(x.size, size=num_checks, replace=False))")
        return None
    j = unknown[0]
    if np.any(np.abs(absolute - errors[j]) <= tol * (1 + absolute.max())):
        return (f"error {j} is {errors[j]:.4g}, the absolute error |n - a| at one entry; "
                "return the relative error |n - a| / max(|n| + |a|, 1e-8)")
    doubled, _ = entry_errors(scalar_function(kind, A), x, analytic / 2)  # n twice too large
    if np.any(np.abs(doubled - errors[j]) <= tol):
        return (f"error {j} is {errors[j]:.4g}, the relative error of a numerical value twice "
                "too large: the two evaluations are 2h apart, so divide by 2h, not h")
    return (f"error {j} is {errors[j]:.4g}, which is the relative error of no entry of x. Take "
            "the centred difference with h = 1e-5, (f(x + h e_i) - f(x - h e_i)) / (2h), and "
            "|n - a| / max(|n| + |a|, 1e-8)")


CHECKS = {
    "test_numerical_gradient": Check("numerical_gradient", numerical_gradient_cases,
                                     compare_numerical_gradient, driver=gradient_driver),
    "test_grad_check_sparse": Check("grad_check_sparse", grad_check_sparse_cases,
                                    compare_grad_check_sparse, driver=sparse_check_driver),
}
