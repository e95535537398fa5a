"""One loop that returns squared distances."""

import numpy as np

BREAKS = "test_distances_one_loop"


def compute_distances_one_loop(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for i in range(X.shape[0]):
        dists[i] = np.sum((X_train - X[i]) ** 2, axis=1)
    return dists
