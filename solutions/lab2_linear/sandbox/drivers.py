"""Lab 2's drivers: how a hidden case exercises ``LinearClassifier`` (train, predict).

They run inside the sandbox on the reference and on the student's class alike, and return
plain data that the grader's :mod:`solutions.lab2_linear.grader` judges. Nothing here computes
a graded answer: the classifier trains on a plain quadratic loss defined here, not on the
notebook's SVM or softmax, so a mistake in a loss costs points only on that loss's test.
"""

from __future__ import annotations

import numpy as np


def _match_rows(X_all: np.ndarray, X_batch) -> np.ndarray:
    """Index of the row of X_all each batch row equals (-1 if none): which examples were used."""
    try:
        batch = np.asarray(X_batch, dtype=np.float64)
    except (TypeError, ValueError):
        return np.array([-1])
    if batch.ndim != 2 or batch.shape[1] != X_all.shape[1]:
        return np.full(max(len(batch), 1), -1)
    d = ((batch[:, None, :] - X_all[None, :, :]) ** 2).sum(-1)
    nearest = d.argmin(axis=1)
    ok = d[np.arange(len(batch)), nearest] <= 1e-8 * (1 + (X_all**2).sum(1)[nearest])
    return np.where(ok, nearest, -1)


def _quadratic_loss(W, X, y, reg):
    """What train minimises here: a plain quadratic, half the mean squared distance from
    each example to its class's column of W, plus ``reg * sum(W * W)``. It is no graded loss
    (no answer may be importable in the sandbox) and has a gradient that makes the loss go
    down under SGD, which is all the training loop is judged on."""
    W64, X64 = np.asarray(W, dtype=np.float64), np.asarray(X, dtype=np.float64)
    labels = np.asarray(y).ravel()
    diff = W64[:, labels] - X64.T  # (D, N): column i is W[:, y_i] - x_i
    dW = np.zeros_like(W64)
    np.add.at(dW.T, labels, diff.T)
    n = max(len(labels), 1)
    loss = 0.5 * float(np.sum(diff * diff)) / n + reg * float(np.sum(W64 * W64))
    return loss, dW / n + 2 * reg * W64


class _WrongShape(Exception):
    """Raised by the recording loss when W cannot hold one column per class."""


def _recorder(X_all: np.ndarray, y_all: np.ndarray, log: list):
    """The loss handed to the student's classifier: the quadratic loss, logging each call
    (the weights it got, the gradient it returned, which rows of X, whether the labels belong
    to those rows, and reg) in ``log``."""
    X64 = np.asarray(X_all, dtype=np.float64)

    def loss_fn(W, X, y, reg):
        if np.ndim(W) != 2 or np.shape(W)[1] != int(np.max(y_all)) + 1:
            raise _WrongShape(np.shape(W))
        loss, dW = _quadratic_loss(W, X, y, reg)
        rows = _match_rows(X64, X)
        labels = np.asarray(y).ravel()
        labels_ok = (len(labels) == len(rows) and bool(np.all(rows >= 0))
                     and bool(np.array_equal(labels, y_all[rows])))
        log.append({"W": np.array(W, dtype=np.float64), "dW": np.asarray(dW, np.float64),
                    "loss": float(loss), "rows": rows, "labels_ok": labels_ok,
                    "reg": float(reg)})
        return loss, dW

    return loss_fn


def _final_weights(clf):
    W = getattr(clf, "W", None)
    return None if W is None else np.array(W, dtype=np.float64)


def train_driver(cls, case):
    """Train twice with the same seed, then once more on the first model; record every call
    of the loss function (the weights it got, the gradient it returned, which rows)."""
    X, y = case.args
    runs = []
    for _ in range(2):
        log: list = []
        clf = cls(_recorder(X, y, log))
        try:
            history = clf.train(X, y, **case.kwargs)
        except _WrongShape as wrong:
            return {"W_shape": tuple(int(n) for n in wrong.args[0])}
        runs.append((clf, history, log))
    clf, history, log = runs[0]
    final_W = _final_weights(clf)
    calls = len(log)
    clf.train(X, y, **{**case.kwargs, "num_iters": 2})  # should continue from final_W
    log, more = log[:calls], log[calls:]
    return {
        "history": np.asarray(history, dtype=np.float64) if history is not None else None,
        "losses": np.array([e["loss"] for e in log]),
        "W": np.array([e["W"] for e in log]),
        "dW": np.array([e["dW"] for e in log]),
        "rows": [e["rows"] for e in log],
        "labels_ok": np.array([e["labels_ok"] for e in log], dtype=bool),
        "regs": np.array([e["reg"] for e in log]),
        "final_W": final_W,
        "rerun_rows": [e["rows"] for e in runs[1][2]],
        "continued_W": more[0]["W"] if more else None,
    }


def _unused_loss(W, X, y, reg):
    raise AssertionError("predict should not call the loss function")


def predict_driver(cls, case):
    """Set the classifier's weights to the case's W and return its predictions for X."""
    W, X = case.args
    clf = cls(_unused_loss)
    clf.W = W
    return clf.predict(X)


# --------------------------------------------------------------------- gradient checking


def scalar_function(kind: str, A: np.ndarray):
    """The scalar function of ``z`` (an array shaped like ``A``) that a gradient-checking case
    differentiates, built from data the case carries; only its values are computed here.

    ``"cubic"``: sum(A z**3 + z**2), whose one-sided difference is visibly off for large h.
    ``"coupled"``: log(sum(exp(A z))) + (sum z)**2, where every partial derivative depends on
    every entry, so an entry left nudged changes the others' values.
    """
    A = np.asarray(A, dtype=np.float64)
    if kind == "cubic":
        return lambda z: float(np.sum(A * z**3 + z**2))
    if kind == "coupled":
        return lambda z: float(np.log(np.sum(np.exp(A * z))) + np.sum(z) ** 2)
    raise ValueError(f"unknown test function {kind!r}")


def _plain(value):
    """``value`` as a numeric array for the grader, in its own dtype (so the grader sees a
    float16 or complex answer as such), or the name of its type if it is no such array."""
    if value is None:
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return type(value).__name__
    return array if array.dtype.kind in "biufc" else type(value).__name__


def gradient_driver(numerical_gradient, case):
    """Call ``numerical_gradient(f, x, **kwargs)`` on the case's function; return what it gave
    and what x holds afterwards (it must be restored)."""
    kind, A, x = case.args
    x = np.array(x, dtype=np.float64)
    grad = numerical_gradient(scalar_function(kind, A), x, **case.kwargs)
    return {"grad": _plain(grad), "x_after": x}


def sparse_check_driver(grad_check_sparse, case):
    """Call ``grad_check_sparse(f, x, analytic_grad, **kwargs)`` on the case's function; return
    the errors it gave and what x holds afterwards."""
    kind, A, x, analytic = case.args
    x = np.array(x, dtype=np.float64)
    errors = grad_check_sparse(scalar_function(kind, A), x, np.array(analytic), **case.kwargs)
    return {"errors": _plain(errors), "x_after": x}
