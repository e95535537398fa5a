"""Correct, but computes in float32 (half the memory, about 7 significant digits)."""

import numpy as np


def perceptron_train(X, y, num_epochs=10):
    X_aug = np.hstack([X, np.ones((len(X), 1))]).astype(np.float32)
    w = np.zeros(X_aug.shape[1], dtype=np.float32)
    for _ in range(num_epochs):
        for x, target in zip(X_aug, y, strict=True):
            w += np.float32(target - float(x @ w > 0)) * x
    return w


def svm_loss_naive(W, X, y, reg):
    W, X = W.astype(np.float32), X.astype(np.float32)
    loss, dW = np.float32(0), np.zeros_like(W)
    for i in range(len(X)):
        scores = X[i] @ W
        for j in range(W.shape[1]):
            margin = scores[j] - scores[y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    n = np.float32(len(X))
    return loss / n + np.float32(reg) * np.sum(W * W), dW / n + np.float32(2 * reg) * W


def svm_loss_vectorized(W, X, y, reg):
    W, X = W.astype(np.float32), X.astype(np.float32)
    n = len(X)
    scores = X @ W
    margins = np.maximum(np.float32(0), scores - scores[np.arange(n), y][:, None] + 1)
    margins[np.arange(n), y] = 0
    active = (margins > 0).astype(np.float32)
    active[np.arange(n), y] = -active.sum(axis=1)
    reg32 = np.float32(reg)
    return margins.sum() / n + reg32 * np.sum(W * W), X.T @ active / n + 2 * reg32 * W


def softmax_loss_naive(W, X, y, reg):
    W, X = W.astype(np.float32), X.astype(np.float32)
    loss, dW = np.float32(0), np.zeros_like(W)
    for i in range(len(X)):
        scores = X[i] @ W
        scores -= scores.max()
        probs = np.exp(scores) / np.exp(scores).sum()
        loss -= np.log(probs[y[i]])
        probs[y[i]] -= 1
        dW += np.outer(X[i], probs)
    n = np.float32(len(X))
    return loss / n + np.float32(reg) * np.sum(W * W), dW / n + np.float32(2 * reg) * W


def softmax_loss_vectorized(W, X, y, reg):
    W, X = W.astype(np.float32), X.astype(np.float32)
    n = len(X)
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean()
    probs[np.arange(n), y] -= 1
    reg32 = np.float32(reg)
    return loss + reg32 * np.sum(W * W), X.T @ probs / n + 2 * reg32 * W


class LinearClassifier:
    def __init__(self, loss_fn):
        self.loss_fn = loss_fn
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200,
              seed=None):
        X = X.astype(np.float32)
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = (0.001 * rng.standard_normal((X.shape[1], y.max() + 1))).astype(np.float32)
        history = []
        for _ in range(num_iters):
            idx = rng.integers(0, len(X), batch_size)
            loss, grad = self.loss_fn(self.W, X[idx], y[idx], reg)
            history.append(float(loss))
            self.W = (self.W - learning_rate * grad).astype(np.float32)
        return history

    def predict(self, X):
        return (X.astype(np.float32) @ self.W).argmax(axis=1)


def numerical_gradient(f, x, h=1e-5):
    # The differences of f are taken in float64 (float32 would lose most digits of a
    # difference over a step of 1e-5); only the gradient is stored in float32.
    grad = np.zeros(x.shape, dtype=np.float32)
    for i in range(x.size):
        index = np.unravel_index(i, x.shape)
        saved = float(x[index])
        x[index] = saved + h
        upper = f(x)
        x[index] = saved - h
        lower = f(x)
        x[index] = saved
        grad[index] = np.float32((upper - lower) / (2 * h))
    return grad


def grad_check_sparse(f, x, analytic_grad, num_checks=10, seed=0):
    h = 1e-5
    picks = np.random.default_rng(seed).choice(x.size, size=num_checks, replace=False)
    errors = np.zeros(num_checks, dtype=np.float32)
    for k, flat in enumerate(picks):
        index = np.unravel_index(flat, x.shape)
        saved = float(x[index])
        x[index] = saved + h
        upper = f(x)
        x[index] = saved - h
        lower = f(x)
        x[index] = saved
        n, a = (upper - lower) / (2 * h), float(analytic_grad[index])
        errors[k] = abs(n - a) / max(abs(n) + abs(a), 1e-8)
    return errors
