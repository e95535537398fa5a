"""The correct class's own margin (always 1) is counted in the sum."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_svm_loss"


def svm_loss(x, y):
    """Multiclass SVM (hinge) loss with margin 1, averaged over the examples, and its gradient.

    Inputs:
      x: (N, C) scores.  y: (N,) labels in [0, C).
    Returns (loss, dx): loss = mean_i sum_{j != y_i} max(0, x[i, j] - x[i, y_i] + 1);
    dx (N, C) = dloss/dx.
    """
    n = x.shape[0]
    rows = np.arange(n)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1.0)
    loss = float(margins.sum() / n)
    positive = (margins > 0).astype(x.dtype)
    positive[rows, y] = -positive.sum(axis=1)
    dx = positive / n
    return loss, dx
