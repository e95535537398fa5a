"""Sorts distances in descending order, so the k farthest points vote."""

import numpy as np

BREAKS = "test_predict_labels"


def predict_labels(dists, y_train, k=1):
    y_pred = np.zeros(dists.shape[0], dtype=np.int64)
    for i in range(dists.shape[0]):
        y_pred[i] = np.argmax(np.bincount(y_train[np.argsort(-dists[i])[:k]]))
    return y_pred
