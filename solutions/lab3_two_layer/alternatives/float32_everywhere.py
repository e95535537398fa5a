"""Correct, but computes in float32, shuffles once per epoch (sampling without replacement)
and predicts from the softmax probabilities."""

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

    def loss(self, X, y=None, reg=0.0):
        f32 = np.float32
        W1, b1, W2, b2 = (self.params[k].astype(f32) for k in ("W1", "b1", "W2", "b2"))
        X = X.astype(f32)
        z1 = X.dot(W1) + b1
        if self.activation == "relu":
            h = z1 * (z1 > 0)
        elif self.activation == "sigmoid":
            h = f32(0.5) * (f32(1) + np.tanh(f32(0.5) * z1))
        else:
            h = np.tanh(z1)
        scores = h.dot(W2) + b2
        if y is None:
            return scores
        n = len(y)
        shifted = scores - scores.max(axis=1)[:, None]
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1))[:, None]
        probs = np.exp(log_probs)
        one_hot = np.zeros_like(probs)
        one_hot[np.arange(n), y] = 1
        penalty = f32(reg) * ((W1**2).sum() + (W2**2).sum())
        loss = -np.sum(one_hot * log_probs) / n + penalty
        dscores = (probs - one_hot) / n
        grads = {"W2": h.T.dot(dscores) + f32(2 * reg) * W2, "b2": dscores.sum(0)}
        dh = dscores.dot(W2.T)
        if self.activation == "relu":
            dz1 = np.where(z1 > 0, dh, 0)
        elif self.activation == "sigmoid":
            dz1 = dh * (h - h * h)
        else:
            dz1 = dh - dh * h**2
        grads["W1"] = X.T.dot(dz1) + f32(2 * reg) * W1
        grads["b1"] = dz1.sum(0)
        return float(loss), grads

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95,
              reg=5e-6, num_iters=100, batch_size=200, seed=None, verbose=False):
        n = X.shape[0]
        per_epoch = max(n // batch_size, 1)
        rng = np.random.default_rng(seed)
        losses, train_acc, val_acc = [], [], []
        order = rng.permutation(n)
        for it in range(num_iters):
            position = (it % per_epoch) * batch_size
            if position == 0 and it > 0:
                order = rng.permutation(n)
            idx = order[position:position + batch_size]
            loss, grads = self.loss(X[idx], y[idx], reg=reg)
            losses.append(loss)
            for k in self.params:
                self.params[k] = self.params[k] - learning_rate * grads[k]
            if (it + 1) % per_epoch == 0:
                train_acc.append(np.mean(self.predict(X[:1000]) == y[:1000]))
                val_acc.append(np.mean(self.predict(X_val) == y_val))
                learning_rate = learning_rate * learning_rate_decay
        return {"loss": losses, "train_acc": train_acc, "val_acc": val_acc}

    def predict(self, X):
        scores = self.loss(X)
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        return (probs / probs.sum(axis=1, keepdims=True)).argmax(axis=1)


def svm_two_layer_loss(params, X, y, reg):
    f32 = np.float32
    W1, b1, W2, b2 = (params[k].astype(f32) for k in ("W1", "b1", "W2", "b2"))
    X = X.astype(f32)
    n = len(y)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    correct = np.take_along_axis(s, y[:, None], axis=1)
    margins = s - correct + 1
    margins[np.arange(n), y] = 0
    active = margins > 0
    loss = np.where(active, margins, 0).sum() / n + reg * (np.sum(W1**2) + np.sum(W2**2))
    ds = active.astype(f32)
    ds[np.arange(n), y] = -active.sum(axis=1)
    ds /= n
    dz1 = ds @ W2.T * (z1 > 0)
    return float(loss), {"W1": X.T @ dz1 + 2 * reg * W1, "b1": dz1.sum(0),
                         "W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(0)}
