"""No-loop distances that take the square root without clipping at 0: round-off makes the
squared distance of a point to itself slightly negative for non-integer values, and the
square root of a negative number is NaN."""

import numpy as np

BREAKS = "test_distances_no_loops"


def compute_distances_no_loops(X, X_train):
    sq = (X**2).sum(axis=1)[:, None] + (X_train**2).sum(axis=1)[None, :] - 2 * X @ X_train.T
    return np.sqrt(sq)
