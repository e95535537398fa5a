"""Returns the score matrix instead of one label per example."""

import numpy as np

BREAKS = "test_linear_classifier_predict"


class LinearClassifier:
    def __init__(self, loss_fn):
        self.loss_fn = loss_fn
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200,
              seed=None):
        num_train, dim = X.shape
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((dim, int(np.max(y)) + 1))
        loss_history = []
        for _ in range(num_iters):
            idx = rng.choice(num_train, batch_size)
            loss, dW = self.loss_fn(self.W, X[idx], y[idx], reg)
            loss_history.append(loss)
            self.W -= learning_rate * dW
        return loss_history

    def predict(self, X):
        return X @ self.W
