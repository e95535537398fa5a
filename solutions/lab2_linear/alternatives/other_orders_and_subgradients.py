"""Correct, written differently: classes in the outer loop, the other subgradient at hinge
kinks (a margin of exactly 0 counts as violated), log-softmax by log-sum-exp, batches drawn
without replacement from a fresh shuffle every epoch, and predictions row by row."""

import numpy as np


def perceptron_train(X, y, num_epochs=10):
    signs = np.where(np.asarray(y) == 1, 1.0, -1.0)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_epochs):
        for x, s in zip(X, signs, strict=True):
            predicted_positive = x @ w + b > 0
            if predicted_positive != (s > 0):
                w, b = w + s * x, b + s
    return np.append(w, b)


def svm_loss_naive(W, X, y, reg):
    num_train, num_classes = X.shape[0], W.shape[1]
    dW = 2 * reg * W
    loss = reg * np.sum(W**2)
    for j in range(num_classes):
        for i in range(num_train):
            if j == y[i]:
                continue
            margin = X[i] @ W[:, j] - X[i] @ W[:, y[i]] + 1
            if margin >= 0:  # the other one-sided derivative at a kink: also correct
                loss += margin / num_train
                dW[:, j] += X[i] / num_train
                dW[:, y[i]] -= X[i] / num_train
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    n, c = X.shape[0], W.shape[1]
    onehot = np.eye(c)[y]
    scores = X @ W
    correct = np.sum(scores * onehot, axis=1, keepdims=True)
    margins = (scores - correct + 1) * (1 - onehot)
    active = (margins >= 0) & (onehot == 0)
    loss = np.sum(np.clip(margins, 0, None)) / n + reg * np.einsum("ij,ij->", W, W)
    coeff = active - onehot * active.sum(axis=1, keepdims=True)
    return loss, np.einsum("nd,nc->dc", X, coeff) / n + 2 * reg * W


def softmax_loss_naive(W, X, y, reg):
    n = X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W, dtype=float)
    for i in range(n):
        scores = np.array([X[i] @ W[:, k] for k in range(W.shape[1])])
        top = scores.max()
        log_probs = scores - (top + np.log(np.sum(np.exp(scores - top))))
        loss -= log_probs[y[i]]
        for k in range(W.shape[1]):
            target = 1.0 if k == y[i] else 0.0
            dW[:, k] += X[i] * (np.exp(log_probs[k]) - target)
    return loss / n + reg * np.sum(W * W), dW / n + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    top = scores.max(axis=1, keepdims=True)
    log_probs = scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    onehot = np.eye(W.shape[1])[y]
    loss = -np.sum(log_probs * onehot) / n + reg * np.sum(W * W)
    return loss, X.T @ (np.exp(log_probs) - onehot) / n + 2 * reg * W


class LinearClassifier:
    def __init__(self, loss_fn):
        self.loss_fn = loss_fn
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200,
              seed=None):
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = rng.normal(0.0, 0.001, (X.shape[1], int(y.max()) + 1))
        history, order = [], np.array([], dtype=int)
        for _ in range(num_iters):
            if len(order) < batch_size:
                order = np.concatenate([order, rng.permutation(len(X))])
            idx, order = order[:batch_size], order[batch_size:]
            loss, grad = self.loss_fn(self.W, X[idx], y[idx], reg)
            history.append(loss)
            self.W = self.W - learning_rate * grad
        return history

    def predict(self, X):
        return np.array([int(np.argmax(row @ self.W)) for row in X], dtype=np.int64)


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        x[ix] += h
        fxph = f(x)
        x[ix] -= 2 * h
        fxmh = f(x)
        x[ix] += h  # back, up to round-off
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def grad_check_sparse(f, x, analytic_grad, num_checks=10, seed=0):
    # Another drawing of distinct entries: the first num_checks of a random permutation.
    rng = np.random.default_rng(seed)
    chosen = rng.permutation(x.size)[:num_checks]
    out = []
    for flat in chosen:
        ix = np.unravel_index(flat, x.shape)
        x[ix] += 1e-5
        fxph = f(x)
        x[ix] -= 2e-5
        fxmh = f(x)
        x[ix] += 1e-5
        num = (fxph - fxmh) / 2e-5
        ana = analytic_grad[ix]
        out.append(abs(num - ana) / max(1e-8, abs(num) + abs(ana)))
    return np.array(out)
