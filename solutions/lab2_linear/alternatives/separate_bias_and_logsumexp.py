"""Correct, written differently: the perceptron keeps its bias apart, the SVM loops over
classes first and vectorises with boolean masks, the softmax uses np.logaddexp.reduce, and
training draws the batch with rng.integers."""

import numpy as np


def perceptron_train(X, y, num_epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_epochs):
        for x, target in zip(X, y, strict=True):
            error = target - (1 if x @ w + b > 0 else 0)
            if error:
                w = w + error * x
                b = b + error
    return np.append(w, b)


def svm_loss_naive(W, X, y, reg):
    num_train, num_classes = X.shape[0], W.shape[1]
    loss, dW = 0.0, np.zeros_like(W, dtype=float)
    for j in range(num_classes):  # classes outside, examples inside
        for i in range(num_train):
            if j == y[i]:
                continue
            margin = X[i] @ W[:, j] - X[i] @ W[:, y[i]] + 1.0
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / num_train + reg * np.sum(W * W), dW / num_train + 2 * reg * W


def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.dot(W)
    correct = np.take_along_axis(scores, y[:, None], axis=1)
    margins = scores - correct + 1.0
    wrong = np.ones_like(margins, dtype=bool)
    wrong[np.arange(n), y] = False
    positive = (margins > 0) & wrong
    coeff = positive.astype(float)
    coeff[np.arange(n), y] = -positive.sum(axis=1)
    loss = margins[positive].sum() / n + reg * (W**2).sum()
    return loss, X.T.dot(coeff) / n + 2 * reg * W


def softmax_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros(W.shape)
    for i in range(X.shape[0]):
        scores = X[i] @ W
        log_norm = np.logaddexp.reduce(scores)  # stable log-sum-exp
        loss += log_norm - scores[y[i]]
        probs = np.exp(scores - log_norm)
        probs[y[i]] -= 1
        dW += np.outer(X[i], probs)
    n = X.shape[0]
    return loss / n + reg * np.sum(W**2), dW / n + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    log_norm = np.logaddexp.reduce(scores, axis=1, keepdims=True)
    log_probs = scores - log_norm
    loss = -np.take_along_axis(log_probs, y[:, None], axis=1).mean() + reg * np.sum(W**2)
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return loss, np.einsum("nd,nc->dc", X, dscores) / n + 2 * reg * W


class LinearClassifier:
    def __init__(self, loss_fn):
        self.loss_fn = loss_fn
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200,
              seed=None):
        num_train, dim = X.shape
        num_classes = int(np.max(y)) + 1
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((dim, num_classes))
        history = []
        for _ in range(num_iters):
            idx = rng.integers(0, num_train, size=batch_size)
            X_batch, y_batch = X[idx], y[idx]
            loss, grad = self.loss_fn(self.W, X_batch, y_batch, reg)
            self.W += -learning_rate * grad
            history.append(loss)
        return history

    def predict(self, X):
        scores = X.dot(self.W)
        return scores.argmax(axis=-1)


def numerical_gradient(f, x, h=1e-5):
    grad = np.empty(x.size)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] = old + h
        up, x_up = f(x), x.flat[i]
        x.flat[i] = old - h
        down, x_down = f(x), x.flat[i]
        x.flat[i] = old
        grad[i] = (up - down) / (x_up - x_down)  # the step actually taken
    return grad.reshape(x.shape)


def grad_check_sparse(f, x, analytic_grad, num_checks=10, seed=0):
    h = 1e-5
    flat_analytic = np.asarray(analytic_grad).ravel()
    chosen = np.random.default_rng(seed).choice(x.size, num_checks, replace=False)
    numeric = np.empty(num_checks)
    for k, i in enumerate(chosen):
        old = x.flat[i]
        x.flat[i] = old + h
        up = f(x)
        x.flat[i] = old - h
        down = f(x)
        x.flat[i] = old
        numeric[k] = (up - down) / (2 * h)
    analytic = flat_analytic[chosen]
    return np.abs(numeric - analytic) / np.maximum(np.abs(numeric) + np.abs(analytic), 1e-8)
