"""Lab 2's hidden checks of the training code: the perceptron (notebook part 1) and the
``LinearClassifier`` trained by mini-batch SGD, its ``train`` and ``predict`` (part 5).

The perceptron is compared with the reference weights; a wrong answer is matched against the
rule with one deliberate variation (:mod:`.answers`) to name the mistake. The training loop is
judged by properties (every step draws a new batch, W moves by ``-learning_rate * dW``, the same
seed gives the same run, a second call continues), not by equality with the reference run,
since the order in which a seeded generator is used is the student's choice. The drivers that
run the classifier live in :mod:`solutions.lab2_linear.sandbox.drivers`: it trains there on a
plain quadratic loss, not the notebook's, so a mistake in a loss costs points only on that
loss's test.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, first_mismatch, question_eps

from ..sandbox.drivers import predict_driver, train_driver
from .answers import perceptron_variant

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
    # Exact for integer inputs; for float inputs, round-off of the sums of the updates.
    tol = 1e3 * question_eps(X, expected) * (1 + np.abs(expected))
    close = np.abs(got - expected) <= tol
    if close.all():
        return None
    variants = [
        (perceptron_variant(X, y, epochs, at_zero=1),
         "a score of exactly 0 should predict 0 (predict 1 only when w.x + b > 0); "
         "at the start all weights are 0, so this matters"),
        (perceptron_variant(X, y, epochs, sign=-1),
         "the update has the wrong sign: on a mistake add (y - prediction) * x, so a missed "
         "positive pulls w towards x"),
        (perceptron_variant(X, y, epochs, bias_update=False),
         "the bias weight (last entry) never changes: it learns like the other weights, with "
         "input 1"),
        (perceptron_variant(X, y, epochs, epochs_used=1),
         f"these are the weights after one pass over the data; make num_epochs={epochs} passes"),
        (np.roll(expected, 1), "the bias weight should be the LAST entry, after the D inputs"),
    ]
    for wrong, why in variants:
        if (np.abs(got - wrong) <= tol).all():
            return why
    return (first_mismatch(expected, got, close) + ". Start from w = 0, visit the examples in "
            "order in every epoch, predict 1 when x.w[:D] + w[D] > 0, and on a mistake add "
            "(y - prediction) * [x, 1]")


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
    """Judge the recorded run (see ``train_driver``) by its properties, in the order a
    student would debug them: the calls of loss_fn, the mini-batches, the updates of W."""
    kw = case.kwargs
    X, y = case.args
    expected_shape = (X.shape[1], int(np.max(y)) + 1)
    if "W_shape" in got:
        return _shape_message(got["W_shape"], expected_shape, y)
    problem = _calls_problem(got, kw)
    if problem:
        return problem
    if got["W"].shape[1:] != expected_shape:
        return _shape_message(got["W"].shape[1:], expected_shape, y)
    problem = _batches_problem(got, kw) or _updates_problem(got, kw, X)
    if problem:
        return problem
    if len(got["rerun_rows"]) != kw["num_iters"] or any(
            a.shape != b.shape or not np.array_equal(a, b)
            for a, b in zip(got["rerun_rows"], got["rows"], strict=True)):
        return (f"two runs with seed={kw['seed']} drew different mini-batches: draw every batch "
                "from np.random.default_rng(seed), created once in train")
    history = got["history"]
    if not np.mean(history[-5:]) < np.mean(history[:5]):
        return "the loss did not go down during training"
    return None


def _calls_problem(got, kw) -> str | None:
    """One call of loss_fn per iteration, with the given reg, and its losses returned."""
    iters, reg, history = kw["num_iters"], kw["reg"], got["history"]
    if history is None:
        return "train returned None: return the list of losses, one per iteration"
    if history.shape != (iters,):
        return (f"train should return {iters} losses (one per iteration, num_iters={iters}), "
                f"got {history.size}")
    calls = len(got["losses"])
    if calls != iters:
        return (f"loss_fn was called {calls} times for num_iters={iters}: call it exactly once "
                "per iteration, on the mini-batch")
    # Python floats our own loss returned, passed on: compared at a fixed tolerance.
    differs = ~np.isclose(history, got["losses"], rtol=1e-6, atol=1e-9)
    if differs.any():
        t = int(np.flatnonzero(differs)[0])
        return (f"loss history entry {t} is {history[t]:.6g} but loss_fn returned "
                f"{got['losses'][t]:.6g} at that iteration: append the loss of each step")
    if not np.allclose(got["regs"], reg):
        return (f"loss_fn got reg={got['regs'][0]:g}, but train was called with reg={reg:g}: "
                "pass it on")
    return None


def _batches_problem(got, kw) -> str | None:
    """Mini-batches of batch_size rows of X with their own labels, new at every step."""
    batch, iters, rows = kw["batch_size"], kw["num_iters"], got["rows"]
    sizes = {len(r) for r in rows}
    if sizes != {batch} or any((r < 0).any() for r in rows):
        return (f"each mini-batch should be batch_size={batch} rows taken from X (X[idx] for "
                f"batch_size random indices idx), got batches of sizes {sorted(sizes)}"
                + ("" if all((r >= 0).all() for r in rows) else
                   " with rows that are not rows of X"))
    if not got["labels_ok"].all():
        return ("the labels passed to loss_fn do not belong to the rows of X_batch: index X and "
                "y with the same indices (X[idx], y[idx])")
    distinct = {tuple(r.tolist()) for r in rows}
    if len(distinct) == 1:
        return ("every iteration used the same mini-batch: draw new random indices at every "
                "step (create the generator once, before the loop, and call rng.choice inside it)")
    if len(distinct) < iters / 2:
        return (f"only {len(distinct)} different mini-batches in {iters} iterations: draw new "
                "random indices at every step from one generator created before the loop")
    return None


def _updates_problem(got, kw, X) -> str | None:
    """W moves by -learning_rate * dW at every step, self.W keeps the result, and a second
    call of train starts from it."""
    lr, W = kw["learning_rate"], got["W"]
    steps = W[1:] - W[:-1]
    expected_steps = -lr * got["dW"][:-1]
    # The step is computed in the student's arithmetic (float32 is admitted): round-off
    # relative to the step's size and to the weights' size.
    scale = np.abs(expected_steps).max(axis=(1, 2), keepdims=True)
    tol = 1e3 * question_eps(X) * (scale + np.abs(W[1:]).max() + 1)
    final_W = got["final_W"]
    if (np.abs(steps) <= tol).all() and final_W is not None and final_W.shape == W[0].shape \
            and (np.abs(final_W - W[0]) <= tol.max()).all():
        return ("W never changes: update the weights the classifier keeps, self.W -= "
                "learning_rate * dW (assigning the update to a local copy has no effect)")
    bad = np.abs(steps - expected_steps) > tol
    if bad.any():
        t = int(np.flatnonzero(bad.any(axis=(1, 2)))[0])
        if (np.abs(steps[t]) <= tol[t]).all():
            return (f"W did not change from iteration {t} to {t + 1}: after each loss_fn call "
                    "update self.W -= learning_rate * dW")
        if (np.abs(steps[t] + expected_steps[t]) <= tol[t]).all():
            return ("W moves along +dW, uphill: gradient descent subtracts the gradient, "
                    "self.W -= learning_rate * dW")
        return (f"from iteration {t} to {t + 1} W should change by -learning_rate * dW, with "
                f"learning_rate={lr:g} and dW returned by loss_fn; it changed differently")
    last = W[-1] - lr * got["dW"][-1]
    if (final_W is None or final_W.shape != last.shape
            or not (np.abs(final_W - last) <= tol.max()).all()):
        return ("after train, self.W should hold the trained weights, including the last step's "
                "update (self.W -= learning_rate * dW)")
    continued = got["continued_W"]
    if (continued is None or continued.shape != final_W.shape
            or not (np.abs(continued - final_W) <= tol.max()).all()):
        return ("calling train again should continue from the current self.W; create random "
                "weights only when self.W is None")
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


CHECKS = {
    "test_perceptron_train": Check("perceptron_train", perceptron_cases, compare_perceptron),
    "test_linear_classifier_train": Check("LinearClassifier", train_cases, compare_train,
                                          driver=train_driver,
                                          title="`LinearClassifier.train`"),
    "test_linear_classifier_predict": Check("LinearClassifier", predict_cases, compare_predict,
                                            driver=predict_driver,
                                            title="`LinearClassifier.predict`"),
}
