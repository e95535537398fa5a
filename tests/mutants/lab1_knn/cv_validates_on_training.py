"""Cross-validation whose training folds include the validation fold (leakage)."""

import numpy as np

BREAKS = "test_cross_validate_k"


def cross_validate_k(X_train, y_train, k_choices, num_folds=5):
    folds = np.array_split(np.arange(X_train.shape[0]), num_folds)
    result = {k: [] for k in k_choices}
    for val_idx in folds:
        dists = compute_distances_no_loops(X_train[val_idx], X_train)  # noqa: F821
        for k in k_choices:
            y_pred = predict_labels(dists, y_train, k=k)  # noqa: F821
            result[k].append(float(np.mean(y_pred == y_train[val_idx])))
    return result
