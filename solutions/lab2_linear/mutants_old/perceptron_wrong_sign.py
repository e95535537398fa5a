"""Updates with (prediction - y) * x: every mistake pushes the weights the wrong way."""

import numpy as np

BREAKS = "test_perceptron_train"


def perceptron_train(X, y, num_epochs=10):
    X_aug = np.hstack([X, np.ones((X.shape[0], 1))])
    w = np.zeros(X.shape[1] + 1)
    for _ in range(num_epochs):
        for i in range(X.shape[0]):
            prediction = 1 if X_aug[i] @ w > 0 else 0
            w += (prediction - y[i]) * X_aug[i]
    return w
