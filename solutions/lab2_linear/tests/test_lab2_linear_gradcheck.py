"""Lab 2's reference gradient checking, property-based: ``numerical_gradient`` agrees with the
analytic gradient of random smooth functions of arrays of random shapes, restores its input
bitwise and calls f twice per entry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace


@pytest.fixture(scope="module")
def ref():
    return solution_namespace("lab2_linear")


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


@settings(max_examples=60, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), h=st.sampled_from([1e-6, 1e-5, 1e-4]))
def test_numerical_gradient_matches_the_analytic_gradient(ref, shape, seed, h):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal(shape), rng.standard_normal(shape)
    x = rng.uniform(-2, 2, shape)
    before = x.copy()
    calls = []

    def f(z):  # sum(A sin z + B z**2): smooth, entries independent
        calls.append(1)
        return float(np.sum(A * np.sin(z) + B * z**2))

    grad = ref["numerical_gradient"](f, x, h=h)
    assert grad.shape == x.shape
    assert np.array_equal(x, before), "x must be restored bitwise"
    assert len(calls) == 2 * x.size
    analytic = A * np.cos(before) + 2 * B * before
    # Truncation error h**2 |f'''| / 6 plus round-off eps |f| / h.
    assert np.allclose(grad, analytic, atol=1e-6 + 1e-12 / h * (1 + np.abs(f(before))))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6))
def test_numerical_gradient_of_a_coupled_function(ref, seed, n):
    """f(x) = log(sum(exp(x))) + (sum x)**2: every entry's derivative depends on all of x."""
    x = np.random.default_rng(seed).uniform(-3, 3, n)
    softmax = np.exp(x) / np.exp(x).sum()
    analytic = softmax + 2 * x.sum()
    grad = ref["numerical_gradient"](lambda z: np.log(np.exp(z).sum()) + z.sum() ** 2, x)
    assert np.allclose(grad, analytic, atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1), data=st.data())
def test_grad_check_sparse_reports_the_relative_error_at_distinct_entries(ref, shape, seed,
                                                                          data):
    """Against a gradient off by a known factor (1 + d_i) at each entry, the relative error is
    d_i / (2 + d_i); the entries are those the documented generator draws, x comes back."""
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal(shape), rng.uniform(-2, 2, shape)
    before = x.copy()
    exact = 2 * A * x + 1  # the gradient of sum(A x**2 + x)
    assume(np.all(np.abs(exact) > 1e-3))  # where it is ~0, round-off decides the relative error
    off = rng.uniform(0.01, 1.0, shape)
    num_checks = data.draw(st.integers(0, x.size))
    errors = ref["grad_check_sparse"](lambda z: float(np.sum(A * z**2 + z)), x,
                                      exact * (1 + off), num_checks=num_checks, seed=seed)
    assert np.array_equal(x, before)
    drawn = np.random.default_rng(seed).choice(x.size, size=num_checks, replace=False)
    expected = (off.ravel() / (2 + off.ravel()))[drawn]
    assert errors.shape == (num_checks,)
    assert np.allclose(errors, expected, atol=1e-6)
