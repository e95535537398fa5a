"""One loop that sums the squared differences over axis 0 (training points) not axis 1."""

import numpy as np

BREAKS = "test_distances_one_loop"


def compute_distances_one_loop(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for i in range(X.shape[0]):
        row = np.sqrt(np.sum((X_train - X[i]) ** 2, axis=0))
        dists[i, : row.size] = row[: X_train.shape[0]]
    return dists
