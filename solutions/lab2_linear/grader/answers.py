"""Lab 2's answer code, grader only: the perceptron rule (with the variations that name a
mistake) and the SVM and softmax losses split into their terms, used by the comparisons in
:mod:`.training` and :mod:`.losses` to recognise a student's mistake."""

from __future__ import annotations

import numpy as np

from course_utils.gradcheck import numerical_gradient_array


def perceptron_variant(X, y, num_epochs, *, at_zero=0, bias_update=True, sign=1, epochs_used=None):
    """The perceptron rule with a deliberate variation, to recognise a student's mistake."""
    X = np.asarray(X, dtype=np.float64)
    X_aug = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(X_aug.shape[1])
    for _ in range(num_epochs if epochs_used is None else epochs_used):
        for x, target in zip(X_aug, y, strict=True):
            score = x @ w
            prediction = 1 if score > 0 or (score == 0 and at_zero == 1) else 0
            step = sign * (target - prediction) * x
            if not bias_update:
                step[-1] = 0.0
            w += step
    return w


def svm_parts(W, X, y):
    """Mean hinge loss and its gradient split into the wrong-class and correct-class terms."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    rows = np.arange(len(y))
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = (margins > 0).astype(np.float64)
    correct = np.zeros_like(active)
    correct[rows, y] = -active.sum(axis=1)
    n = len(y)
    return (np.maximum(margins, 0).sum() / n, X.T @ active / n, X.T @ correct / n, margins)


def softmax_parts(W, X, y):
    """Mean cross-entropy and its gradient split into the probability and one-hot terms."""
    W, X = np.asarray(W, np.float64), np.asarray(X, np.float64)
    rows = np.arange(len(y))
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    onehot = np.zeros_like(probs)
    onehot[rows, y] = 1.0
    n = len(y)
    loss = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[rows, y])
    return loss, X.T @ probs / n, -X.T @ onehot / n, probs


def forward_difference(f, x, h):
    """The one-sided difference (f(x + h e_i) - f(x)) / h at every entry: a student's
    ``numerical_gradient`` that equals it took the wrong difference."""
    x = np.array(x, dtype=np.float64)
    base, grad = f(x), np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        grad[index] = (f(x) - base) / h
        x[index] = original
    return grad


def entry_errors(f, x, analytic, h=1e-5):
    """At every entry of x: the relative error of ``analytic`` against the centred difference
    (what grad_check_sparse reports for the entries it draws), and the absolute error."""
    # The course's one centred-difference routine; for a scalar f, dout = 1 gives df/dx.
    numeric = numerical_gradient_array(f, np.array(x, dtype=np.float64), np.array(1.0), h=h)
    gap = np.abs(numeric - analytic)
    return (gap / np.maximum(np.abs(numeric) + np.abs(analytic), 1e-8)).ravel(), gap.ravel()
