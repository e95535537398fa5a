"""Includes j == y[i] in the sum: its margin is always exactly 1, so the loss gains 1."""

import numpy as np

BREAKS = "test_svm_loss_naive"


def svm_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / num_train + reg * np.sum(W * W), dW / num_train + 2 * reg * W
