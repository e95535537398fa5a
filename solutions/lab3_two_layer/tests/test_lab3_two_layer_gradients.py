"""Property-based checks of Lab 3's reference solution: for any small shapes, activation and
regularisation, the analytic gradients of ``TwoLayerNet.loss`` and ``svm_two_layer_loss``
match centred differences (course_utils.gradcheck), and the loss has the values the notebook
promises (log C for equal scores, the penalty on both weight matrices only)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace
from course_utils.gradcheck import numerical_gradient_array

LAB = "lab3_two_layer"
KEYS = ("W1", "b1", "W2", "b2")


@pytest.fixture(scope="module")
def ref():
    return solution_namespace(LAB)


shapes = st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(1, 6), st.integers(2, 5))


def _problem(seed, n, d, h, c, scale=1.0):
    rng = np.random.default_rng(seed)
    params = {"W1": scale * rng.standard_normal((d, h)), "b1": 0.1 * rng.standard_normal(h),
              "W2": scale * rng.standard_normal((h, c)), "b2": 0.1 * rng.standard_normal(c)}
    return params, rng.standard_normal((n, d)), rng.integers(0, c, n)


def _kink_free(params, X, margin=1e-3):
    """True when no ReLU input sits within ``margin`` of 0 (where the gradient jumps)."""
    return np.abs(X @ params["W1"] + params["b1"]).min() > margin


@settings(max_examples=40, deadline=None)
@given(shapes, st.sampled_from(["relu", "sigmoid", "tanh"]), st.sampled_from([0.0, 0.1, 1.0]),
       st.integers(0, 10**6))
def test_softmax_gradients_match_centred_differences(ref, shape, activation, reg, seed):
    n, d, h, c = shape
    params, X, y = _problem(seed, n, d, h, c)
    if activation == "relu" and not _kink_free(params, X):
        return
    net = ref["TwoLayerNet"](d, h, c, activation=activation)
    net.params = params
    _, grads = net.loss(X, y, reg=reg)
    for key in KEYS:
        numeric = numerical_gradient_array(lambda _: net.loss(X, y, reg=reg)[0], params[key], 1.0)
        assert grads[key].shape == params[key].shape
        # Relative to the largest entry: tiny entries carry the differences' round-off.
        assert np.abs(grads[key] - numeric).max() < 1e-6 * max(1e-3, np.abs(numeric).max()), (
            key, activation)


@settings(max_examples=40, deadline=None)
@given(shapes, st.sampled_from([0.0, 0.1]), st.integers(0, 10**6))
def test_svm_gradients_match_centred_differences(ref, shape, reg, seed):
    n, d, h, c = shape
    params, X, y = _problem(seed, n, d, h, c)
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    margins = scores - scores[np.arange(n), y][:, None] + 1
    margins[np.arange(n), y] = 10.0  # the correct class is never a kink
    if not _kink_free(params, X) or np.abs(margins).min() < 1e-3:
        return
    _, grads = ref["svm_two_layer_loss"](params, X, y, reg)
    for key in KEYS:
        numeric = numerical_gradient_array(
            lambda _: ref["svm_two_layer_loss"](params, X, y, reg)[0], params[key], 1.0)
        # Absolute: a piecewise-linear loss has exact zeros where round-off leaves 1e-11.
        assert np.abs(grads[key] - numeric).max() < 1e-7 * max(1.0, np.abs(numeric).max()), key


@given(shapes, st.floats(0.0, 2.0), st.integers(0, 10**6))
def test_equal_scores_give_log_c_plus_the_penalty_on_the_weights_only(ref, shape, reg, seed):
    n, d, h, c = shape
    params, X, y = _problem(seed, n, d, h, c)
    params["W2"][:] = 0.0  # every score equals b2, set equal below
    params["b2"][:] = 0.7
    net = ref["TwoLayerNet"](d, h, c)
    net.params = params
    loss, grads = net.loss(X, y, reg=reg)
    assert np.isclose(loss, np.log(c) + reg * np.sum(params["W1"] ** 2))
    assert np.allclose(grads["b2"], np.bincount(y, minlength=c) / -n + 1 / c)


@given(shapes, st.integers(0, 10**6))
def test_predict_is_the_argmax_of_the_scores(ref, shape, seed):
    n, d, h, c = shape
    params, X, _ = _problem(seed, n, d, h, c)
    net = ref["TwoLayerNet"](d, h, c, activation="tanh")
    net.params = params
    assert np.array_equal(net.predict(X), net.loss(X).argmax(axis=1))


def test_large_scores_do_not_overflow(ref):
    params, X, y = _problem(0, 5, 4, 3, 3, scale=500.0)
    net = ref["TwoLayerNet"](4, 3, 3)
    net.params = params
    with np.errstate(over="raise", invalid="raise"):
        loss, grads = net.loss(X, y, reg=0.0)
    assert np.isfinite(loss) and all(np.isfinite(g).all() for g in grads.values())
