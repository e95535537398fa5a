"""Adds the regularisation gradient twice (4 * reg * W)."""

import numpy as np

BREAKS = "test_svm_loss_vectorized"


def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    coeff = (margins > 0).astype(float)
    coeff[rows, y] = -coeff.sum(axis=1)
    dW = X.T @ coeff / n + 2 * reg * W
    dW += 2 * reg * W
    return margins.sum() / n + reg * np.sum(W * W), dW
