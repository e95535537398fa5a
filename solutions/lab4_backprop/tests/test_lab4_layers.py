"""Property-based gradient checks of Lab 4's reference solution (the instructor notebooks'
solution cells): every layer's backward pass, both losses, the whole network and the scalar
``Value`` engine agree with centred differences (course_utils.gradcheck) over random shapes,
scales and seeds."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace
from course_utils.gradcheck import numerical_gradient_array

# Deterministic examples: the same cases on every run and in CI (no flaky kinks).
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
seeds = st.integers(0, 2**32 - 1)
small = st.integers(1, 4)


@functools.cache
def ref() -> dict:
    return solution_namespace("lab4_backprop")


def _error(analytic, numeric) -> float:
    """Relative error of the whole gradient (norms), so entries near 0 whose centred
    difference carries round-off of about 1e-11 do not dominate as elementwise ratios would."""
    assert np.shape(analytic) == np.shape(numeric)
    if not np.all(np.isfinite(analytic)):
        return float("inf")
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(np.subtract(analytic, numeric)) / max(scale, 1e-12))


def _check_backward(forward, backward, args, dout, which, tol=1e-7):
    """The analytic gradient of each argument in ``which`` against the numerical one."""
    _, cache = forward(*args)
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for grad, index in zip(grads, which, strict=True):
        def f(value, index=index):
            call = list(args)
            call[index] = value
            return forward(*call)[0]

        numeric = numerical_gradient_array(f, args[index], dout)
        assert grad.shape == args[index].shape
        assert _error(grad, numeric) < tol, (index, _error(grad, numeric))


@SETTINGS
@given(seed=seeds, n=small, dims=st.lists(small, min_size=1, max_size=3), m=small)
def test_affine_backward_matches_numerical_gradient(seed, n, dims, m):
    rng = np.random.default_rng(seed)
    d = int(np.prod(dims))
    x = rng.standard_normal((n, *dims))
    w, b = rng.standard_normal((d, m)), rng.standard_normal(m)
    dout = rng.standard_normal((n, m))
    _check_backward(ref()["affine_forward"], ref()["affine_backward"], [x, w, b], dout,
                    (0, 1, 2))


@SETTINGS
@given(seed=seeds, shape=st.lists(small, min_size=1, max_size=3),
       name=st.sampled_from(["relu", "sigmoid", "tanh"]), scale=st.floats(0.1, 5.0))
def test_activation_backward_matches_numerical_gradient(seed, shape, name, scale):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * scale
    if name == "relu":  # stay clear of the kink, where no gradient is defined
        assume(np.all(np.abs(x) > 1e-3))
    _check_backward(ref()[f"{name}_forward"], ref()[f"{name}_backward"], [x],
                    rng.standard_normal(shape), (0,))


@SETTINGS
@given(seed=seeds, shape=st.lists(small, min_size=1, max_size=3), p=st.floats(0.1, 1.0),
       mode=st.sampled_from(["train", "test"]))
def test_dropout_backward_matches_numerical_gradient(seed, shape, p, mode):
    rng = np.random.default_rng(seed)
    param = {"mode": mode, "p": p, "seed": seed % 1000}

    def forward(x):
        return ref()["dropout_forward"](x, param)

    _check_backward(forward, ref()["dropout_backward"], [rng.standard_normal(shape)],
                    rng.standard_normal(shape), (0,))


@SETTINGS
@given(seed=seeds, n=st.integers(1, 6), c=st.integers(2, 6), scale=st.floats(0.1, 10.0),
       loss=st.sampled_from(["softmax_loss", "svm_loss"]))
def test_losses_match_numerical_gradient(seed, n, c, scale, loss):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, c)) * scale, rng.integers(0, c, n)
    if loss == "svm_loss":  # no margin at its kink
        assume(np.all(np.abs(x - x[np.arange(n), y][:, None] + 1) > 1e-3))
    value, dx = ref()[loss](x, y)
    numeric = numerical_gradient_array(lambda s: ref()[loss](s, y)[0], x, 1.0)
    assert np.isfinite(value) and value >= 0
    assert _error(dx, numeric) < 1e-7


@SETTINGS
@given(seed=seeds, hidden=st.lists(st.integers(1, 5), max_size=3),
       activation=st.sampled_from(["sigmoid", "tanh"]), keep=st.sampled_from([1.0, 0.6]),
       reg=st.sampled_from([0.0, 0.3]))
def test_fully_connected_net_gradients_match_numerical(seed, hidden, activation, keep, reg):
    rng = np.random.default_rng(seed)
    net = ref()["FullyConnectedNet"](hidden, 4, 3, activation=activation, dropout_keep=keep,
                                     reg=reg, weight_scale=0.7, seed=seed % 1000)
    X, y = rng.standard_normal((3, 2, 2)), rng.integers(0, 3, 3)
    loss, grads = net.loss(X, y)
    assert sorted(grads) == sorted(net.params)
    for name, value in net.params.items():
        numeric = numerical_gradient_array(lambda _: net.loss(X, y)[0], value, 1.0)
        assert _error(grads[name], numeric) < 1e-7, name
    scores = net.loss(X)
    assert scores.shape == (3, 3)
    assert np.array_equal(scores, net.loss(X)), "test mode is deterministic"


@SETTINGS
@given(a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_value_gradients_match_numerical(a, b):
    Value = ref()["Value"]
    assume(abs(a * b) > 1e-3)  # keep the ReLU of a * b away from its kink

    def f(u, v):
        return ((u - v) ** 2 / (1 + v.exp()) + (u * v).relu() - u.sigmoid() + (u * v).tanh()) * 0.5

    x, y = Value(a), Value(b)
    out = f(x, y)
    out.backward()
    h = 1e-6
    numeric = [(f(Value(a + h), Value(b)).data - f(Value(a - h), Value(b)).data) / (2 * h),
               (f(Value(a), Value(b + h)).data - f(Value(a), Value(b - h)).data) / (2 * h)]
    assert np.allclose([x.grad, y.grad], numeric, rtol=1e-5, atol=1e-7)


def test_value_and_layers_agree_on_the_same_network():
    """A 3-4-2 tanh network with a squared-error loss, once as a graph of Values and once
    with the vectorised layers: the same loss and the same gradients."""
    ns = ref()
    Value = ns["Value"]
    rng = np.random.default_rng(0)
    X, T = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    W1, b1, W2, b2 = (rng.standard_normal(s) for s in [(3, 4), (4,), (4, 2), (2,)])

    a, c1 = ns["affine_forward"](X, W1, b1)
    h, ct = ns["tanh_forward"](a)
    out, c2 = ns["affine_forward"](h, W2, b2)
    loss = np.sum((out - T) ** 2)
    dh, dW2, db2 = ns["affine_backward"](2 * (out - T), c2)
    _, dW1, db1 = ns["affine_backward"](ns["tanh_backward"](dh, ct), c1)

    V = {name: np.vectorize(Value, otypes=[object])(arr) for name, arr in
         [("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)]}
    total = Value(0.0)
    for i in range(5):
        hidden = [(sum((V["W1"][d, j] * X[i, d] for d in range(3)), V["b1"][j])).tanh()
                  for j in range(4)]
        for k in range(2):
            o = sum((V["W2"][j, k] * hidden[j] for j in range(4)), V["b2"][k])
            total = total + (o - T[i, k]) ** 2
    total.backward()
    assert np.isclose(total.data, loss)
    for name, grad in [("W1", dW1), ("b1", db1), ("W2", dW2), ("b2", db2)]:
        got = np.vectorize(lambda v: v.grad)(V[name])
        assert np.allclose(got, grad), name
