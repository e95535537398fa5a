"""Correct, written differently: einsum products, a sigmoid through np.tanh, log-sum-exp
from np.logaddexp, batches drawn without replacement from a fresh permutation each epoch,
and an SVM loss whose margins are masked with np.where."""

import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4, activation="relu",
                 seed=None):
        if activation not in ("relu", "sigmoid", "tanh"):
            raise ValueError(f"activation must be relu, sigmoid or tanh, got {activation!r}")
        rng = np.random.default_rng(seed)
        self.activation = activation
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def loss(self, X, y=None, reg=0.0):
        p = self.params
        z1 = np.einsum("nd,dh->nh", X, p["W1"]) + p["b1"]
        if self.activation == "relu":
            h, dh_dz = z1 * (z1 > 0), (z1 > 0).astype(float)
        elif self.activation == "sigmoid":
            h = 0.5 * (1 + np.tanh(z1 / 2))  # the same function, never overflows
            dh_dz = h * (1 - h)
        else:
            h = np.tanh(z1)
            dh_dz = 1 - h**2
        scores = np.einsum("nh,hc->nc", h, p["W2"]) + p["b2"]
        if y is None:
            return scores
        n = len(y)
        log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
        loss = -log_probs[np.arange(n), y].sum() / n
        loss += reg * sum(np.vdot(p[k], p[k]) for k in ("W1", "W2"))
        dscores = np.exp(log_probs)
        dscores[np.arange(n), y] -= 1
        dscores /= n
        dz1 = np.einsum("nc,hc->nh", dscores, p["W2"]) * dh_dz
        grads = {
            "W2": np.einsum("nh,nc->hc", h, dscores) + 2 * reg * p["W2"],
            "b2": np.einsum("nc->c", dscores),
            "W1": np.einsum("nd,nh->dh", X, dz1) + 2 * reg * p["W1"],
            "b1": np.einsum("nh->h", dz1),
        }
        return loss, grads

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95,
              reg=5e-6, num_iters=100, batch_size=200, seed=None, verbose=False):
        num_train = X.shape[0]
        per_epoch = max(num_train // batch_size, 1)
        rng = np.random.default_rng(seed)
        history = {"loss": [], "train_acc": [], "val_acc": []}
        order = rng.permutation(num_train)
        for it in range(num_iters):
            step = it % per_epoch
            if step == 0 and it > 0:
                order = rng.permutation(num_train)
            batch = order[step * batch_size:(step + 1) * batch_size]
            loss, grads = self.loss(X[batch], y[batch], reg=reg)
            history["loss"].append(loss)
            for key in self.params:
                self.params[key] -= learning_rate * grads[key]
            if step == per_epoch - 1:
                history["train_acc"].append(np.mean(self.predict(X[:1000]) == y[:1000]))
                history["val_acc"].append(np.mean(self.predict(X_val) == y_val))
                learning_rate = learning_rate * learning_rate_decay
        return history

    def predict(self, X):
        return self.loss(X).argmax(axis=1)


def svm_two_layer_loss(params, X, y, reg):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    n = X.shape[0]
    z = X @ W1 + b1
    h = np.where(z > 0, z, 0.0)
    s = h @ W2 + b2
    rows = np.arange(n)
    margins = s - s[rows, y][:, None] + 1
    active = np.where((margins > 0) & (np.arange(s.shape[1]) != y[:, None]), 1.0, 0.0)
    loss = (margins * active).sum() / n + reg * (np.square(W1).sum() + np.square(W2).sum())
    ds = active
    ds[rows, y] = -active.sum(axis=1)
    ds /= n
    dz = (ds @ W2.T) * (z > 0)
    return loss, {"W1": X.T @ dz + 2 * reg * W1, "b1": dz.sum(0),
                  "W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(0)}
