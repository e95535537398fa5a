"""Correct, written differently: loops over the training points, scipy-free cdist-style
no-loop code with the norms computed once, votes by sorting labels, folds as index lists."""

import numpy as np


def compute_distances_two_loops(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for i, x in enumerate(X):
        for j, t in enumerate(X_train):
            dists[i, j] = np.sqrt(sum((a - b) ** 2 for a, b in zip(x, t, strict=True)))
    return dists


def compute_distances_one_loop(X, X_train):
    dists = np.zeros((X.shape[0], X_train.shape[0]))
    for j in range(X_train.shape[0]):  # one loop over the training points instead
        dists[:, j] = np.sqrt(np.sum((X - X_train[j]) ** 2, axis=1))
    return dists


def compute_distances_no_loops(X, X_train):
    test_sq = np.square(X).sum(axis=1, keepdims=True)
    train_sq = np.square(X_train).sum(axis=1)
    sq = test_sq - 2.0 * np.dot(X, X_train.T)
    sq += train_sq  # in place: no second (num_test, num_train) temporary
    np.maximum(sq, 0.0, out=sq)
    return np.sqrt(sq, out=sq)


def predict_labels(dists, y_train, k=1):
    y_pred = np.empty(dists.shape[0], dtype=int)
    for i, row in enumerate(dists):
        nearest = np.sort(y_train[np.argsort(row, kind="stable")[:k]])
        labels, counts = np.unique(nearest, return_counts=True)  # labels come out sorted
        y_pred[i] = labels[np.argmax(counts)]  # the first maximum: the smallest label
    return y_pred


def cross_validate_k(X_train, y_train, k_choices, num_folds=5):
    folds = np.array_split(np.arange(len(X_train)), num_folds)
    results = {}
    for k in k_choices:
        accuracies = []
        for f, val in enumerate(folds):
            train = np.concatenate([idx for g, idx in enumerate(folds) if g != f])
            d = compute_distances_no_loops(X_train[val], X_train[train])
            accuracies.append(float(np.mean(predict_labels(d, y_train[train], k=k)
                                            == y_train[val])))
        results[k] = accuracies
    return results
