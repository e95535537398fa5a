"""Forgets to zero the correct class's own margin (always 1), so each example adds 1."""

import numpy as np

BREAKS = "test_svm_loss_vectorized"


def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    coeff = (margins > 0).astype(float)
    coeff[rows, y] = -coeff.sum(axis=1)
    return margins.sum() / n + reg * np.sum(W * W), X.T @ coeff / n + 2 * reg * W
