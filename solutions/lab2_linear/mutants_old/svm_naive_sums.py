"""Sums the hinge losses and their gradients over the examples instead of averaging."""

import numpy as np

BREAKS = "test_svm_loss_naive"


def svm_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(X.shape[0]):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss + reg * np.sum(W * W), dW + 2 * reg * W
