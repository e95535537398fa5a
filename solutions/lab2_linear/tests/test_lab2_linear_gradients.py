"""Lab 2's reference losses, property-based: gradients against centred differences (with
course_utils.gradcheck), naive against vectorised, and the softmax's stability and shift
invariance, over random shapes, labels and regularisation strengths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace
from course_utils.gradcheck import numerical_gradient_array, rel_error

LOSSES = ("svm", "softmax")


@pytest.fixture(scope="module")
def ref():
    return solution_namespace("lab2_linear")


problems = st.fixed_dictionaries({
    "n": st.integers(1, 8), "d": st.integers(1, 6), "c": st.integers(2, 6),
    "reg": st.sampled_from([0.0, 1e-3, 0.1, 2.0]), "seed": st.integers(0, 2**32 - 1),
})


def _problem(p):
    rng = np.random.default_rng(p["seed"])
    X = rng.standard_normal((p["n"], p["d"]))
    W = rng.standard_normal((p["d"], p["c"]))
    return W, X, rng.integers(0, p["c"], p["n"]), p["reg"]


def _far_from_kinks(W, X, y, h=1e-5) -> bool:
    """True when no hinge margin is within reach of a finite-difference step."""
    scores = X @ W
    margins = scores - scores[np.arange(len(y)), y][:, None] + 1
    margins[np.arange(len(y)), y] = np.inf
    return np.abs(margins).min() > 100 * h * (1 + np.abs(X).max())


@pytest.mark.parametrize("kind", LOSSES)
@settings(max_examples=40, deadline=None)
@given(p=problems)
def test_gradient_matches_centred_differences(ref, kind, p):
    W, X, y, reg = _problem(p)
    if kind == "svm" and not _far_from_kinks(W, X, y):
        return  # at a kink the hinge has no derivative to compare with
    for version in ("naive", "vectorized"):
        loss_fn = ref[f"{kind}_loss_{version}"]
        _, dW = loss_fn(W, X, y, reg)
        numeric = numerical_gradient_array(lambda w, f=loss_fn: f(w, X, y, reg)[0], W.copy(), 1.0)
        assert rel_error(dW, numeric) < 1e-6, (kind, version)


@pytest.mark.parametrize("kind", LOSSES)
@settings(max_examples=40, deadline=None)
@given(p=problems)
def test_naive_and_vectorized_agree(ref, kind, p):
    W, X, y, reg = _problem(p)
    loss_a, dW_a = ref[f"{kind}_loss_naive"](W, X, y, reg)
    loss_b, dW_b = ref[f"{kind}_loss_vectorized"](W, X, y, reg)
    assert np.isclose(loss_a, loss_b, rtol=1e-10, atol=1e-12)
    assert np.allclose(dW_a, dW_b, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(p=problems, shift=st.sampled_from([1e2, 1e4, -1e4, 1e6]))
def test_softmax_is_shift_invariant_and_stable(ref, p, shift):
    W, X, y, reg = _problem({**p, "reg": 0.0})
    X = np.hstack([X, np.ones((len(X), 1))])  # the bias row moves every score by `shift`
    W_shifted = np.vstack([W, np.full((1, W.shape[1]), shift)])
    W_plain = np.vstack([W, np.zeros((1, W.shape[1]))])
    for version in ("naive", "vectorized"):
        loss_fn = ref[f"softmax_loss_{version}"]
        with np.errstate(all="raise"):  # any overflow fails the test
            loss_s, dW_s = loss_fn(W_shifted, X, y, 0.0)
        loss_p, dW_p = loss_fn(W_plain, X, y, 0.0)
        tol = 1e-12 * abs(shift) * (1 + np.abs(X).max())
        assert abs(loss_s - loss_p) <= 1e-9 + tol
        assert np.allclose(dW_s, dW_p, atol=1e-9 + tol)


def test_lecture_numbers(ref):
    """The worked examples of the notebook: hinge 0.8 and 1.58, cross-entropy 1.0402, and the
    cat example (hinge 24, cross-entropy 23)."""
    one = np.array([[1.0]])
    svm, softmax = ref["svm_loss_vectorized"], ref["softmax_loss_vectorized"]
    assert np.isclose(svm(np.array([[1.3, -0.7, 1.1]]), one, np.array([0]), 0.0)[0], 0.8)
    assert np.isclose(svm(np.array([[-2.85, 0.86, 0.28]]), one, np.array([2]), 0.0)[0], 1.58)
    assert np.isclose(softmax(np.array([[-2.85, 0.86, 0.28]]), one, np.array([2]), 0.0)[0],
                      1.0402, atol=1e-4)
    cat = np.array([[188.97, 211.97, -84.12]])
    assert np.isclose(svm(cat, one, np.array([0]), 0.0)[0], 24.0)
    assert np.isclose(softmax(cat, one, np.array([0]), 0.0)[0], 23.0, atol=1e-9)
