"""Hidden checks for Lab 2, linear classifiers: perceptron, multiclass SVM, softmax, SGD.

Conventions of the lab: W is (D, C), X is (N, D), y is (N,); a loss is the mean data loss plus
``reg * np.sum(W * W)`` and returns ``(loss, dW)``; the SVM margin is 1.

The SVM is not differentiable where a margin is exactly 0, and any value between the one-sided
derivatives there is a correct subgradient. The loss checks therefore compare the gradient only
in the classes (columns of dW) that no such kink touches; the random cases have no kinks at all,
one case has them on purpose. The training loop is judged by properties (every step draws a new
batch, W moves by ``-learning_rate * dW``, the same seed gives the same run), not by equality with
the reference run, since the order in which a seeded generator is used is the student's choice.
The classifier trains on a plain quadratic loss defined here, not the notebook's, so a mistake
in a loss costs points only on that loss's test; and the driver needs nothing from the
reference, so it runs unchanged inside the grader's sandbox. Code that computes a graded
answer (the perceptron, the losses' terms) lives in :mod:`.grader_only.lab2_linear`, which the
sandbox cannot import.
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

from ..sandbox.drivers import predict_driver, train_driver

# ------------------------------------------------------------------------------- perceptron


def perceptron_cases():
    grid = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    yield Case((grid, np.array([0, 0, 0, 1])), hint="AND of two inputs, default num_epochs")
    yield Case((grid, np.array([0, 1, 1, 1])), {"num_epochs": 5}, hint="OR, 5 epochs")
    yield Case((grid, np.array([0, 1, 1, 0])), {"num_epochs": 3},
               hint="XOR, 3 epochs (never separable: the weights keep changing)")
    rng = np.random.default_rng(10)
    X = rng.integers(-5, 6, size=(12, 3)).astype(np.float64)
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.5 > 0).astype(np.int64)
    yield Case((X, y), {"num_epochs": 1}, hint="12 integer points in 3-D, a single epoch")
    yield Case((X.astype(np.float32), y), {"num_epochs": 4}, hint="float32 input, 4 epochs")
    Z = rng.standard_normal((30, 2)) * 3
    yield Case((Z, (Z[:, 0] - Z[:, 1] > 1).astype(np.int64)), {"num_epochs": 8},
               hint="30 random 2-D points, 8 epochs")
    yield Case((grid, np.array([0, 0, 0, 1])), {"num_epochs": 0},
               hint="num_epochs=0: no training, all-zero weights")


def compare_perceptron(expected, got, case: Case) -> str | None:
    from .answers import _perceptron  # grader-side only: see grader_only
    got, problem = as_array(got, "perceptron_train")
    if problem:
        return problem
    X, y = case.args
    epochs = case.kwargs.get("num_epochs", 10)
    D = X.shape[1]
    if got.shape == (D,):
        return (f"expected {D + 1} weights (D + 1: one per input and the bias, last), got {D}: "
                "append a column of ones to X (the bias trick) and learn its weight too")
    if got.shape != expected.shape:
        return f"the shape is {got.shape} but should be {expected.shape} (D + 1 weights, bias last)"
    close = np.abs(got - expected) <= 1e-4 * (1 + np.abs(expected))
    if close.all():
        return None
    variants = [
        (_perceptron(X, y, epochs, at_zero=1),
         "a score of exactly 0 should predict 0 (predict 1 only when w.x + b > 0); "
         "at the start all weights are 0, so this matters"),
        (_perceptron(X, y, epochs, sign=-1),
         "the update has the wrong sign: on a mistake add (y - prediction) * x, so a missed "
         "positive pulls w towards x"),
        (_perceptron(X, y, epochs, bias_update=False),
         "the bias weight (last entry) never changes: it learns like the other weights, with "
         "input 1"),
        (_perceptron(X, y, epochs, epochs_used=1),
         f"these are the weights after one pass over the data; make num_epochs={epochs} passes"),
        (np.roll(expected, 1), "the bias weight should be the LAST entry, after the D inputs"),
    ]
    for wrong, why in variants:
        if np.allclose(got, wrong, rtol=1e-4, atol=1e-4):
            return why
    return (first_mismatch(expected, got, close) + ". Start from w = 0, visit the examples in "
            "order in every epoch, predict 1 when x.w[:D] + w[D] > 0, and on a mistake add "
            "(y - prediction) * [x, 1]")


# --------------------------------------------------------------------------- the two losses


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
    # float32 arithmetic is admitted even for float64 input (compare.question_eps).
    eps = question_eps(case.args[0], case.args[1], expected)
    loss = float(loss)
    W, X, y, reg = case.args
    exp_loss, exp_dW = float(expected[0]), np.asarray(expected[1], dtype=np.float64)
    n = len(y)
    from .answers import _softmax_parts, _svm_parts  # grader-side only
    if kind == "svm":
        data_loss, wrong_grad, correct_grad, _ = _svm_parts(W, X, y)
    else:
        data_loss, wrong_grad, correct_grad, _ = _softmax_parts(W, X, y)
    reg_loss = reg * float(np.sum(np.asarray(W, np.float64) ** 2))
    reg_grad = 2 * reg * np.asarray(W, np.float64)

    # The loss.
    if not np.isfinite(loss):
        if kind == "softmax":
            return _softmax_not_finite(W, X, f"the loss ({loss})")
        return f"the loss is {loss}; check for divisions by zero or overflowing values"
    # Round-off grows with the size of the scores (float32 scores near 1e4 keep ~3 decimals).
    score_scale = float(np.abs(np.asarray(X, np.float64) @ np.asarray(W, np.float64)).max())
    if abs(loss - exp_loss) > 1e3 * eps * (1.0 + abs(exp_loss) + reg_loss) + 64 * eps * score_scale:
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
        if kind == "svm":
            guesses.append((exp_loss + 1.0, "the loss is exactly 1 too large: the correct class "
                                            "is counted in the sum. Its margin s_y - s_y + 1 is "
                                            "always 1; skip j == y[i]"))
        else:
            guesses.append((data_loss / np.log(10) + reg_loss,
                            "this is the loss with log base 10; use the natural log, np.log"))
        for value, why in guesses:
            if abs(loss - value) <= 1e-4 * (1 + abs(value)) and abs(value - exp_loss) > 1e-6:
                return f"loss {loss:.6g}, expected {exp_loss:.6g}: {why}"
        return f"the loss should be {exp_loss:.6g}, got {loss:.6g}"

    # The gradient.
    problem = shape_problem(exp_dW, dW, " (the shape of W, (D, C))")
    if problem:
        return "dW: " + problem
    if not np.isfinite(dW).all():
        return (_softmax_not_finite(W, X, "dW") if kind == "softmax"
                else "dW contains NaN or infinity")
    columns = _kink_free_columns(W, X, y) if kind == "svm" else np.ones(exp_dW.shape[1], bool)
    exp_part, got_part = exp_dW[:, columns], dW[:, columns].astype(np.float64)
    tol = (1e3 * eps * (np.abs(exp_part).max(initial=0) + np.abs(reg_grad).max(initial=0) + 1)
           + 64 * eps * score_scale * float(np.abs(X).max(initial=0)))
    close = np.abs(got_part - exp_part) <= tol
    if close.all():
        return None
    gradient_guesses = [
        (n * (wrong_grad + correct_grad) + reg_grad,
         f"dW is {n} (= N) times too large (apart from the regularisation): divide the data "
         "gradient by N, like the loss"),
        (n * (wrong_grad + correct_grad + reg_grad),
         f"dW is {n} (= N) times too large: divide the data gradient by N, like the loss"),
        (wrong_grad + correct_grad,
         "the regularisation gradient is missing: add 2 * reg * W"),
        (wrong_grad + correct_grad + 2 * reg_grad,
         "the regularisation gradient is counted twice (4 * reg * W): add 2 * reg * W once"),
        (wrong_grad + correct_grad + 0.5 * reg_grad,
         "the gradient of reg * sum(W**2) is 2 * reg * W, not reg * W"),
        (wrong_grad - correct_grad + reg_grad,
         "the correct class's gradient has the wrong sign: raising the correct score lowers "
         "the loss, so column y[i] gets "
         + ("MINUS x_i once for every class with a positive margin" if kind == "svm"
            else "(p_y - 1) * x_i, a negative multiple of x_i")),
        (-(wrong_grad + correct_grad) + reg_grad,
         "the data gradient has the wrong sign: dW must point uphill (the direction that "
         "increases the loss); training subtracts it"),
    ]
    for wrong, why in gradient_guesses:
        wrong = wrong[:, columns]
        if np.allclose(got_part, wrong, rtol=1e-4, atol=1e-6) and not np.allclose(wrong, exp_part):
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


# ------------------------------------------------------------------------- the classifier


def _blobs(seed, n, d, c, dtype=np.float64):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((c, d)) * 3
    y = np.arange(n) % c
    X = centres[y] + rng.standard_normal((n, d))
    X[:, -1] = 1.0  # bias trick
    order = rng.permutation(n)
    return X[order].astype(dtype), y[order]


def train_cases():
    X, y = _blobs(40, 60, 5, 3)
    yield Case((X, y),
               {"learning_rate": 0.05, "reg": 1e-3, "num_iters": 30, "batch_size": 10, "seed": 0},
               hint="60 examples in 3 classes, batches of 10, seed 0")
    X, y = _blobs(41, 40, 4, 4)
    yield Case((X, y),
               {"learning_rate": 0.02, "reg": 0.01, "num_iters": 25, "batch_size": 8, "seed": 7},
               hint="40 examples in 4 classes, batches of 8, seed 7")
    X, y = _blobs(42, 50, 6, 5, np.float32)
    yield Case((X, y),
               {"learning_rate": 0.05, "reg": 0.0, "num_iters": 20, "batch_size": 16, "seed": 3},
               hint="float32 data, 5 classes, reg = 0")
    X, y = _blobs(43, 48, 5, 4)
    keep = y != 2  # class 2 never appears in the training labels; classes are 0 to max(y)
    yield Case((X[keep], y[keep]),
               {"learning_rate": 0.02, "reg": 0.01, "num_iters": 15, "batch_size": 8, "seed": 5},
               hint="labels 0, 1 and 3: class 2 is absent from the training labels")


def _shape_message(shape, expected_shape, y) -> str:
    absent = sorted(set(range(expected_shape[1])) - set(np.asarray(y).tolist()))
    return (f"W has shape {tuple(shape)}, expected {expected_shape} = (D, number of classes); "
            "number of classes = np.max(y) + 1" + (
                f", also when a class ({', '.join(map(str, absent))} here) is absent from the "
                "training labels (len(np.unique(y)) misses it)" if absent else ""))


def compare_train(expected, got, case: Case) -> str | None:
    kw = case.kwargs
    iters, lr, batch, reg = kw["num_iters"], kw["learning_rate"], kw["batch_size"], kw["reg"]
    X, y = case.args
    expected_shape = (X.shape[1], int(np.max(y)) + 1)
    if "W_shape" in got:
        return _shape_message(got["W_shape"], expected_shape, y)
    history = got["history"]
    if history is None:
        return "train returned None: return the list of losses, one per iteration"
    if history.shape != (iters,):
        return (f"train should return {iters} losses (one per iteration, num_iters={iters}), "
                f"got {history.size}")
    calls = len(got["losses"])
    if calls != iters:
        return (f"loss_fn was called {calls} times for num_iters={iters}: call it exactly once "
                "per iteration, on the mini-batch")
    if not np.allclose(history, got["losses"], rtol=1e-6, atol=1e-9):
        t = int(np.flatnonzero(~np.isclose(history, got["losses"], rtol=1e-6, atol=1e-9))[0])
        return (f"loss history entry {t} is {history[t]:.6g} but loss_fn returned "
                f"{got['losses'][t]:.6g} at that iteration: append the loss of each step")
    if not np.allclose(got["regs"], reg):
        return (f"loss_fn got reg={got['regs'][0]:g}, but train was called with reg={reg:g}: "
                "pass it on")
    W = got["W"]
    if W.shape[1:] != expected_shape:
        return _shape_message(W.shape[1:], expected_shape, y)
    sizes = {len(r) for r in got["rows"]}
    if sizes != {batch} or any((r < 0).any() for r in got["rows"]):
        return (f"each mini-batch should be batch_size={batch} rows taken from X (X[idx] for "
                f"batch_size random indices idx), got batches of sizes {sorted(sizes)}"
                + ("" if all((r >= 0).all() for r in got["rows"]) else
                   " with rows that are not rows of X"))
    if not got["labels_ok"].all():
        return ("the labels passed to loss_fn do not belong to the rows of X_batch: index X and "
                "y with the same indices (X[idx], y[idx])")
    distinct = {tuple(r.tolist()) for r in got["rows"]}
    if len(distinct) == 1:
        return ("every iteration used the same mini-batch: draw new random indices at every "
                "step (create the generator once, before the loop, and call rng.choice inside it)")
    if len(distinct) < iters / 2:
        return (f"only {len(distinct)} different mini-batches in {iters} iterations: draw new "
                "random indices at every step from one generator created before the loop")
    steps = W[1:] - W[:-1]
    if np.allclose(steps, 0) and got["final_W"] is not None and np.allclose(got["final_W"], W[0]):
        return ("W never changes: update the weights the classifier keeps, self.W -= "
                "learning_rate * dW (assigning the update to a local copy has no effect)")
    expected_steps = -lr * got["dW"][:-1]
    scale = np.abs(expected_steps).max(axis=(1, 2), keepdims=True) + 1e-12
    tol = 1e-4 * scale + 1e3 * question_eps(X) * (np.abs(W[1:]).max() + 1)
    bad = np.abs(steps - expected_steps) > tol
    if bad.any():
        t = int(np.flatnonzero(bad.any(axis=(1, 2)))[0])
        if np.allclose(steps[t], 0):
            return (f"W did not change from iteration {t} to {t + 1}: after each loss_fn call "
                    "update self.W -= learning_rate * dW")
        if np.allclose(steps[t], -expected_steps[t], rtol=1e-4, atol=tol.max()):
            return ("W moves along +dW, uphill: gradient descent subtracts the gradient, "
                    "self.W -= learning_rate * dW")
        return (f"from iteration {t} to {t + 1} W should change by -learning_rate * dW, with "
                f"learning_rate={lr:g} and dW returned by loss_fn; it changed differently")
    final_W = got["final_W"]
    last = W[-1] - lr * got["dW"][-1]
    if (final_W is None or final_W.shape != last.shape
            or not np.allclose(final_W, last, atol=tol.max())):
        return ("after train, self.W should hold the trained weights, including the last step's "
                "update (self.W -= learning_rate * dW)")
    if len(got["rerun_rows"]) != iters or any(
            a.shape != b.shape or not np.array_equal(a, b)
            for a, b in zip(got["rerun_rows"], got["rows"], strict=True)):
        return (f"two runs with seed={kw['seed']} drew different mini-batches: draw every batch "
                "from np.random.default_rng(seed), created once in train")
    if got["continued_W"] is None or not np.allclose(got["continued_W"], final_W):
        return ("calling train again should continue from the current self.W; create random "
                "weights only when self.W is None")
    if not np.mean(history[-5:]) < np.mean(history[:5]):
        return "the loss did not go down during training"
    return None


def predict_cases():
    rng = np.random.default_rng(50)
    for n, d, c, dtype in ((7, 4, 3, np.float64), (20, 10, 10, np.float64),
                           (1, 3, 2, np.float64), (12, 5, 4, np.float32)):
        X = rng.standard_normal((n, d)).astype(dtype)
        W = rng.standard_normal((d, c)).astype(dtype)
        yield Case((W, X), hint=f"{n} examples, {c} classes" + (
            ", float32" if dtype == np.float32 else ""))


def compare_predict(expected, got, case: Case) -> str | None:
    got, problem = as_array(got, "predict")
    if problem:
        return problem
    W, X = case.args
    scores = np.asarray(X, np.float64) @ np.asarray(W, np.float64)
    n, c = scores.shape
    if got.ndim == 2:
        return (f"predict returned an array of shape {got.shape}, the scores: return one label "
                "per example, the class with the largest score (np.argmax(..., axis=1))")
    if got.shape == (c,) and c != n:
        return (f"predict returned {c} values, one per class: take the argmax over axis=1 (the "
                "classes of each example), not axis=0")
    if got.shape != (n,):
        return f"predict should return shape ({n},), one label per example, got {got.shape}"
    top = np.sort(scores, axis=1)
    near_tie = top[:, -1] - top[:, -2] <= 1e3 * question_eps(W, X) * (np.abs(top[:, -1]) + 1)
    wrong = (got != expected) & ~near_tie
    if not wrong.any():
        return None
    i = int(np.flatnonzero(wrong)[0])
    if np.array_equal(got, scores.argmin(axis=1)):
        return "these are the classes with the SMALLEST scores: use np.argmax"
    return (f"example {i}: the scores are {np.round(scores[i], 3).tolist()}, so the label is "
            f"{int(expected[i])}, got {got[i]}. Predict np.argmax(X @ self.W, axis=1)")


# Edge cases (hinge kinks; scores of 1e4, rows far apart) earn half of a loss test's points.
_EDGE = {"main": 0.5, "edge": 0.5}

CHECKS = {
    "test_perceptron_train": Check("perceptron_train", perceptron_cases, compare_perceptron),
    "test_svm_loss_naive": Check("svm_loss_naive", svm_cases, compare_svm, groups=_EDGE),
    "test_svm_loss_vectorized": Check("svm_loss_vectorized", svm_cases, compare_svm,
                                      groups=_EDGE),
    "test_softmax_loss_naive": Check("softmax_loss_naive", softmax_cases, compare_softmax,
                                     groups=_EDGE),
    "test_softmax_loss_vectorized": Check("softmax_loss_vectorized", softmax_cases,
                                          compare_softmax, groups=_EDGE),
    "test_linear_classifier_train": Check("LinearClassifier", train_cases, compare_train,
                                          driver=train_driver,
                                          title="`LinearClassifier.train`"),
    "test_linear_classifier_predict": Check("LinearClassifier", predict_cases, compare_predict,
                                            driver=predict_driver,
                                            title="`LinearClassifier.predict`"),
}
