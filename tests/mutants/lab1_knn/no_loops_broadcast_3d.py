"""No Python loops, but broadcasting builds a (num_test, num_train, D) array."""

import numpy as np

BREAKS = "test_distances_no_loops"


def compute_distances_no_loops(X, X_train):
    return np.sqrt(np.sum((X[:, np.newaxis, :] - X_train[np.newaxis, :, :]) ** 2, axis=2))
