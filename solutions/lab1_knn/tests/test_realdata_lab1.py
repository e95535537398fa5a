"""Lab results on the real data sets in ../shared/data (skipped, with the reason, without it).

The default test run checks a small slice so CI exercises the path; ``make test-real``
(NNLABS_REAL_SCALE=full) checks the lab's full setting against the published numbers:
CIFAR-10 with 5,000 train / 500 test images, 1-NN about 27%, the cross-validated k about 28%.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from autograder.reference import solution_namespace
from course_utils.data import flatten, load_cifar10, load_mnist, subsample

pytestmark = pytest.mark.realdata
FULL = os.environ.get("NNLABS_REAL_SCALE") == "full"


@pytest.fixture(scope="module")
def knn():
    return solution_namespace("lab1_knn")


def _knn_accuracy(knn, X_train, y_train, X_test, y_test, k):
    dists = knn["compute_distances_no_loops"](X_test, X_train)
    return float(np.mean(knn["predict_labels"](dists, y_train, k=k) == y_test))


def test_lab1_cifar10_accuracy_matches_published_numbers(knn, cifar10_official_dir):
    data = load_cifar10(cifar10_official_dir)
    assert data.X_train.shape == (50000, 32, 32, 3)
    num_train, num_test = (5000, 500) if FULL else (1000, 100)
    X_train, y_train = subsample(data.X_train, data.y_train, num_train)
    X_test, y_test = subsample(data.X_test, data.y_test, num_test)
    X_train, X_test = flatten(X_train), flatten(X_test)
    one_nn = _knn_accuracy(knn, X_train, y_train, X_test, y_test, k=1)
    folds = knn["cross_validate_k"](X_train, y_train, [1, 3, 5, 8, 10, 12, 15, 20, 50, 100])
    best_k = max(folds, key=lambda k: np.mean(folds[k]))
    best = _knn_accuracy(knn, X_train, y_train, X_test, y_test, k=best_k)
    print(f"\nCIFAR-10 {num_train}/{num_test}: 1-NN {one_nn:.1%}, best k={best_k}: {best:.1%}")
    if FULL:
        assert 0.25 <= one_nn <= 0.29  # published about 27%; measured here 26.8%
        assert 0.26 <= best <= 0.31  # published about 28%; measured here 28.0% (k=10)
    else:
        assert one_nn >= 0.15  # well above the 10% of guessing even on a small slice


def test_lab1_mnist_accuracy(knn, shared_data):
    data = load_mnist(shared_data / "mnist")
    assert data.X_train.shape == (60000, 28, 28)
    num_train, num_test = (5000, 500) if FULL else (1000, 100)
    X_train, y_train = subsample(data.X_train, data.y_train, num_train)
    X_test, y_test = subsample(data.X_test, data.y_test, num_test)
    accuracy = _knn_accuracy(knn, flatten(X_train), y_train, flatten(X_test), y_test, k=1)
    print(f"\nMNIST {num_train}/{num_test}: 1-NN {accuracy:.1%}")
    assert accuracy >= (0.88 if FULL else 0.75)  # measured 90.6% at 5,000/500
