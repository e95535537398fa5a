"""Forgets the bias trick: D weights, and every boundary passes through the origin."""

import numpy as np

BREAKS = "test_perceptron_train"


def perceptron_train(X, y, num_epochs=10):
    w = np.zeros(X.shape[1])
    for _ in range(num_epochs):
        for i in range(X.shape[0]):
            prediction = 1 if X[i] @ w > 0 else 0
            w += (y[i] - prediction) * X[i]
    return w
