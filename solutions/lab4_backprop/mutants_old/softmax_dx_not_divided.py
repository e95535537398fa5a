"""dx is not divided by N."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_softmax_loss"


def softmax_loss(x, y):
    """Softmax cross-entropy loss, averaged over the examples, and its gradient.

    Inputs:
      x: (N, C) scores, x[i, j] for class j of example i.  y: (N,) labels in [0, C).
    Returns (loss, dx): loss a float; dx (N, C) = dloss/dx. Stable for scores like 1e4.
    """
    n = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-log_probs[np.arange(n), y].mean())
    dx = np.exp(log_probs)
    dx[np.arange(n), y] -= 1
    return loss, dx
