"""Softmax loss that subtracts one maximum of the whole array instead of each row's: rows
far below the top row get exp(...) = 0 for every class."""

import numpy as np

BREAKS = "test_softmax_loss"


def softmax_loss(x, y):
    n = x.shape[0]
    exp_scores = np.exp(x - x.max())
    with np.errstate(divide="ignore", invalid="ignore"):
        probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
        loss = float(-np.log(probs[np.arange(n), y]).mean())
    dx = probs.copy()
    dx[np.arange(n), y] -= 1
    return loss, dx / n
