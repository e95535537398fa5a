"""Uses p + 1 instead of p - 1 for the correct class in the gradient."""

import numpy as np

BREAKS = "test_softmax_loss_naive"


def softmax_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i] @ W
        scores = scores - scores.max()
        probs = np.exp(scores) / np.sum(np.exp(scores))
        loss -= np.log(probs[y[i]])
        for k in range(W.shape[1]):
            dW[:, k] += (probs[k] + (k == y[i])) * X[i]
    return loss / num_train + reg * np.sum(W * W), dW / num_train + 2 * reg * W
