"""Property-based tests of the Lab 5 reference layers (the instructor notebook's solution cells):
backward passes against centred differences over random geometries, fast against naive,
col2im as the transpose of im2col, and refusal of settings that do not tile the input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.reference import solution_namespace
from course_utils.gradcheck import numerical_gradient_array, rel_error

LAB = solution_namespace("lab5_convnets")
PROPERTY = settings(max_examples=25, deadline=None)


@st.composite
def conv_geometry(draw):
    """A batch, filters and a stride/pad whose output size is whole (and at least 1)."""
    stride = draw(st.integers(1, 3))
    pad = draw(st.integers(0, 2))
    HH, WW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H_out, W_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H = (H_out - 1) * stride + HH - 2 * pad
    W = (W_out - 1) * stride + WW - 2 * pad
    assume(H >= 1 and W >= 1)
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F, C, HH, WW))
    b = rng.standard_normal(F)
    dout = rng.standard_normal((N, F, H_out, W_out))
    return x, w, b, {"stride": stride, "pad": pad}, dout


@pytest.mark.parametrize("kind", ["naive", "fast"])
@PROPERTY
@given(case=conv_geometry())
def test_conv_backward_matches_centred_differences(kind, case):
    x, w, b, conv_param, dout = case
    forward, backward = LAB[f"conv_forward_{kind}"], LAB[f"conv_backward_{kind}"]
    _, cache = forward(x, w, b, conv_param)
    dx, dw, db = backward(dout, cache)
    dx_num = numerical_gradient_array(lambda v: forward(v, w, b, conv_param)[0], x, dout)
    dw_num = numerical_gradient_array(lambda v: forward(x, v, b, conv_param)[0], w, dout)
    db_num = numerical_gradient_array(lambda v: forward(x, w, v, conv_param)[0], b, dout)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    assert rel_error(dx, dx_num) < 1e-6
    assert rel_error(dw, dw_num) < 1e-6
    assert rel_error(db, db_num) < 1e-6


@PROPERTY
@given(case=conv_geometry())
def test_fast_layer_matches_naive(case):
    x, w, b, conv_param, dout = case
    out_naive, cache_naive = LAB["conv_forward_naive"](x, w, b, conv_param)
    out_fast, cache_fast = LAB["conv_forward_fast"](x, w, b, conv_param)
    np.testing.assert_allclose(out_fast, out_naive, rtol=1e-10, atol=1e-10)
    for g_fast, g_naive in zip(LAB["conv_backward_fast"](dout, cache_fast),
                               LAB["conv_backward_naive"](dout, cache_naive), strict=True):
        np.testing.assert_allclose(g_fast, g_naive, rtol=1e-10, atol=1e-10)


@PROPERTY
@given(case=conv_geometry())
def test_col2im_is_the_transpose_of_im2col(case):
    x, w, _, conv_param, _ = case
    HH, WW = w.shape[2:]
    s, p = conv_param["stride"], conv_param["pad"]
    cols = LAB["im2col"](x, HH, WW, s, p)
    c = np.random.default_rng(0).standard_normal(cols.shape)
    back = LAB["col2im"](c, x.shape, HH, WW, s, p)
    assert back.shape == x.shape
    assert np.isclose(np.sum(cols * c), np.sum(x * back), rtol=1e-10, atol=1e-10)


@st.composite
def pool_geometry(draw):
    ph, pw, stride = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H_out, W_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    shape = (N, C, (H_out - 1) * stride + ph, (W_out - 1) * stride + pw)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    # Distinct values 0.1 apart: nudging one by h = 1e-5 never changes a window's maximum.
    x = rng.permutation(int(np.prod(shape))).reshape(shape) / 10.0
    dout = rng.standard_normal((N, C, H_out, W_out))
    return x, {"pool_height": ph, "pool_width": pw, "stride": stride}, dout


@PROPERTY
@given(case=pool_geometry())
def test_max_pool_backward_matches_centred_differences(case):
    x, pool_param, dout = case
    forward = LAB["max_pool_forward_naive"]
    out, cache = forward(x, pool_param)
    assert out.shape == dout.shape
    dx = LAB["max_pool_backward_naive"](dout, cache)
    dx_num = numerical_gradient_array(lambda v: forward(v, pool_param)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-8


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda: LAB["conv_forward_naive"](np.ones((1, 1, 7, 7)), np.ones((1, 1, 3, 3)),
                                           np.zeros(1), {"stride": 3, "pad": 0}), "naive"),
        (lambda: LAB["conv_forward_fast"](np.ones((1, 2, 6, 5)), np.ones((1, 2, 3, 2)),
                                          np.zeros(1), {"stride": 2, "pad": 1}), "fast"),
        (lambda: LAB["im2col"](np.ones((1, 1, 4, 6)), 3, 2, 2, 1), "im2col"),
        (lambda: LAB["max_pool_forward_naive"](
            np.ones((1, 1, 5, 5)), {"pool_height": 2, "pool_width": 2, "stride": 2}), "pool"),
        (lambda: LAB["conv_forward_naive"](np.ones((1, 1, 2, 2)), np.ones((1, 1, 5, 5)),
                                           np.zeros(1), {"stride": 1, "pad": 0}), "too big"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_settings_that_do_not_tile_raise_value_error(call, what):
    with pytest.raises(ValueError, match="tile"):
        call()


def test_three_layer_convnet_gradients_match_centred_differences():
    rng = np.random.default_rng(0)
    model = LAB["ThreeLayerConvNet"](input_dim=(2, 6, 4), num_filters=3, filter_size=3,
                                     hidden_dim=5, num_classes=4, weight_scale=0.5, reg=0.1,
                                     seed=0)
    X, y = rng.standard_normal((3, 2, 6, 4)), np.array([0, 3, 1])
    _, grads = model.loss(X, y)
    for name, value in model.params.items():
        def loss_of(v, name=name):
            saved = model.params[name]
            model.params[name] = v
            try:
                return model.loss(X, y)[0]
            finally:
                model.params[name] = saved

        numeric = numerical_gradient_array(loss_of, value.copy(), 1.0)
        assert rel_error(grads[name], numeric) < 1e-6, name


def test_three_layer_convnet_preserves_float32():
    model = LAB["ThreeLayerConvNet"](input_dim=(3, 8, 8), num_filters=4, filter_size=3,
                                     hidden_dim=6, seed=1, weight_scale=0.1)
    model.params = {k: v.astype(np.float32) for k, v in model.params.items()}
    X = np.random.default_rng(1).standard_normal((2, 3, 8, 8)).astype(np.float32)
    loss, grads = model.loss(X, np.array([1, 2]))
    assert all(g.dtype == np.float32 for g in grads.values())
