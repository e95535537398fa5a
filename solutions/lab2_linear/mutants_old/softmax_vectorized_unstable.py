"""Vectorised without shifting the scores: overflow (inf / inf = nan) for scores near 1e4."""

import numpy as np

BREAKS = "test_softmax_loss_vectorized"


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    exp_scores = np.exp(X @ W)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(n), y])) + reg * np.sum(W * W)
    probs[np.arange(n), y] -= 1
    return loss, X.T @ probs / n + 2 * reg * W
