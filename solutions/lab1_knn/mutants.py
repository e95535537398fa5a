"""Lab 1's typical mistakes, as edits of the solution (see :mod:`autograder.mutants`)."""

from autograder.mutants import Edit, mutant

TWO, ONE, NONE = (f"compute_distances_{v}" for v in ("two_loops", "one_loop", "no_loops"))
CV, PREDICT = "cross_validate_k", "predict_labels"
VOTE = "votes = np.bincount(y_train[nearest])\n        y_pred[i] = np.argmax(votes)"

MUTANTS = (
    # compute_distances_two_loops
    mutant("two_loops_missing_sqrt", "test_distances_two_loops",
           "Two loops that return squared distances (the square root is missing).",
           Edit(TWO, "np.sqrt(np.sum(diff * diff))", "np.sum(diff * diff)")),
    mutant("two_loops_l1", "test_distances_two_loops",
           "Two loops computing the L1 (Manhattan) distance instead of L2.",
           Edit(TWO, "np.sqrt(np.sum(diff * diff))", "np.sum(np.abs(diff))")),
    mutant("two_loops_transposed", "test_distances_two_loops",
           "Two loops that fill a (num_train, num_test) matrix: rows and columns swapped.",
           Edit(TWO, "np.zeros((num_test, num_train))", "np.zeros((num_train, num_test))"),
           Edit(TWO, "dists[i, j] = np.sqrt", "dists[j, i] = np.sqrt")),
    # compute_distances_one_loop
    mutant("one_loop_missing_sqrt", "test_distances_one_loop",
           "One loop that returns squared distances.",
           Edit(ONE, "np.sqrt(np.sum((X_train - X[i]) ** 2, axis=1))",
                "np.sum((X_train - X[i]) ** 2, axis=1)")),
    mutant("one_loop_first_row_only", "test_distances_one_loop",
           "One loop that always uses the first test point (X[0] instead of X[i]).",
           Edit(ONE, "(X_train - X[i])", "(X_train - X[0])")),
    mutant("one_loop_wrong_axis", "test_distances_one_loop",
           "One loop that sums the squared differences over axis 0 (training points) not 1.",
           Edit(ONE, "dists[i] = np.sqrt(np.sum((X_train - X[i]) ** 2, axis=1))",
                "row = np.sqrt(np.sum((X_train - X[i]) ** 2, axis=0))\n"
                "        dists[i, : row.size] = row[:num_train]")),
    # compute_distances_no_loops
    mutant("no_loops_broadcast_3d", "test_distances_no_loops",
           "No Python loops, but broadcasting builds a (num_test, num_train, D) array.",
           Edit(NONE, "sq_dists = test_sq + train_sq - 2.0 * (X @ X_train.T)",
                "sq_dists = np.sum((X[:, np.newaxis, :] - X_train[np.newaxis]) ** 2, axis=2)")),
    mutant("no_loops_no_clip", "test_distances_no_loops",
           "No-loop distances that take the square root without clipping at 0: round-off "
           "makes the squared distance of a point to itself slightly negative for non-integer "
           "values, and the square root of a negative number is NaN.",
           Edit(NONE, "np.sqrt(np.maximum(sq_dists, 0.0))", "np.sqrt(sq_dists)")),
    mutant("no_loops_norms_wrong_axis", "test_distances_no_loops",
           "The expansion with the test norms as a row and the training norms as a column.",
           Edit(NONE, "np.sum(X * X, axis=1)[:, np.newaxis]", "np.sum(X * X, axis=1)"),
           Edit(NONE, "np.sum(X_train * X_train, axis=1)[np.newaxis, :]",
                "np.sum(X_train * X_train, axis=1)[:, np.newaxis]")),
    mutant("no_loops_plus_sign", "test_distances_no_loops",
           "The expansion with +2 a.b instead of -2 a.b.",
           Edit(NONE, "train_sq - 2.0 * (X @ X_train.T)", "train_sq + 2.0 * (X @ X_train.T)")),
    # predict_labels
    mutant("predict_farthest", "test_predict_labels",
           "Sorts distances in descending order, so the k farthest points vote.",
           Edit(PREDICT, "np.argsort(dists[i], ", "np.argsort(-dists[i], ")),
    mutant("predict_k_plus_one", "test_predict_labels",
           "Off by one: k + 1 neighbours vote.",
           Edit(PREDICT, '[:k]', '[: k + 1]')),
    mutant("predict_ties_to_largest", "test_predict_labels",
           "Majority vote whose ties go to the largest label.",
           Edit(PREDICT, "np.argmax(votes)", "len(votes) - 1 - np.argmax(votes[::-1])")),
    mutant("predict_ties_to_nearest", "test_predict_labels",
           "Majority vote whose ties go to the label seen first, i.e. the nearest neighbour's.",
           Edit(PREDICT, VOTE,
                "from collections import Counter\n\n"
                "        y_pred[i] = Counter(y_train[nearest].tolist()).most_common(1)[0][0]")),
    mutant("predict_ties_by_set_order", "test_predict_labels",
           "Majority vote whose ties go to the first winner in a set's iteration order: for "
           "small integers that is by value modulo the set's table size, so 8 and 9 beat "
           "smaller labels.",
           Edit(PREDICT, VOTE,
                "closest = y_train[nearest].tolist()\n"
                "        top = max(closest.count(label) for label in closest)\n"
                "        y_pred[i] = [label for label in set(closest)\n"
                "                     if closest.count(label) == top][0]")),
    # cross_validate_k
    mutant("cv_drops_remainder", "test_cross_validate_k",
           "Folds of size num_train // num_folds: the left-over examples are never used.",
           Edit(CV, "folds = np.array_split(np.arange(X_train.shape[0]), num_folds)",
                "size = X_train.shape[0] // num_folds\n"
                "    folds = [np.arange(f * size, (f + 1) * size) for f in range(num_folds)]")),
    mutant("cv_mean_not_list", "test_cross_validate_k",
           "Returns the mean accuracy per k instead of the list of fold accuracies.",
           Edit(CV, "    return k_to_accuracies",
                "    return {k: float(np.mean(v)) for k, v in k_to_accuracies.items()}")),
    mutant("cv_off_by_one_fold", "test_cross_validate_k",
           "Cross-validation that stops one fold early (leaves out the last fold).",
           Edit(CV, "for f, val_idx in enumerate(folds):",
                "for f, val_idx in enumerate(folds[:-1]):")),
    mutant("cv_validates_on_training", "test_cross_validate_k",
           "Cross-validation whose training folds include the validation fold (leakage).",
           Edit(CV, "for g, fold in enumerate(folds) if g != f", "for fold in folds")),
)
