"""Cross-validation that stops one fold early (range(num_folds - 1))."""

import numpy as np

BREAKS = "test_cross_validate_k"


def cross_validate_k(X_train, y_train, k_choices, num_folds=5):
    folds = np.array_split(np.arange(X_train.shape[0]), num_folds)
    result = {k: [] for k in k_choices}
    for f in range(num_folds - 1):
        train_idx = np.concatenate([folds[g] for g in range(num_folds) if g != f])
        dists = compute_distances_no_loops(X_train[folds[f]], X_train[train_idx])  # noqa: F821
        for k in k_choices:
            y_pred = predict_labels(dists, y_train[train_idx], k=k)  # noqa: F821
            result[k].append(float(np.mean(y_pred == y_train[folds[f]])))
    return result
