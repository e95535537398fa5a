"""Two loops that return squared distances (the square root is missing)."""

import numpy as np

BREAKS = "test_distances_two_loops"


def compute_distances_two_loops(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for i in range(X.shape[0]):
        for j in range(X_train.shape[0]):
            dists[i, j] = np.sum((X[i] - X_train[j]) ** 2)
    return dists
