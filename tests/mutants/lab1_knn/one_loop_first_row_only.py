"""One loop that always uses the first test point (X[0] instead of X[i])."""

import numpy as np

BREAKS = "test_distances_one_loop"


def compute_distances_one_loop(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for i in range(X.shape[0]):
        dists[i] = np.sqrt(np.sum((X_train - X[0]) ** 2, axis=1))
    return dists
