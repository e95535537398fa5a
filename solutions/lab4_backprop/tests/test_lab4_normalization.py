"""Property-based gradient checks of Lab 4's normalisation reference (normalization.ipynb):
batch and layer normalisation's backward passes, both forms of batchnorm's, and the
NormalizedNet agree with centred differences (course_utils.gradcheck) over random shapes,
scales, eps and seeds; plus the invariances the notebook teaches."""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace
from course_utils.gradcheck import numerical_gradient_array

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
seeds = st.integers(0, 2**32 - 1)


@functools.cache
def ref() -> dict:
    return solution_namespace("lab4_backprop")


def _error(analytic, numeric) -> float:
    """Relative error of the whole gradient (norms), robust to entries near 0; a gradient
    that is 0 (a bias before batch normalisation) is compared in absolute terms."""
    assert np.shape(analytic) == np.shape(numeric)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(np.subtract(analytic, numeric)) / max(scale, 1e-4))


def _inputs(seed, n, d, scale):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)) * scale + rng.uniform(-3, 3, d)
    return x, rng.uniform(0.5, 2.0, d), rng.standard_normal(d), rng.standard_normal((n, d))


def _check(forward, backward, x, gamma, beta, dout, param):
    _, cache = forward(x, gamma, beta, dict(param))
    grads = backward(dout, cache)
    for index, grad in enumerate(grads):
        def f(value, index=index):
            args = [x, gamma, beta]
            args[index] = value
            return forward(*args, dict(param))[0]

        numeric = numerical_gradient_array(f, [x, gamma, beta][index].copy(), dout)
        assert _error(grad, numeric) < 1e-7, (index, _error(grad, numeric))


@SETTINGS
@given(seed=seeds, n=st.integers(3, 8), d=st.integers(1, 5),
       scale=st.sampled_from([0.1, 1.0, 10.0]), eps=st.sampled_from([1e-5, 1e-2]),
       backward=st.sampled_from(["batchnorm_backward", "batchnorm_backward_alt"]))
def test_batchnorm_backward_matches_numerical_gradient(seed, n, d, scale, eps, backward):
    x, gamma, beta, dout = _inputs(seed, n, d, scale)
    _check(ref()["batchnorm_forward"], ref()[backward], x, gamma, beta, dout,
           {"mode": "train", "eps": eps})


@SETTINGS
@given(seed=seeds, n=st.integers(1, 6), d=st.integers(3, 8),
       scale=st.sampled_from([0.1, 1.0, 10.0]), eps=st.sampled_from([1e-5, 1e-2]))
def test_layernorm_backward_matches_numerical_gradient(seed, n, d, scale, eps):
    x, gamma, beta, dout = _inputs(seed, n, d, scale)
    _check(ref()["layernorm_forward"], ref()["layernorm_backward"], x, gamma, beta, dout,
           {"eps": eps})


@SETTINGS
@given(seed=seeds, n=st.integers(2, 30), d=st.integers(1, 6))
def test_both_batchnorm_backward_forms_agree(seed, n, d):
    x, gamma, beta, dout = _inputs(seed, n, d, 2.0)
    _, cache = ref()["batchnorm_forward"](x, gamma, beta, {"mode": "train"})
    for a, b in zip(ref()["batchnorm_backward"](dout, cache),
                    ref()["batchnorm_backward_alt"](dout, cache), strict=True):
        assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(seed=seeds, n=st.integers(2, 10), d=st.integers(1, 5), c=st.floats(0.1, 10))
def test_batchnorm_train_output_ignores_shift_and_scale_of_each_feature(seed, n, d, c):
    x, gamma, beta, _ = _inputs(seed, n, d, 1.0)
    forward = ref()["batchnorm_forward"]
    out, _ = forward(x, gamma, beta, {"mode": "train", "eps": 0.0})
    moved, _ = forward(c * x + 5.0, gamma, beta, {"mode": "train", "eps": 0.0})
    assert np.allclose(out, moved, atol=1e-7)


def test_batchnorm_running_averages_and_test_mode():
    rng = np.random.default_rng(0)
    forward = ref()["batchnorm_forward"]
    param = {"mode": "train", "momentum": 0.5}
    batches = [rng.normal(3.0, 2.0, (40, 3)) for _ in range(3)]
    mean = var = np.zeros(3)
    for x in batches:
        forward(x, np.ones(3), np.zeros(3), param)
        mean, var = 0.5 * mean + 0.5 * x.mean(0), 0.5 * var + 0.5 * x.var(0)
    assert np.allclose(param["running_mean"], mean) and np.allclose(param["running_var"], var)
    param["mode"] = "test"
    x = rng.normal(size=(1, 3))
    out, _ = forward(x, np.ones(3), np.zeros(3), param)
    assert np.allclose(out, (x - mean) / np.sqrt(var + 1e-5))
    assert np.allclose(param["running_mean"], mean), "test mode updates nothing"


@SETTINGS
@given(seed=seeds, hidden=st.lists(st.integers(1, 5), max_size=3),
       normalization=st.sampled_from([None, "batchnorm", "layernorm"]),
       reg=st.sampled_from([0.0, 0.3]))
def test_normalized_net_gradients_match_numerical(seed, hidden, normalization, reg):
    rng = np.random.default_rng(seed)
    net = ref()["NormalizedNet"](hidden, 6, 3, normalization=normalization, reg=reg,
                                 weight_scale=0.7, seed=seed % 1000)
    for key in net.params:  # away from gamma = 1, beta = 0 and b = 0 (a dead ReLU's kink)
        if not key.startswith("W"):
            net.params[key] = net.params[key] + rng.uniform(-0.3, 0.3, net.params[key].shape)
    X, y = rng.standard_normal((5, 6)), rng.integers(0, 3, 5)
    loss, grads = net.loss(X, y)
    assert sorted(grads) == sorted(net.params)
    for name, value in net.params.items():
        numeric = numerical_gradient_array(lambda _: net.loss(X, y)[0], value, 1.0)
        finer = numerical_gradient_array(lambda _: net.loss(X, y)[0], value, 1.0, h=1e-7)
        assume(_error(numeric, finer) < 1e-4)  # else a step crosses a ReLU kink: not smooth
        assert _error(grads[name], numeric) < 1e-6, name
        before_norm = name[0] == "b" and name[1:].isdigit() and name != f"b{len(hidden) + 1}"
        if normalization == "batchnorm" and before_norm:
            assert np.allclose(grads[name], 0, atol=1e-10), "the batch mean absorbs the bias"


def test_normalized_net_without_normalization_is_the_fully_connected_net():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((7, 10)), rng.integers(0, 4, 7)
    plain = ref()["NormalizedNet"]([8, 6], 10, 4, reg=0.1, weight_scale=0.3, seed=3)
    fc = ref()["FullyConnectedNet"]([8, 6], 10, 4, reg=0.1, weight_scale=0.3, seed=3)
    assert all(np.array_equal(plain.params[k], fc.params[k]) for k in fc.params)
    assert np.isclose(plain.loss(X, y)[0], fc.loss(X, y)[0])
