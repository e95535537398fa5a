"""Hidden checks for the convolutional layer of convnet.ipynb: the naive loops (part 2) and
the im2col matrix product (part 4), judged on the same cases and by the same comparisons.

Strides 1, 2 and 3, padding 0, 1 and 2, non-square inputs and filters, float32, and
settings that do not tile the input (which must raise ValueError). The backward checks hand
the student's function a cache in the format the docstrings fix, so a mistake in a forward
pass costs points only on its own test."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array

from ..sandbox.drivers import layer_driver
from .common import WITH_REFUSALS, array_problem, generator, geometry, reference, refusal_problem

# (N, C, H, W), (F, HH, WW), stride, pad, dtype, hint
_CONV_SETTINGS = [
    ((2, 3, 5, 5), (4, 3, 3), 1, 1, np.float64, "stride 1, pad 1, 3x3 filters on 5x5 inputs"),
    ((2, 2, 7, 7), (3, 3, 3), 2, 0, np.float64, "stride 2, pad 0"),
    ((1, 3, 6, 8), (2, 2, 4), 2, 1, np.float64,
     "stride 2, pad 1, non-square 6x8 input and 2x4 filters"),
    ((2, 1, 5, 7), (3, 3, 5), 1, 2, np.float64,
     "stride 1, pad 2, non-square 5x7 input and 3x5 filters"),
    ((2, 2, 7, 10), (2, 3, 3), 3, 1, np.float64, "stride 3, pad 1, 7x10 input"),
    ((3, 3, 6, 6), (5, 3, 3), 1, 1, np.float32, "float32 input, stride 1, pad 1"),
    ((1, 2, 4, 4), (2, 4, 4), 1, 0, np.float64, "one output per filter: 4x4 filters on 4x4"),
]

# Settings whose output size is not whole: (x shape, (F, HH, WW), stride, pad, hint).
_BAD_CONV = [
    ((1, 1, 7, 7), (1, 3, 3), 3, 0, "3x3 filters with stride 3 on a 7x7 input: (7 - 3) / 3 + 1"),
    ((1, 2, 6, 5), (2, 3, 2), 2, 1,
     "3x2 filters, stride 2, pad 1 on 6x5: the width works, the height (6 + 2 - 3) / 2 + 1 "
     "does not"),
]


def _conv_arrays(seed, x_shape, f_shape, dtype):
    rng = generator(seed)
    N, C, H, W = x_shape
    F, HH, WW = f_shape
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal((F, C, HH, WW)).astype(dtype)
    b = rng.standard_normal(F).astype(dtype)
    return x, w, b


def conv_forward_cases(refusals: bool = True):
    for k, (x_shape, f_shape, s, p, dtype, hint) in enumerate(_CONV_SETTINGS):
        x, w, b = _conv_arrays(10 + k, x_shape, f_shape, dtype)
        yield Case((x, w, b, {"stride": s, "pad": p}), hint=hint)
    if not refusals:
        return
    for k, (x_shape, f_shape, s, p, hint) in enumerate(_BAD_CONV):
        x, w, b = _conv_arrays(30 + k, x_shape, f_shape, np.float64)
        yield Case((x, w, b, {"stride": s, "pad": p}), hint=hint, group="refusal")


def _conv_scale(x, w, b) -> float:
    C, HH, WW = w.shape[1:]
    return float(C * HH * WW * np.abs(x).max() * np.abs(w).max() + np.abs(b).max())


def _conv_output_hint(expected_out, got_out, case: Case) -> str:
    x, w, b, conv_param = case.args
    s, p = conv_param["stride"], conv_param["pad"]
    conv = reference("conv_forward_naive")
    flipped = conv(x, w[:, :, ::-1, ::-1], b, conv_param)[0]
    if np.allclose(got_out, flipped, rtol=1e-4, atol=1e-6):
        return ("these are the outputs of the flipped filters: multiply each window with w as "
                "it is (no flipping; deep-learning convolution is a cross-correlation)")
    if np.allclose(got_out, expected_out - b.reshape(1, -1, 1, 1), rtol=1e-4, atol=1e-6):
        return "the bias is missing: add b[f] to every output of filter f"
    N, F, H_out, W_out = expected_out.shape
    scrambled = expected_out.transpose(1, 0, 2, 3).reshape(N, F, H_out, W_out)
    if N > 1 and F > 1 and np.allclose(got_out, scrambled, rtol=1e-4, atol=1e-6):
        return ("examples and filters are mixed up: the product w_rows @ cols has shape "
                "(F, N * H_out * W_out), so reshape it to (F, N, H_out, W_out) and then move "
                "the filter axis second with transpose(1, 0, 2, 3)")
    if s > 1:
        dense = conv(x, w, b, {"stride": 1, "pad": p})[0]
        H_out, W_out = expected_out.shape[2:]
        if np.allclose(got_out, dense[:, :, :H_out, :W_out], rtol=1e-4, atol=1e-6):
            return (f"the windows ignore the stride ({s} here): the window of output (i, j) "
                    "starts at row i * stride and column j * stride of the padded input")
        return f"stride {s} here: does the window of output (i, j) start at (i*s, j*s)?"
    if p > 0:
        return (f"pad {p} here: are the windows taken from the input padded with {p} zeros on "
                "every side (np.pad), and does out[n, f, i, j] start at x_pad row i, column j?")
    return "each output is sum(window * w[f]) + b[f] over all channels of the window"


def _conv_shape_hint(x, w, conv_param, got_shape) -> str:
    s, p = conv_param["stride"], conv_param["pad"]
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    hint = f" (H_out = (H + 2*pad - HH) / stride + 1 = ({H} + {2 * p} - {HH}) / {s} + 1)"
    if len(got_shape) == 4 and got_shape[2:] == ((H + 2 * p - WW) // s + 1,
                                                 (W + 2 * p - HH) // s + 1):
        hint += "; HH goes with the height and WW with the width"
    return hint


def _compare_conv_forward(expected, got, case: Case, fast: bool) -> str | None:
    name = "conv_forward_fast" if fast else "conv_forward_naive"
    problem = refusal_problem(expected, got, f"these settings ({geometry(case)})")
    if problem or "raised" in expected:
        return problem
    result = got["result"]
    if not isinstance(result, tuple) or len(result) != 2:
        return f"{name} should return the pair (out, cache), got {type(result).__name__}"
    out, cache = result
    exp_out, exp_cache = expected["result"]
    x, w, b, conv_param = case.args
    arr, problem = as_array(out, "out")
    if problem:
        return problem
    if arr.shape != exp_out.shape:
        return (f"out has shape {arr.shape} but should have {exp_out.shape}"
                + _conv_shape_hint(x, w, conv_param, arr.shape))
    problem = array_problem("out", exp_out, arr, _conv_scale(x, w, b))
    if problem:
        return f"{problem}. {_conv_output_hint(exp_out, arr, case)}"
    want = "(x, w, b, conv_param, cols)" if fast else "(x, w, b, conv_param)"
    if not isinstance(cache, tuple) or len(cache) != len(exp_cache):
        return (f"the cache should be the tuple {want}, as the docstring says (the backward "
                f"pass is tested with a cache in that format)")
    for item, ref_item, label in zip(cache[:4], exp_cache[:4], ("x", "w", "b", "conv_param"),
                                     strict=True):
        same = (item == ref_item) if isinstance(ref_item, dict) else (
            np.shape(item) == np.shape(ref_item) and np.array_equal(item, ref_item))
        if not same:
            return f"the cache should be the tuple {want}: its entry for {label} differs"
    if fast:
        problem = array_problem("cache[4] (cols)", exp_cache[4], cache[4], float(
            np.abs(x).max()))
        if problem:
            return (f"the cache's last entry should be cols = im2col(x, HH, WW, stride, pad); "
                    f"{problem}")
    return None


def compare_conv_forward_naive(expected, got, case):
    return _compare_conv_forward(expected, got, case, fast=False)


def compare_conv_forward_fast(expected, got, case):
    return _compare_conv_forward(expected, got, case, fast=True)


def _conv_backward_cases(fast: bool):
    for k, (x_shape, f_shape, s, p, dtype, hint) in enumerate(_CONV_SETTINGS):
        x, w, b = _conv_arrays(50 + k, x_shape, f_shape, dtype)
        conv_param = {"stride": s, "pad": p}
        F, HH, WW = f_shape
        H_out = (x_shape[2] + 2 * p - HH) // s + 1
        W_out = (x_shape[3] + 2 * p - WW) // s + 1
        dout = generator(70 + k).standard_normal((x_shape[0], F, H_out, W_out)).astype(dtype)
        cache = (x, w, b, conv_param)
        if fast:
            cache = (*cache, reference("im2col")(x, HH, WW, s, p))
        yield Case((dout, cache), hint=hint)


def conv_backward_naive_cases():
    return _conv_backward_cases(fast=False)


def conv_backward_fast_cases():
    return _conv_backward_cases(fast=True)


def compare_conv_backward(expected, got, case: Case) -> str | None:
    if not isinstance(got, tuple | list) or len(got) != 3:
        return f"the backward pass should return the triple (dx, dw, db), got {type(got).__name__}"
    dout, cache = case.args
    x, w, b, conv_param = cache[:4]
    s, p = conv_param["stride"], conv_param["pad"]
    dx, dw, db = got
    exp_dx, exp_dw, exp_db = expected
    F = w.shape[0]
    db_arr, problem = as_array(db, "db")
    if problem:
        return problem
    if db_arr.shape != (F,):
        return (f"db has shape {db_arr.shape} but should have ({F},), one number per filter: "
                "sum dout over the examples and both spatial axes, axes (0, 2, 3)")
    problem = array_problem("db", exp_db, db_arr, float(dout.size / F * np.abs(dout).max()))
    if problem:
        if np.allclose(db_arr, dout.reshape(F, -1).sum(axis=1), rtol=1e-4, atol=1e-8):
            return (f"{problem}. dout has shape (N, F, H_out, W_out): bring it to the (F, "
                    "N * H_out * W_out) layout with dout.transpose(1, 0, 2, 3).reshape(F, -1); "
                    "a plain reshape mixes filters and examples")
        return f"{problem}. Sum dout over the examples and both spatial axes, axes (0, 2, 3)"
    dx_arr, problem = as_array(dx, "dx")
    if problem:
        return problem
    padded = (x.shape[0], x.shape[1], x.shape[2] + 2 * p, x.shape[3] + 2 * p)
    if dx_arr.shape == padded and p > 0:
        return (f"dx has shape {dx_arr.shape}, the shape of the padded input: cut the padding "
                f"off (dx_pad[:, :, {p}:-{p}, {p}:-{p}]) so that dx has the shape of x, {x.shape}")
    stride_hint = (f"This case has stride {s}: use the stride in the backward pass as in the "
                   "forward pass (the window of output (i, j) starts at (i*stride, j*stride))"
                   if s > 1 else "")
    overlap_hint = "Overlapping windows add their gradients (+=)."
    count = dout.shape[1] * (w.shape[2] * w.shape[3])
    scale = float(count * np.abs(dout).max() * np.abs(w).max())
    problem = array_problem("dx", exp_dx, dx_arr, scale, stride_hint or overlap_hint)
    if problem:
        return problem
    scale = float(dout.shape[0] * dout.shape[2] * dout.shape[3] * np.abs(dout).max()
                  * np.abs(x).max())
    dw_arr, problem = as_array(dw, "dw")
    if problem:
        return problem
    if dw_arr.shape == exp_dw.shape and np.allclose(dw_arr * x.shape[0], exp_dw, rtol=1e-4,
                                                    atol=1e-8) and x.shape[0] > 1:
        return ("dw is N times too small: a layer's backward pass applies the chain rule "
                "only; the averaging over the batch happens once, in the loss")
    dw_hint = stride_hint or ("dw[f] collects dout[n, f, i, j] times the window of the padded "
                              "input, summed over n, i and j")
    return array_problem("dw", exp_dw, dw_arr, scale, dw_hint)


NAIVE_CHECKS = {
    "test_conv_forward_naive": Check("conv_forward_naive", conv_forward_cases,
                                     compare_conv_forward_naive, driver=layer_driver,
                                     groups=WITH_REFUSALS),
    "test_conv_backward_naive": Check("conv_backward_naive", conv_backward_naive_cases,
                                      compare_conv_backward),
}


def conv_forward_fast_cases():
    return conv_forward_cases(refusals=False)


FAST_CHECKS = {
    # The refusals are graded on conv_forward_naive and im2col; the fast layer gets them from
    # im2col, which here is the reference run by the grader (its error arrives as a stand-in's).
    "test_conv_forward_fast": Check("conv_forward_fast", conv_forward_fast_cases,
                                    compare_conv_forward_fast, use_reference_for=("im2col",),
                                    driver=layer_driver),
    "test_conv_backward_fast": Check("conv_backward_fast", conv_backward_fast_cases,
                                     compare_conv_backward,
                                     use_reference_for=("im2col", "col2im")),
}
