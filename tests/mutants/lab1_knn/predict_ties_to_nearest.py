"""Majority vote whose ties go to the label seen first, i.e. the nearest neighbour's."""

from collections import Counter

import numpy as np

BREAKS = "test_predict_labels"


def predict_labels(dists, y_train, k=1):
    y_pred = np.zeros(dists.shape[0], dtype=np.int64)
    for i in range(dists.shape[0]):
        nearest = y_train[np.argsort(dists[i])[:k]]
        y_pred[i] = Counter(nearest.tolist()).most_common(1)[0][0]
    return y_pred
