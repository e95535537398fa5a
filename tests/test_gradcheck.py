"""Tests for course_utils.gradcheck.

Property-based tests draw shapes and values with hypothesis and compare numerical
gradients of functions whose gradients we know in closed form. Every "correct
gradient" property has a twin asserting that a wrong gradient is rejected, so the
tests cannot pass by comparing two things that are always close.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils.gradcheck import numerical_gradient_array, rel_error

settings.register_profile("gradcheck", max_examples=40, deadline=None)
settings.load_profile("gradcheck")


def scalar_gradient(f, x, **kwargs):
    """The gradient of a scalar f: numerical_gradient_array with the upstream gradient 1.
    (course_utils has no scalar version: Lab 2's students write and are graded on it.)"""
    return numerical_gradient_array(f, x, np.array(1.0), **kwargs)

# Values in [-3, 3] keep f small enough that float64 round-off in f, divided by
# 2h, stays around 1e-9 in absolute terms.
values = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def arrays(shape=shapes, elements=values, dtype=np.float64):
    return hnp.arrays(dtype, shape, elements=elements)


def assert_grad_close(numeric, analytic, tol=1e-6):
    """Relative error with a floor of 1e-2 instead of rel_error's 1e-8.

    Hypothesis happily picks points where a true gradient is ~1e-9 (e.g. cos(x)
    near pi/2). There the ~1e-10 absolute error of a centred difference is a large
    *relative* error although the gradient is right, so tiny gradients are compared
    absolutely instead.
    """
    numeric = np.asarray(numeric)
    analytic = np.asarray(analytic)
    assert numeric.shape == analytic.shape
    err = np.max(np.abs(numeric - analytic) / np.maximum(1e-2, np.abs(numeric) + np.abs(analytic)))
    assert err < tol, f"numerical and analytic gradients differ: error {err:.3e}"


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def products_of_others(x):
    """d prod(x) / d x_i = product of all the other entries (also right when x_i == 0)."""
    flat = x.ravel()
    out = np.array([np.prod(np.delete(flat, i)) for i in range(flat.size)])
    return out.reshape(x.shape)


# --------------------------------------------------------------------------- rel_error


class TestRelError:
    def test_known_value(self):
        assert rel_error(1.0, 3.0) == pytest.approx(0.5)
        assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 6.0])) == pytest.approx(0.5)

    def test_returns_python_float_for_scalars_and_arrays(self):
        assert type(rel_error(1.0, 2.0)) is float
        assert type(rel_error(np.ones((2, 2)), np.ones((2, 2)))) is float

    @given(st.data())
    def test_symmetric_bounded_and_zero_for_equal(self, data):
        shape = data.draw(shapes)
        a = data.draw(arrays(shape))
        b = data.draw(arrays(shape))
        assert rel_error(a, b) == rel_error(b, a)
        assert 0.0 <= rel_error(a, b) <= 1.0
        assert rel_error(a, a) == 0.0

    @given(
        arrays(elements=st.floats(0.5, 3.0)),
        st.floats(1e-3, 1e3),
        st.floats(1.01, 2.0),
    )
    def test_scale_invariant(self, a, scale, factor):
        # Values stay well above the 1e-8 floor, where scaling must not matter.
        b = a * factor
        assert rel_error(a * scale, b * scale) == pytest.approx(rel_error(a, b), rel=1e-9)
        assert rel_error(a, b) > 1e-3

    def test_floor_avoids_division_by_zero(self):
        assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
        assert rel_error(0.0, 1e-12) == pytest.approx(1e-4)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite_gives_inf_without_warnings(self, bad):
        a = np.array([1.0, bad])
        b = np.array([1.0, 2.0])
        with np.errstate(all="raise"):
            assert rel_error(a, b) == float("inf")
            assert rel_error(b, a) == float("inf")
        assert not rel_error(a, b) < 1e-7

    def test_empty_arrays(self):
        assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0

    def test_shape_mismatch_names_both_shapes(self):
        with pytest.raises(ValueError, match=r"\(3,\).*\(3, 1\)"):
            rel_error(np.zeros(3), np.zeros((3, 1)))


# ------------------------------------------------ the gradient of a scalar function


class TestNumericalGradient:
    @given(arrays())
    def test_sum_of_squares(self, x):
        num = scalar_gradient(lambda z: np.sum(z**2), x)
        assert num.shape == x.shape and num.dtype == np.float64
        assert_grad_close(num, 2 * x)

    @given(st.data())
    def test_weighted_sine(self, data):
        shape = data.draw(shapes)
        x = data.draw(arrays(shape))
        c = data.draw(arrays(shape))
        num = scalar_gradient(lambda z: np.sum(np.sin(z) * c), x)
        assert_grad_close(num, np.cos(x) * c)

    @given(st.data())
    def test_matrix_product(self, data):
        n, d, m = (data.draw(st.integers(1, 4)) for _ in range(3))
        X = data.draw(arrays((n, d)))
        W = data.draw(arrays((d, m)))
        G = data.draw(arrays((n, m)))
        num = scalar_gradient(lambda w: np.sum((X @ w) * G), W)
        assert_grad_close(num, X.T @ G)

    @given(arrays(elements=st.floats(-10.0, 10.0)))
    def test_softplus(self, x):
        num = scalar_gradient(lambda z: np.sum(softplus(z)), x)
        assert_grad_close(num, sigmoid(x))

    @given(arrays(shape=hnp.array_shapes(max_dims=2, max_side=3), elements=st.floats(-2.0, 2.0)))
    def test_product_of_elements(self, x):
        num = scalar_gradient(lambda z: np.prod(z), x)
        assert_grad_close(num, products_of_others(x))

    @given(arrays(elements=st.floats(0.5, 3.0)))
    def test_wrong_gradient_is_detected(self, x):
        # True gradient of sum(x**3) is 3x**2; 2x**2 is off by a factor of 1.5.
        num = scalar_gradient(lambda z: np.sum(z**3), x)
        assert rel_error(num, 2 * x**2) > 1e-2
        assert rel_error(num, 3 * x**2) < 1e-7

    def test_typical_lab_accuracy(self):
        rng = np.random.default_rng(0)
        W = rng.standard_normal((5, 3))
        X = rng.standard_normal((4, 5))
        num = scalar_gradient(lambda w: np.sum(np.tanh(X @ w)), W)
        analytic = X.T @ (1 - np.tanh(X @ W) ** 2)
        assert rel_error(num, analytic) < 1e-8

    def test_zero_dimensional_array(self):
        x = np.array(1.5)
        assert scalar_gradient(lambda z: z**2, x) == pytest.approx(3.0)

    @given(arrays(dtype=np.float32, elements=st.floats(-3.0, 3.0, width=32)))
    def test_float32_with_larger_step(self, x):
        num = scalar_gradient(lambda z: np.sum(z.astype(np.float64) ** 2), x, h=1e-3)
        assert_grad_close(num, 2 * x.astype(np.float64), tol=1e-4)

    def test_step_too_small_for_float32(self):
        x = np.array([1000.0], dtype=np.float32)
        with pytest.raises(ValueError, match="too small"):
            scalar_gradient(lambda z: np.sum(z), x, h=1e-6)
        assert x[0] == 1000.0


class TestRestoresInput:
    @given(arrays(elements=st.floats(allow_nan=True, allow_infinity=True, width=64)))
    def test_restored_bitwise(self, x):
        # Includes NaN, inf, -0.0, subnormals and values so large that h is lost to
        # rounding (which raises ValueError); x must come back identical regardless.
        before = x.tobytes()
        with np.errstate(all="ignore"):
            try:
                scalar_gradient(lambda z: np.sum(z), x)
            except ValueError as err:
                assert "too small" in str(err)
        assert x.tobytes() == before

    @given(arrays(dtype=np.float32, elements=st.floats(-3.0, 3.0, width=32)), st.data())
    def test_restored_bitwise_when_f_raises(self, x, data):
        fail_at = data.draw(st.integers(1, 2 * x.size))
        before = x.tobytes()
        calls = 0

        def f(z):
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise RuntimeError("boom")
            return np.sum(z)

        with pytest.raises(RuntimeError, match="boom"):
            scalar_gradient(f, x, h=1e-3)
        assert x.tobytes() == before

    def test_restored_when_array_f_raises(self):
        x = np.linspace(-1, 1, 6).reshape(2, 3)
        before = x.tobytes()

        def f(z):
            if z[1, 1] != x_copy[1, 1]:
                raise RuntimeError("boom")
            return z * 2

        x_copy = x.copy()
        with pytest.raises(RuntimeError):
            numerical_gradient_array(f, x, np.ones((2, 3)))
        assert x.tobytes() == before

    def test_f_that_modifies_x_is_reported_and_undone(self):
        x = np.array([-1.0, 2.0, -3.0])
        before = x.tobytes()

        def relu_in_place(z):
            z[z < 0] = 0
            return np.sum(z)

        with pytest.raises(ValueError, match="modified x in place"):
            scalar_gradient(relu_in_place, x)
        assert x.tobytes() == before


class TestBadInputs:
    def test_f_returning_array(self):
        with pytest.raises(ValueError, match=r"shape \(3,\) but dout has shape \(\)"):
            scalar_gradient(lambda z: z * 2, np.ones(3))

    def test_f_returning_non_number(self):
        with pytest.raises(ValueError, match="loss"):
            scalar_gradient(lambda z: "loss", np.ones(3))

    def test_size_one_array_is_not_a_scalar(self):
        with pytest.raises(ValueError, match=r"shape \(1,\)"):
            scalar_gradient(lambda z: np.sum(z, keepdims=True), np.ones(3))

    def test_integer_x(self):
        with pytest.raises(TypeError, match="floating-point"):
            scalar_gradient(lambda z: np.sum(z), np.arange(3))

    def test_list_x(self):
        with pytest.raises(TypeError, match="NumPy array"):
            scalar_gradient(lambda z: np.sum(z), [1.0, 2.0])

    @pytest.mark.parametrize("h", [0.0, -1e-5, np.nan])
    def test_bad_step(self, h):
        with pytest.raises(ValueError, match="h must be"):
            scalar_gradient(lambda z: np.sum(z), np.ones(3), h=h)

    def test_read_only_x(self):
        x = np.ones(3)
        x.flags.writeable = False
        with pytest.raises(ValueError, match="writeable"):
            scalar_gradient(lambda z: np.sum(z), x)

    def test_verbose_prints_every_index(self, capsys):
        scalar_gradient(lambda z: np.sum(z**2), np.ones((2, 2)), verbose=True)
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 4 and lines[0].startswith("(0, 0)")


# ------------------------------------------------------------ numerical_gradient_array


class TestNumericalGradientArray:
    @given(st.data())
    def test_elementwise_tanh(self, data):
        shape = data.draw(shapes)
        x = data.draw(arrays(shape))
        dout = data.draw(arrays(shape))
        num = numerical_gradient_array(np.tanh, x, dout)
        assert_grad_close(num, (1 - np.tanh(x) ** 2) * dout)

    @given(st.data())
    def test_elementwise_wrong_gradient_detected(self, data):
        shape = data.draw(shapes)
        x = data.draw(arrays(shape, elements=st.floats(0.5, 3.0)))
        dout = data.draw(arrays(shape, elements=st.floats(0.5, 3.0)))
        num = numerical_gradient_array(lambda z: z**2, x, dout)
        assert rel_error(num, 2 * x * dout) < 1e-7
        assert rel_error(num, x * dout) > 1e-2

    @given(st.data())
    def test_matmul_both_arguments(self, data):
        n, d, m = (data.draw(st.integers(1, 4)) for _ in range(3))
        X = data.draw(arrays((n, d)))
        W = data.draw(arrays((d, m)))
        dout = data.draw(arrays((n, m)))
        assert_grad_close(numerical_gradient_array(lambda w: X @ w, W, dout), X.T @ dout)
        assert_grad_close(numerical_gradient_array(lambda x: x @ W, X, dout), dout @ W.T)

    def test_output_that_is_a_view_of_x(self):
        # f returns x itself / a view of it: without copying f(x + h) the two
        # evaluations would be the same array and the gradient would come out 0.
        x = np.arange(6.0).reshape(2, 3)
        dout = np.arange(1.0, 7.0).reshape(2, 3)
        assert rel_error(numerical_gradient_array(lambda z: z, x, dout), dout) < 1e-9
        assert rel_error(numerical_gradient_array(lambda z: z.T, x, dout.T), dout) < 1e-9

    def test_output_buffer_reused_between_calls(self):
        buffer = np.empty(3)

        def f(z):
            np.multiply(z, 3.0, out=buffer)
            return buffer

        num = numerical_gradient_array(f, np.ones(3), np.ones(3))
        assert rel_error(num, np.full(3, 3.0)) < 1e-9

    def test_dout_shape_mismatch(self):
        with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
            numerical_gradient_array(lambda z: z * 2, np.ones((2, 3)), np.ones((3, 2)))

    def test_scalar_output_with_scalar_dout(self):
        x = np.array([1.0, 2.0])
        num = numerical_gradient_array(lambda z: np.sum(z**2), x, 0.5)
        assert rel_error(num, x) < 1e-9
