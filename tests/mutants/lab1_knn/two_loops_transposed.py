"""Two loops that fill a (num_train, num_test) matrix: rows and columns swapped."""

import numpy as np

BREAKS = "test_distances_two_loops"


def compute_distances_two_loops(X, X_train):
    dists = np.zeros((X_train.shape[0], X.shape[0]))
    for j in range(X_train.shape[0]):
        for i in range(X.shape[0]):
            dists[j, i] = np.sqrt(np.sum((X[i] - X_train[j]) ** 2))
    return dists
