"""Correct, but written with helper methods, a per-example loop for the SVM loss, an explicit
epoch counter for the decay, index sampling with integers(), and numpy arrays in the history."""

import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4, activation="relu",
                 seed=None):
        rng = np.random.default_rng(seed)
        self.activation = activation
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }
        self.cache = None

    def _activate(self, z):
        if self.activation == "relu":
            return np.clip(z, 0, None)
        if self.activation == "sigmoid":
            return np.exp(-np.logaddexp(0, -z))
        return np.tanh(z)

    def _derivative(self, z, h):
        if self.activation == "relu":
            return np.heaviside(z, 0.0)
        if self.activation == "sigmoid":
            return h * (1 - h)
        return 1 - np.tanh(z) ** 2

    def _forward(self, X):
        p = self.params
        z1 = np.einsum("nd,dh->nh", X, p["W1"]) + p["b1"]
        h = self._activate(z1)
        self.cache = (X, z1, h)
        return np.einsum("nh,hc->nc", h, p["W2"]) + p["b2"]

    def loss(self, X, y=None, reg=0.0):
        scores = self._forward(X)
        if y is None:
            return scores
        X, z1, h = self.cache
        p = self.params
        n = X.shape[0]
        lse = np.logaddexp.reduce(scores, axis=1)
        data_loss = np.mean(lse - scores[np.arange(n), y])
        loss = data_loss + reg * (np.vdot(p["W1"], p["W1"]) + np.vdot(p["W2"], p["W2"]))
        dscores = np.exp(scores - lse[:, None])
        dscores[np.arange(n), y] -= 1.0
        dscores = dscores / n
        dh = dscores @ p["W2"].T
        dz1 = dh * self._derivative(z1, h)
        grads = {
            "W1": X.T @ dz1 + reg * 2 * p["W1"],
            "b1": np.sum(dz1, axis=0),
            "W2": h.T @ dscores + reg * 2 * p["W2"],
            "b2": np.sum(dscores, axis=0),
        }
        return loss, grads

    def _step(self, grads, learning_rate):
        for name in ("W1", "b1", "W2", "b2"):
            self.params[name] -= learning_rate * grads[name]

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95,
              reg=5e-6, num_iters=100, batch_size=200, seed=None, verbose=False):
        rng = np.random.default_rng(seed)
        num_train = len(X)
        per_epoch = max(num_train // batch_size, 1)
        loss_history = np.zeros(num_iters)
        train_acc, val_acc = [], []
        epoch = 0
        for it in range(num_iters):
            idx = rng.integers(0, num_train, size=batch_size)
            loss_history[it], grads = self.loss(X[idx], y[idx], reg=reg)
            self._step(grads, learning_rate * learning_rate_decay**epoch)
            if (it + 1) % per_epoch == 0:
                epoch += 1
                train_acc.append((self.predict(X[:1000]) == y[:1000]).mean())
                val_acc.append((self.predict(X_val) == y_val).mean())
        return {"loss": loss_history, "train_acc": np.array(train_acc),
                "val_acc": np.array(val_acc)}

    def predict(self, X):
        return self._forward(X).argmax(axis=-1)


def svm_two_layer_loss(params, X, y, reg):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss = 0.0
    n = X.shape[0]
    for i in range(n):
        z = X[i] @ W1 + b1
        h = np.maximum(z, 0)
        s = h @ W2 + b2
        ds = np.zeros_like(s)
        for j in range(len(s)):
            if j == y[i]:
                continue
            margin = s[j] - s[y[i]] + 1
            if margin > 0:
                loss += margin
                ds[j] += 1
                ds[y[i]] -= 1
        grads["W2"] += np.outer(h, ds)
        grads["b2"] += ds
        dz = (W2 @ ds) * (z > 0)
        grads["W1"] += np.outer(X[i], dz)
        grads["b1"] += dz
    loss = loss / n + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    for k in grads:
        grads[k] /= n
    grads["W1"] += 2 * reg * W1
    grads["W2"] += 2 * reg * W2
    return loss, grads
