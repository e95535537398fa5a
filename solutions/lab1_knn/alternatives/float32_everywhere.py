"""Correct, but computes in float32 (half the memory, less precision)."""

import numpy as np


def compute_distances_two_loops(X, X_train):
    X, X_train = X.astype(np.float32), X_train.astype(np.float32)
    dists = np.zeros((len(X), len(X_train)), dtype=np.float32)
    for i in range(len(X)):
        for j in range(len(X_train)):
            dists[i, j] = np.sqrt(np.dot(X[i] - X_train[j], X[i] - X_train[j]))
    return dists


def compute_distances_one_loop(X, X_train):
    X, X_train = X.astype(np.float32), X_train.astype(np.float32)
    dists = np.zeros((len(X), len(X_train)), dtype=np.float32)
    for i in range(len(X)):
        dists[i] = np.sqrt(((X_train - X[i]) ** 2).sum(axis=1))
    return dists


def compute_distances_no_loops(X, X_train):
    X, X_train = X.astype(np.float32), X_train.astype(np.float32)
    sq = (X**2).sum(1, keepdims=True) + (X_train**2).sum(1) - 2 * X.dot(X_train.T)
    return np.sqrt(np.maximum(sq, 0))
