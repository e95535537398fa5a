"""Lab 2's hidden checks of the two losses, multiclass SVM and softmax (notebook parts 3 and 4).

Conventions of the lab: W is (D, C), X is (N, D), y is (N,); a loss is the mean data loss plus
``reg * np.sum(W * W)`` and returns ``(loss, dW)``; the SVM margin is 1.

The SVM is not differentiable where a margin is exactly 0, and any value between the one-sided
derivatives there is a correct subgradient. The checks therefore compare the gradient only in
the classes (columns of dW) that no such kink touches; the random cases have no kinks at all,
one case has them on purpose. A wrong answer is matched against the usual mistakes, built from
the loss's terms in :mod:`.answers`, to name the mistake.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import (
    as_array,
    first_mismatch,
    question_eps,
    shape_problem,
    softmax_not_finite,
)

from .answers import softmax_parts, svm_parts


def _problem(rng, n, d, c, *, reg, dtype=np.float64, x_scale=1.0, w_scale=1.0, hint=""):
    X = (rng.standard_normal((n, d)) * x_scale).astype(dtype)
    W = (rng.standard_normal((d, c)) * w_scale).astype(dtype)
    y = rng.integers(0, c, n)
    y[: min(n, c)] = np.arange(min(n, c))  # every class appears when there is room
    return Case((W, X, rng.permutation(y) if n >= c else y, reg), hint=hint)


def _common_cases(seed):
    rng = np.random.default_rng(seed)
    yield _problem(rng, 5, 4, 3, reg=0.0, hint="5 examples, 4 features, 3 classes, reg = 0")
    yield _problem(rng, 8, 6, 4, reg=0.1, hint="8 examples, 4 classes, reg = 0.1")
    yield _problem(rng, 1, 3, 2, reg=0.05, hint="a single example and two classes")
    yield _problem(rng, 10, 7, 5, reg=0.01, dtype=np.float32, hint="float32 input")
    yield _problem(rng, 60, 30, 10, reg=0.5, x_scale=2.0, w_scale=0.3,
                   hint="60 examples, 10 classes, reg = 0.5")


def svm_cases():
    yield from _common_cases(20)
    # Integer scores: margins of exactly 0 (kinks), where any subgradient is accepted.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    W = np.array([[2.0, 1.0, 0.0, -1.0], [0.0, 1.0, 3.0, -2.0]])
    yield Case((W, X, np.array([0, 1, 3, 0]), 0.0),
               hint="margins of exactly 0 (kinks of the hinge); dW compared where no kink is",
               group="edge")


def softmax_cases():
    yield from _common_cases(30)
    rng = np.random.default_rng(31)
    X = rng.standard_normal((6, 4))
    X[:, -1] = 1.0  # a bias column; its weights put every score near 1e4
    W = rng.standard_normal((4, 5)) * 2
    W[-1] = 1e4
    yield Case((W, X, np.array([0, 1, 2, 3, 4, 0]), 0.0),
               hint="scores around 1e4, where np.exp overflows unless you shift the scores",
               group="edge")
    yield Case((W.astype(np.float32), X.astype(np.float32), np.array([4, 3, 2, 1, 0, 1]), 1e-9),
               hint="float32 scores around 1e4", group="edge")
    # Rows far apart: a feature whose weights add the same offset to every class of a row,
    # from -800 to +800, while the scores within a row stay a few units apart.
    X = rng.standard_normal((6, 4))
    X[:, 0] = np.array([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0])
    W = rng.standard_normal((4, 3))
    W[0] = 800.0
    yield Case((W, X, np.array([0, 1, 2, 0, 1, 2]), 0.01),
               hint="rows of scores at very different offsets, from about -800 to +800",
               group="edge")


def _kink_free_columns(W, X, y) -> np.ndarray:
    """Classes whose gradient column no hinge kink (margin within round-off of 0) touches."""
    W64, X64 = np.asarray(W, np.float64), np.asarray(X, np.float64)
    scores = X64 @ W64
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = np.inf
    scale = np.abs(X64).max(initial=0) * np.abs(W64).max(initial=0) * X64.shape[1] + 1.0
    kinks = np.abs(margins) <= 256 * question_eps(W, X) * scale
    free = np.ones(W64.shape[1], bool)
    for i, j in zip(*np.nonzero(kinks), strict=True):
        free[[j, y[i]]] = False
    return free


def _split_result(got, name):
    if got is None:
        return None, None, f"{name} returned None: return the tuple (loss, dW)"
    if not isinstance(got, tuple | list) or len(got) != 2:
        return None, None, f"{name} should return a tuple (loss, dW), got {type(got).__name__}"
    loss, dW = got
    try:
        loss = np.asarray(loss).reshape(())
    except (TypeError, ValueError):
        return None, None, (f"the loss should be one number, got an array of shape "
                            f"{np.shape(got[0])}: average over the examples and sum over classes")
    dW, problem = as_array(dW, f"{name}'s dW")
    return loss, dW, problem


def _compare_loss(expected, got, case: Case, *, kind: str, name: str) -> str | None:
    loss, dW, problem = _split_result(got, name)
    if problem:
        return problem
    if not np.issubdtype(loss.dtype, np.number):
        return f"the loss should be a number, got {loss.dtype}"
    W, X, y, reg = case.args
    parts = _Parts(kind, W, X, y, reg, eps=question_eps(W, X, expected))
    return (_loss_problem(float(loss), float(expected[0]), parts)
            or _gradient_problem(dW, np.asarray(expected[1], dtype=np.float64), parts))


class _Parts:
    """What both comparisons need of one case: the reference loss split into its terms (to
    name a mistake), the regularisation, and the round-off the tolerances allow."""

    def __init__(self, kind, W, X, y, reg, *, eps):
        self.kind, self.W, self.X, self.y, self.eps = kind, W, X, y, eps
        terms = svm_parts if kind == "svm" else softmax_parts
        self.data_loss, self.wrong_grad, self.correct_grad, _ = terms(W, X, y)
        W64, X64 = np.asarray(W, np.float64), np.asarray(X, np.float64)
        self.reg_loss = reg * float(np.sum(W64**2))
        self.reg_grad = 2 * reg * W64
        # Round-off grows with the size of the scores (float32 scores near 1e4 keep ~3 decimals).
        self.score_scale = float(np.abs(X64 @ W64).max())

    def not_finite(self, what: str) -> str:
        if self.kind == "softmax":
            return _softmax_not_finite(self.W, self.X, what)
        return f"{what} is not finite; check for divisions by zero or overflowing values"


def _loss_problem(loss: float, exp_loss: float, p: _Parts) -> str | None:
    if not np.isfinite(loss):
        return p.not_finite(f"the loss ({loss})")
    tol = 1e3 * p.eps * (1.0 + abs(exp_loss) + p.reg_loss) + 64 * p.eps * p.score_scale
    if abs(loss - exp_loss) <= tol:
        return None
    n, data_loss, reg_loss = len(p.y), p.data_loss, p.reg_loss
    guesses = [
        (n * data_loss + reg_loss, f"the loss is {n} (= N) times too large: average the data "
                                   "loss over the examples (divide by N) instead of summing"),
        (data_loss, "the regularisation term is missing: add reg * np.sum(W * W)"),
        (data_loss + 0.5 * reg_loss, "the regularisation term should be reg * np.sum(W * W), "
                                     "without a factor 1/2"),
        (data_loss + 2 * reg_loss, "the regularisation term is counted twice: add "
                                   "reg * np.sum(W * W) once"),
        (-data_loss + reg_loss, "the data loss has the wrong sign"),
    ]
    if p.kind == "svm":
        guesses.append((exp_loss + 1.0, "the loss is exactly 1 too large: the correct class "
                                        "is counted in the sum. Its margin s_y - s_y + 1 is "
                                        "always 1; skip j == y[i]"))
    else:
        guesses.append((data_loss / np.log(10) + reg_loss,
                        "this is the loss with log base 10; use the natural log, np.log"))
    for value, why in guesses:  # a guess names the mistake if the tolerance tells it apart
        if abs(loss - value) <= tol < abs(value - exp_loss):
            return f"loss {loss:.6g}, expected {exp_loss:.6g}: {why}"
    return f"the loss should be {exp_loss:.6g}, got {loss:.6g}"


def _gradient_problem(dW: np.ndarray, exp_dW: np.ndarray, p: _Parts) -> str | None:
    problem = shape_problem(exp_dW, dW, " (the shape of W, (D, C))")
    if problem:
        return "dW: " + problem
    if not np.isfinite(dW).all():
        return p.not_finite("dW")
    columns = (_kink_free_columns(p.W, p.X, p.y) if p.kind == "svm"
               else np.ones(exp_dW.shape[1], bool))
    exp_part, got_part = exp_dW[:, columns], dW[:, columns].astype(np.float64)
    tol = (1e3 * p.eps * (np.abs(exp_part).max(initial=0) + np.abs(p.reg_grad).max(initial=0) + 1)
           + 64 * p.eps * p.score_scale * float(np.abs(p.X).max(initial=0)))
    close = np.abs(got_part - exp_part) <= tol
    if close.all():
        return None
    n, data_grad, reg_grad = len(p.y), p.wrong_grad + p.correct_grad, p.reg_grad
    guesses = [
        (n * data_grad + reg_grad,
         f"dW is {n} (= N) times too large (apart from the regularisation): divide the data "
         "gradient by N, like the loss"),
        (n * (data_grad + reg_grad),
         f"dW is {n} (= N) times too large: divide the data gradient by N, like the loss"),
        (data_grad, "the regularisation gradient is missing: add 2 * reg * W"),
        (data_grad + 2 * reg_grad,
         "the regularisation gradient is counted twice (4 * reg * W): add 2 * reg * W once"),
        (data_grad + 0.5 * reg_grad,
         "the gradient of reg * sum(W**2) is 2 * reg * W, not reg * W"),
        (p.wrong_grad - p.correct_grad + reg_grad,
         "the correct class's gradient has the wrong sign: raising the correct score lowers "
         "the loss, so column y[i] gets "
         + ("MINUS x_i once for every class with a positive margin" if p.kind == "svm"
            else "(p_y - 1) * x_i, a negative multiple of x_i")),
        (-data_grad + reg_grad,
         "the data gradient has the wrong sign: dW must point uphill (the direction that "
         "increases the loss); training subtracts it"),
    ]
    for wrong, why in guesses:  # a guess names the mistake if the tolerance tells it apart
        wrong = wrong[:, columns]
        if (np.abs(got_part - wrong) <= tol).all() and not (np.abs(wrong - exp_part) <= tol).all():
            return f"dW: {why}"
    mismatch = first_mismatch(exp_part, got_part, close)
    if not columns.all():
        mismatch += " (counting only the classes no kink touches)"
    return f"the loss is right but dW is not: {mismatch}"


def _softmax_not_finite(W, X, what="the loss") -> str:
    """Name the cause: rows far apart shifted by one global maximum, or overflow/underflow."""
    scores = np.asarray(X, np.float64) @ np.asarray(W, np.float64)
    row_max = scores.max(axis=1)
    if row_max.max() - row_max.min() > 700:
        return (f"{what} is not finite. The rows' largest scores here range from "
                f"{row_max.min():.0f} to {row_max.max():.0f}: subtracting one maximum of the "
                "whole array leaves some rows far below 0, where np.exp gives 0 for every "
                "class. Subtract each row's own maximum, scores.max(axis=1, keepdims=True)")
    return softmax_not_finite(what, scores)


def compare_svm(expected, got, case: Case) -> str | None:
    return _compare_loss(expected, got, case, kind="svm", name="the SVM loss")


def compare_softmax(expected, got, case: Case) -> str | None:
    return _compare_loss(expected, got, case, kind="softmax", name="the softmax loss")


# Edge cases (hinge kinks; scores of 1e4, rows far apart) earn half of a loss test's points.
_EDGE = {"main": 0.5, "edge": 0.5}

CHECKS = {
    "test_svm_loss_naive": Check("svm_loss_naive", svm_cases, compare_svm, groups=_EDGE),
    "test_svm_loss_vectorized": Check("svm_loss_vectorized", svm_cases, compare_svm,
                                      groups=_EDGE),
    "test_softmax_loss_naive": Check("softmax_loss_naive", softmax_cases, compare_softmax,
                                     groups=_EDGE),
    "test_softmax_loss_vectorized": Check("softmax_loss_vectorized", softmax_cases,
                                          compare_softmax, groups=_EDGE),
}
