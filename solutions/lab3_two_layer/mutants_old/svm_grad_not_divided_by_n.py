"""Forgets to divide the score gradient by N."""

import numpy as np

BREAKS = "test_svm_two_layer_loss"


def svm_two_layer_loss(params, X, y, reg):
    """Multiclass SVM (hinge) loss of a two-layer ReLU network, and its gradients.

    Inputs:
      params: dict with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
      X: (N, D) examples.  y: (N,) integer labels in [0, C).  reg: L2 strength.
    The scores are s = max(0, X W1 + b1) W2 + b2 and the loss is
      (1 / N) * sum_i sum_{j != y_i} max(0, s[i, j] - s[i, y_i] + 1)
      + reg * (sum(W1**2) + sum(W2**2)).
    Returns (loss, grads): loss a float; grads a dict with the keys of params, each
    gradient shaped like its parameter.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    rows = np.arange(N)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    scores = h @ W2 + b2
    margins = np.maximum(0, scores - scores[rows, y][:, np.newaxis] + 1.0)
    margins[rows, y] = 0
    loss = margins.sum() / N + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    dscores = (margins > 0).astype(scores.dtype)
    dscores[rows, y] = -dscores.sum(axis=1)
    dz1 = (dscores @ W2.T) * (z1 > 0)
    grads = {
        "W1": X.T @ dz1 + 2 * reg * W1,
        "b1": dz1.sum(axis=0),
        "W2": h.T @ dscores + 2 * reg * W2,
        "b2": dscores.sum(axis=0),
    }
    return loss, grads
