"""Adds the regulariser to the loss but forgets its gradient, 2 * reg * W."""

import numpy as np

BREAKS = "test_svm_loss_naive"


def svm_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    num_train = X.shape[0]
    for i in range(num_train):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / num_train + reg * np.sum(W * W), dW / num_train
