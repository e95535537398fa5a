"""Hidden checks for knn.ipynb: distances, voting, cross-validation."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, first_mismatch, question_eps, shape_problem

from .answers import vote_explanation


def _points(rng, n, d, dtype=np.float64, scale=10.0):
    return (rng.standard_normal((n, d)) * scale).astype(dtype)


def distance_cases():
    rng = np.random.default_rng(1)
    yield Case((_points(rng, 4, 3), _points(rng, 6, 3)), hint="4 test and 6 training points in 3-D")
    yield Case((_points(rng, 1, 5), _points(rng, 1, 5)), hint="a single test and training point",
               group="edge")
    yield Case(
        (_points(rng, 7, 20, np.float32), _points(rng, 3, 20, np.float32)),
        hint="float32 input",
    )
    pixels = rng.integers(0, 256, size=(30, 48)).astype(np.float64)
    yield Case(
        (pixels[:9], pixels[5:]),
        hint="pixel values 0-255 where some test points are also training points (distance 0)",
        group="edge",
    )
    yield Case((_points(rng, 12, 1), _points(rng, 5, 1)), hint="1-D points")
    # Standardised pixels are not integers: the expansion ||a||^2 + ||b||^2 - 2 a.b of a point
    # with itself then rounds to a tiny negative number for several of the 15 shared points.
    raw = np.random.default_rng(3).integers(0, 256, size=(40, 100)).astype(np.float64)
    standard = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    yield Case(
        (standard[:20], standard[5:]),
        hint="standardised pixel values (mean 0, standard deviation 1, not integers) where 15 "
             "test points are also training points (distance 0)",
        group="edge",
    )


def no_loop_cases():
    yield from distance_cases()
    rng = np.random.default_rng(2)
    X, X_train = _points(rng, 100, 500), _points(rng, 200, 500)
    budget = 10 * (X.nbytes + X_train.nbytes + 100 * 200 * 8)
    yield Case(
        (X, X_train),
        hint="100 test and 200 training points in 500-D",
        max_bytes=budget,
        memory_hint=(
            "That is the size of a (num_test, num_train, D) array: broadcasting X[:, None] - "
            "X_train[None] builds one. Expand ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b instead, "
            "so the only big operation is one matrix product."
        ),
    )


def compare_distances(expected, got, case: Case) -> str | None:
    got, problem = as_array(got, "your function")
    if problem:
        return problem
    problem = shape_problem(expected, got, " (num_test, num_train)")
    if problem:
        return problem
    if np.isnan(got).any():
        return (
            "the result contains NaN. Round-off can make a squared distance slightly negative "
            "(for identical points); clip it at 0 with np.maximum(..., 0) before the square root"
        )
    X, X_train = case.args
    # The expansion loses about eps * (||a||^2 + ||b||^2) in each squared distance; after the
    # square root that is at most its square root, so allow that (and any loop order).
    test_sq = (X.astype(np.float64) ** 2).sum(1)[:, None]
    sq_norms = test_sq + (X_train.astype(np.float64) ** 2).sum(1)
    atol = np.sqrt(64 * question_eps(X, X_train, expected) * sq_norms)
    close = np.abs(got - expected) <= atol + 1e-5 * np.abs(expected)
    if close.all():
        return None
    if np.allclose(got, expected**2, rtol=1e-4):
        return "these are squared distances: take the square root of the sum of squares"
    l1 = np.abs(X[:, None, :].astype(np.float64) - X_train[None]).sum(-1)
    if np.allclose(got, l1, rtol=1e-4):
        return "these are L1 distances (sum of absolute differences); use the L2 distance"
    return first_mismatch(expected, got, close)


def predict_cases():
    rng = np.random.default_rng(3)
    dists = rng.random((5, 8))
    yield Case((dists, rng.integers(0, 3, 8)), {"k": 1}, hint="k=1: the label of the nearest point")
    yield Case((dists, rng.integers(0, 4, 8)), {"k": 3}, hint="k=3 majority vote")
    # Two nearest have labels 5 and 2: a tie, which goes to the smaller label (2).
    tie = np.array([[0.1, 0.2, 0.9, 0.8], [0.3, 0.1, 0.7, 0.9]])
    yield Case((tie, np.array([5, 2, 2, 5])), {"k": 2}, hint="k=2 with a 1-1 tie in the vote",
               group="edge")
    three_way = np.array([[0.5, 0.1, 0.3, 0.9, 0.95]])
    yield Case(
        (three_way, np.array([7, 4, 1, 1, 1])), {"k": 3},
        hint="k=3 with a three-way tie between labels 7, 4 and 1", group="edge",
    )
    yield Case((rng.random((6, 4)), rng.integers(0, 3, 4)), {"k": 4}, hint="k equal to num_train")
    # Labels 8 and 9 come first when a Python set of small labels is iterated, so ties among
    # them and smaller labels catch a vote that takes the first winner of a set.
    high = np.array([[0.1, 0.2, 0.6, 0.7, 0.9], [0.5, 0.4, 0.3, 0.2, 0.1]])
    yield Case((high, np.array([8, 2, 8, 2, 5])), {"k": 2},
               hint="k=2 with a tie between labels 8 and 2", group="edge")
    yield Case((high, np.array([9, 3, 9, 3, 1])), {"k": 4},
               hint="k=4 with a tie between labels 9 and 3", group="edge")
    yield Case((rng.random((3, 10)), rng.integers(0, 10, 10)), hint="default k (1)")
    yield Case(
        (rng.random((4, 12)).astype(np.float32), rng.integers(0, 5, 12)), {"k": 5},
        hint="float32 distances, k=5",
    )


def compare_labels(expected, got, case: Case) -> str | None:
    got, problem = as_array(got, "predict_labels")
    if problem:
        return problem
    if got.shape != expected.shape:
        return f"the shape is {got.shape} but should be {expected.shape} (one label per test point)"
    if not np.array_equal(got, expected):
        i = int(np.flatnonzero(got != expected)[0])
        dists, y_train = case.args
        why = vote_explanation(dists[i], y_train, case.kwargs.get("k", 1))
        return f"test point {i}: expected label {expected[i]}, got {got[i]}: {why}"
    return None


def cross_validation_cases():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((25, 6)), rng.integers(0, 3, 25)
    yield Case((X, y, [1, 3, 5]), hint="25 examples in 5 folds")
    yield Case((X[:23], y[:23], [1, 2]), {"num_folds": 5}, hint="23 examples: unequal folds")
    yield Case((X, y, [1, 4]), {"num_folds": 3}, hint="3 folds")


def compare_cross_validation(expected: dict, got, case: Case) -> str | None:
    if not isinstance(got, dict):
        kind = type(got).__name__
        return f"cross_validate_k should return a dict k -> list of accuracies, got {kind}"
    if sorted(got) != sorted(expected):
        return f"the keys should be the k choices {sorted(expected)}, got {sorted(got)}"
    for k, folds in expected.items():
        mine = np.asarray(got[k], dtype=float).ravel()
        if mine.size != len(folds):
            return f"k={k}: expected {len(folds)} fold accuracies (one per fold), got {mine.size}"
        if not np.allclose(mine, folds, atol=1e-9):
            return (
                f"k={k}: fold accuracies {np.round(mine, 3).tolist()} should be "
                f"{np.round(folds, 3).tolist()}. Each fold in turn is the validation set, in "
                "order, from np.array_split; train on all the other folds"
            )
    return None


# Edge cases (a single point, duplicates, ties) earn half of a test's points.
_EDGE = {"main": 0.5, "edge": 0.5}
_TWO, _ONE, _NONE = (f"compute_distances_{v}" for v in ("two_loops", "one_loop", "no_loops"))

CHECKS = {
    "test_distances_two_loops": Check(_TWO, distance_cases, compare_distances, groups=_EDGE),
    "test_distances_one_loop": Check(_ONE, distance_cases, compare_distances, groups=_EDGE),
    "test_distances_no_loops": Check(_NONE, no_loop_cases, compare_distances, groups=_EDGE),
    "test_predict_labels": Check("predict_labels", predict_cases, compare_labels,
                                 groups=_EDGE),
    "test_cross_validate_k": Check(
        "cross_validate_k", cross_validation_cases, compare_cross_validation,
        use_reference_for=(_TWO, _ONE, _NONE, "predict_labels"),
    ),
}
