"""Adds 2 * reg * W to the gradient twice."""

import numpy as np

BREAKS = "test_softmax_loss_vectorized"


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(n), y])) + reg * np.sum(W * W)
    probs[np.arange(n), y] -= 1
    dW = X.T @ probs / n + 2 * reg * W
    return loss, dW + 2 * reg * W
