"""Vectorised softmax that subtracts one maximum of the whole score array instead of each
row's: rows whose scores sit far below the top row underflow to probabilities 0/0."""

import numpy as np

BREAKS = "test_softmax_loss_vectorized"


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    rows = np.arange(num_train)
    scores = X @ W
    exp_scores = np.exp(scores - scores.max())
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[rows, y])) + reg * np.sum(W * W)
    probs[rows, y] -= 1.0
    dW = X.T @ probs / num_train + 2 * reg * W
    return loss, dW
