"""Sums the cross-entropy and its gradient over the examples instead of averaging."""

import numpy as np

BREAKS = "test_softmax_loss_naive"


def softmax_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(X.shape[0]):
        scores = X[i] @ W
        scores = scores - scores.max()
        probs = np.exp(scores) / np.sum(np.exp(scores))
        loss -= np.log(probs[y[i]])
        for k in range(W.shape[1]):
            dW[:, k] += (probs[k] - (k == y[i])) * X[i]
    return loss + reg * np.sum(W * W), dW + 2 * reg * W
