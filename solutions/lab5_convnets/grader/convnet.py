"""Hidden checks for Lab 5, convolutional networks: naive and fast convolution, max pooling,
im2col / col2im and the three-layer convnet.

The cases cover stride 1, 2 and 3, padding 0, 1 and 2, non-square inputs and filters,
overlapping pooling windows, float32, and settings that do not tile the input (which must
raise ValueError). Every backward check hands the student's function a cache in the format the
docstrings fix, so a mistake in a forward pass costs points only on its own test.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, first_mismatch, question_eps
from autograder.reference import solution_namespace

from ..sandbox.drivers import convnet_driver, layer_driver

LAB = "lab5_convnets"


def _ref(name: str):
    return solution_namespace(LAB)[name]


# --------------------------------------------------------------------------- shared helpers


def _refusal_problem(expected: dict, got: dict, what: str) -> str | None:
    """None when both refused (or both answered); else what is wrong."""
    if "raised" in expected:
        if got.get("raised") == "ValueError":
            return None
        if "raised" in got:
            return (f"{what} do not tile the input, so raise ValueError (with the reason), "
                    f"not {got['raised']}: {got['message']}")
        return (f"{what} do not tile the input (the output size is not a whole number): raise "
                "a ValueError that says so instead of returning a result")
    if "raised" in got:
        return f"raised {got['raised']}: {got['message']}"
    return None


def _array_problem(name: str, expected, got, scale: float, hint: str = "") -> str | None:
    """Compare one returned array with the reference, relative to ``scale`` (the size of
    the terms summed into each entry), with a tolerance that admits float32 and any order."""
    got, problem = as_array(got, name)
    if problem:
        return problem
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        return f"{name} has shape {got.shape} but should have {expected.shape}"
    if not np.isfinite(got).all():
        return f"{name} contains NaN or infinity"
    eps = question_eps(expected)
    tol = 1e3 * eps * (scale + 1e-300)
    close = np.abs(got.astype(np.float64) - expected) <= tol + 1e3 * eps * np.abs(expected)
    if close.all():
        return None
    message = f"{name}: " + first_mismatch(expected, got, close)
    return message + (f". {hint}" if hint else "")


def _geometry(case: Case) -> str:
    return case.hint or "this case"


def _rng(seed):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------- convolution cases

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
    rng = _rng(seed)
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
    conv = _ref("conv_forward_naive")
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
    problem = _refusal_problem(expected, got, f"these settings ({_geometry(case)})")
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
    problem = _array_problem("out", exp_out, arr, _conv_scale(x, w, b))
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
        problem = _array_problem("cache[4] (cols)", exp_cache[4], cache[4], float(
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
        dout = _rng(70 + k).standard_normal((x_shape[0], F, H_out, W_out)).astype(dtype)
        cache = (x, w, b, conv_param)
        if fast:
            cache = (*cache, _ref("im2col")(x, HH, WW, s, p))
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
    problem = _array_problem("db", exp_db, db_arr, float(dout.size / F * np.abs(dout).max()))
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
    problem = _array_problem("dx", exp_dx, dx_arr, scale, stride_hint or overlap_hint)
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
    return _array_problem("dw", exp_dw, dw_arr, scale, dw_hint)


# ------------------------------------------------------------------------------ pooling cases

# (N, C, H, W), (ph, pw, stride), hint; values are distinct so every window has one maximum
_POOL_SETTINGS = [
    ((2, 3, 4, 4), (2, 2, 2), "2x2 windows, stride 2"),
    ((2, 2, 5, 5), (2, 2, 1), "2x2 windows, stride 1 (overlapping)"),
    ((1, 3, 7, 8), (3, 2, 2), "3x2 windows, stride 2 (overlapping in height) on a 7x8 input"),
    ((2, 2, 6, 9), (3, 3, 3), "3x3 windows, stride 3, non-square 6x9 input"),
    ((1, 2, 5, 7), (3, 3, 1), "3x3 windows, stride 1 (overlapping) on a 5x7 input"),
    ((2, 3, 4, 6), (4, 6, 1), "one window covering the whole input"),
    ((2, 2, 6, 4), (2, 2, 2), "float32 input, 2x2 windows, stride 2"),
]
_BAD_POOL = [
    ((1, 1, 5, 5), (2, 2, 2), "2x2 windows, stride 2 on 5x5: (5 - 2) / 2 + 1"),
    ((1, 2, 6, 7), (3, 3, 3), "3x3 windows, stride 3 on 6x7: the width (7 - 3) / 3 + 1"),
]


def _distinct(seed, shape, dtype=np.float64):
    values = _rng(seed).permutation(int(np.prod(shape))).reshape(shape)
    return (values / 7.0 - 3.0).astype(dtype)


def _pool_param(ph, pw, s):
    return {"pool_height": ph, "pool_width": pw, "stride": s}


def pool_forward_cases():
    for k, (shape, (ph, pw, s), hint) in enumerate(_POOL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        yield Case((_distinct(100 + k, shape, dtype), _pool_param(ph, pw, s)), hint=hint)
    for k, (shape, (ph, pw, s), hint) in enumerate(_BAD_POOL):
        yield Case((_distinct(120 + k, shape), _pool_param(ph, pw, s)), hint=hint,
                   group="refusal")


def compare_pool_forward(expected, got, case: Case) -> str | None:
    x, pool_param = case.args
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    hint = ("each output is the maximum of its window x[n, c, i*s:i*s+pool_height, "
            "j*s:j*s+pool_width]")
    if ph != pw:
        hint += "; pool_height goes with the rows and pool_width with the columns"
    if s < ph or s < pw:
        hint += (f"; the windows overlap here: window (i, j) starts at row i*stride and "
                 f"column j*stride (stride {s})")
    problem = _refusal_problem(expected, got, f"these settings ({_geometry(case)})")
    if problem and "raised" not in expected:  # a valid setting raised: say what it asks
        return f"{problem}. These settings tile the input: {hint}"
    if problem or "raised" in expected:
        return problem
    result = got["result"]
    if not isinstance(result, tuple) or len(result) != 2:
        return f"max_pool_forward_naive should return (out, cache), got {type(result).__name__}"
    out, cache = result
    exp_out, _ = expected["result"]
    arr, problem = as_array(out, "out")
    if problem:
        return problem
    if arr.shape != exp_out.shape:
        H, W = x.shape[2:]
        return (f"out has shape {arr.shape} but should have {exp_out.shape}: H_out = "
                f"(H - pool_height) / stride + 1 = ({H} - {ph}) / {s} + 1 and W_out = "
                f"({W} - {pw}) / {s} + 1; windows start every stride pixels and may overlap")
    problem = _array_problem("out", exp_out, arr, float(np.abs(x).max()), hint)
    if problem:
        return problem
    if not isinstance(cache, tuple) or len(cache) != 2 or not np.array_equal(cache[0], x) \
            or cache[1] != pool_param:
        return "the cache should be the tuple (x, pool_param), as the docstring says"
    return None


def pool_backward_cases():
    for k, (shape, (ph, pw, s), hint) in enumerate(_POOL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        x = _distinct(140 + k, shape, dtype)
        H_out, W_out = (shape[2] - ph) // s + 1, (shape[3] - pw) // s + 1
        dout = _rng(160 + k).standard_normal((shape[0], shape[1], H_out, W_out)).astype(dtype)
        yield Case((dout, (x, _pool_param(ph, pw, s))), hint=hint)


def compare_pool_backward(expected, got, case: Case) -> str | None:
    dout, (x, pool_param) = case.args
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    got_arr, problem = as_array(got, "dx")
    if problem:
        return problem
    if got_arr.shape != x.shape:
        return f"dx has shape {got_arr.shape} but should have the shape of x, {x.shape}"
    hints = ["Each window's gradient goes to the position of its maximum only"]
    if s < ph or s < pw:
        hints.append("the windows overlap here, so an input that is the maximum of several "
                     "windows must receive the sum of their gradients (dx[...] += ..., not =)")
    if s > 1:
        hints.append(f"window (i, j) starts at (i*stride, j*stride), stride {s} here")
    if ph != pw:
        hints.append("for these non-square windows a flat argmax k is at row k // pool_width "
                     "and column k % pool_width of its window")
    hint = "; ".join(hints)
    windows = max(1, -(-ph // s)) * max(1, -(-pw // s))
    return _array_problem("dx", expected, got_arr, float(windows * np.abs(dout).max()), hint)


# --------------------------------------------------------------------------- im2col / col2im

# (N, C, H, W), HH, WW, stride, pad, hint
_COL_SETTINGS = [
    ((2, 3, 4, 4), 3, 3, 1, 1, "3x3 windows, stride 1, pad 1"),
    ((2, 2, 7, 7), 3, 3, 2, 0, "3x3 windows, stride 2, pad 0"),
    ((1, 2, 6, 8), 2, 4, 2, 1, "2x4 windows, stride 2, pad 1 on a 6x8 input"),
    ((2, 1, 5, 6), 3, 2, 1, 2, "3x2 windows, stride 1, pad 2 on a 5x6 input"),
    ((3, 2, 5, 5), 1, 1, 1, 0, "1x1 windows"),
    ((2, 2, 6, 6), 2, 2, 2, 0, "float32, 2x2 windows, stride 2"),
]


def im2col_cases():
    for k, (shape, HH, WW, s, p, hint) in enumerate(_COL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        yield Case((_distinct(200 + k, shape, dtype), HH, WW, s, p), hint=hint)
    yield Case((_distinct(220, (1, 1, 7, 7)), 3, 3, 3, 0),
               hint="3x3 windows, stride 3 on a 7x7 input: (7 - 3) / 3 + 1", group="refusal")
    yield Case((_distinct(221, (1, 2, 6, 5)), 3, 2, 2, 1),
               hint="3x2 windows, stride 2, pad 1 on 6x5: the height (6 + 2 - 3) / 2 + 1",
               group="refusal")


def _same_columns_in_other_order(expected, got, axis: int) -> bool:
    """True when every row (axis 0) or column (axis 1) of got is one of expected's."""
    exp = expected if axis == 0 else expected.T
    mine = got if axis == 0 else got.T
    known = {tuple(np.round(r, 6)) for r in exp}
    return all(tuple(np.round(r, 6)) in known for r in mine)


def compare_im2col(expected, got, case: Case) -> str | None:
    problem = _refusal_problem(expected, got, f"these settings ({_geometry(case)})")
    if problem or "raised" in expected:
        return problem
    exp = expected["result"]
    arr, problem = as_array(got["result"], "cols")
    if problem:
        return problem
    if arr.shape != exp.shape:
        if arr.shape == exp.shape[::-1]:
            return (f"cols has shape {arr.shape} but should be {exp.shape}: transposed? Each "
                    "window is a column, so there are C * HH * WW rows")
        return (f"cols has shape {arr.shape} but should be {exp.shape} = (C * HH * WW, "
                "N * H_out * W_out)")
    problem = _array_problem("cols", exp, arr, float(np.abs(case.args[0]).max()))
    if not problem:
        return None
    if _same_columns_in_other_order(exp, arr, axis=1):
        return (f"{problem}. Every window is there, but the columns are in the wrong order: by "
                "example first, then output row, then output column, (n * H_out + i) * W_out + j")
    if _same_columns_in_other_order(exp, arr, axis=0):
        return (f"{problem}. The rows are in the wrong order: by channel first, then filter row, "
                "then filter column, (c * HH + a) * WW + b, the order of w[f].reshape(-1)")
    return (f"{problem}. Column (n * H_out + i) * W_out + j should hold the window of the padded "
            "input at rows i*stride.. and columns j*stride..")


def col2im_cases():
    for k, (shape, HH, WW, s, p, hint) in enumerate(_COL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        N, C, H, W = shape
        H_out, W_out = (H + 2 * p - HH) // s + 1, (W + 2 * p - WW) // s + 1
        cols = _rng(240 + k).standard_normal((C * HH * WW, N * H_out * W_out)).astype(dtype)
        yield Case((cols, shape, HH, WW, s, p), hint=hint)


def compare_col2im(expected, got, case: Case) -> str | None:
    cols, x_shape, HH, WW, s, p = case.args
    arr, problem = as_array(got, "col2im's result")
    if problem:
        return problem
    N, C, H, W = x_shape
    if arr.shape == (N, C, H + 2 * p, W + 2 * p) and p > 0:
        return (f"the result has the shape of the padded input, {arr.shape}: cut the padding "
                f"off so that it has x_shape, {tuple(x_shape)}")
    if arr.shape != tuple(x_shape):
        return f"the result has shape {arr.shape} but should have x_shape, {tuple(x_shape)}"
    hints = []
    if s < HH or s < WW:
        hints.append("windows overlap here: a pixel must collect the sum of all the entries "
                     "copied from it (+=, not =)")
    if s > 1:
        hints.append(f"window (i, j) goes back to rows i*stride.. and columns j*stride.. of the "
                     f"padded image, stride {s} here")
    hint = "; ".join(hints) or ("each entry goes back to the pixel im2col copied it from (same "
                                "layout as im2col)")
    hint = hint[0].upper() + hint[1:]
    per_pixel = -(-HH // s) * -(-WW // s)
    return _array_problem("col2im's result", expected, arr,
                          float(per_pixel * np.abs(cols).max()), hint)


# --------------------------------------------------------------------- the three-layer convnet

_NET_SETTINGS = [
    (dict(input_dim=(3, 8, 6), num_filters=4, filter_size=3, hidden_dim=5, num_classes=3,
          weight_scale=0.1, reg=0.0, seed=0), 4, "3x8x6 inputs, 3x3 filters, no regularisation"),
    (dict(input_dim=(2, 6, 8), num_filters=2, filter_size=5, hidden_dim=7, num_classes=4,
          weight_scale=0.05, reg=0.05, seed=1), 3, "2x6x8 inputs, 5x5 filters, reg 0.05"),
    (dict(input_dim=(1, 4, 4), num_filters=3, filter_size=1, hidden_dim=4, num_classes=2,
          weight_scale=0.2, reg=0.1, seed=2), 5, "1x4x4 inputs, 1x1 filters, reg 0.1"),
    (dict(seed=3, reg=0.01), 2, "the default network (3x32x32, 32 7x7 filters, 100 hidden)"),
]

_DEFAULTS = dict(input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0)


def _net_shapes(kwargs) -> dict[str, tuple]:
    k = {**_DEFAULTS, **kwargs}
    C, H, W = k["input_dim"]
    F, fs = k["num_filters"], k["filter_size"]
    return {"W1": (F, C, fs, fs), "b1": (F,), "W2": (F * (H // 2) * (W // 2), k["hidden_dim"]),
            "b2": (k["hidden_dim"],), "W3": (k["hidden_dim"], k["num_classes"]),
            "b3": (k["num_classes"],)}


def convnet_cases():
    for k, (kwargs, n, hint) in enumerate(_NET_SETTINGS):
        rng = _rng(300 + k)
        shapes = _net_shapes(kwargs)
        params = {name: rng.standard_normal(shape) * (0.3 if name.startswith("W") else 0.1)
                  for name, shape in shapes.items()}
        C, H, W = {**_DEFAULTS, **kwargs}["input_dim"]
        X = rng.standard_normal((n, C, H, W))
        y = rng.integers(0, shapes["b3"][0], n)
        yield Case((X, y, params), kwargs, hint=hint)


def _init_problem(got_init: dict, kwargs: dict) -> str | None:
    scale = {**_DEFAULTS, **kwargs}["weight_scale"]
    for name in ("b1", "b2", "b3"):
        if np.any(got_init[name] != 0):
            return f"{name} should start at zero"
    for name in ("W1", "W2", "W3"):
        w = got_init[name]
        if w.size < 50:
            continue
        if not 0.7 * scale < w.std() < 1.4 * scale or abs(w.mean()) > 0.3 * scale:
            return (f"{name} should start normal with standard deviation weight_scale = {scale}"
                    f" and mean 0, got std {w.std():.3g} and mean {w.mean():.3g}")
    return None


def compare_convnet(expected, got, case: Case) -> str | None:
    X, y, params = case.args
    kwargs = case.kwargs
    if got["shapes"] != expected["shapes"]:
        return (f"self.params should hold {expected['shapes']}, got {got['shapes']}. The "
                "convolution keeps height and width (stride 1, pad (filter_size - 1) // 2) and "
                "the 2x2 pool halves them, so W2 has F * H/2 * W/2 rows")
    problem = _init_problem(got["init"], kwargs)
    if problem:
        return problem
    if not got["same_seed"]:
        return ("two networks built with the same seed should have the same weights: draw them "
                "from np.random.default_rng(seed)")
    eps = question_eps(X, expected["scores"])
    problem = _array_problem("scores", expected["scores"], got["scores"],
                             float(np.abs(expected["scores"]).max()) * 100)
    if problem:
        return (f"{problem}. The order is conv (stride 1, pad (filter_size - 1) // 2) - relu - "
                "2x2 max pool (stride 2) - affine - relu - affine, and loss reads the weights "
                "from self.params (the test sets them there)")
    reg = kwargs.get("reg", 0.0)
    penalties = {n: reg * float(np.sum(params[n] ** 2)) for n in ("W1", "W2", "W3")}
    loss_tol = 1e4 * eps * (1 + abs(expected["loss"]))
    difference = got["loss"] - expected["loss"]
    if abs(difference) > loss_tol:
        for name, penalty in penalties.items():
            if penalty > 0 and abs(difference + penalty) <= loss_tol:
                return (f"the loss is short of reg * sum({name}**2): regularise all three "
                        "weight matrices (not the biases)")
        if reg > 0 and abs(difference + sum(penalties.values()) / 2) <= loss_tol:
            return "the loss should add reg * sum(W**2), not 0.5 * reg * sum(W**2)"
        if reg > 0 and abs(difference + sum(penalties.values())) <= loss_tol:
            return "the regularisation is missing from the loss: add reg * sum(W**2) per layer"
        return (f"the loss should be {expected['loss']:.6g}, got {got['loss']:.6g}: the mean "
                "softmax loss plus reg * (sum(W1**2) + sum(W2**2) + sum(W3**2))")
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        if name not in got["grads"]:
            return f"grads has no entry {name!r}: it should have the keys of self.params"
        exp_g, got_g = expected["grads"][name], got["grads"][name]
        scale = float(np.abs(exp_g).max()) * 100 + 1e-12
        problem = _array_problem(f"grads[{name!r}]", exp_g, got_g, scale)
        if not problem:
            continue
        if name.startswith("W") and reg > 0 and np.shape(got_g) == exp_g.shape:
            missing = exp_g - got_g
            if np.allclose(missing, 2 * reg * params[name], rtol=1e-4, atol=1e-8):
                return (f"{problem}. The gradient of the regularisation, 2 * reg * {name}, is "
                        "missing")
            if np.allclose(missing, reg * params[name], rtol=1e-4, atol=1e-8):
                return (f"{problem}. The derivative of reg * sum({name}**2) is 2 * reg * {name}, "
                        f"not reg * {name}")
        return (f"{problem}. Go backwards through the same layers with their caches: affine, "
                "relu, affine, max pool, relu, conv")
    return None


_LAYERS = ("conv_forward_naive", "conv_backward_naive", "max_pool_forward_naive",
           "max_pool_backward_naive", "im2col", "col2im", "conv_forward_fast",
           "conv_backward_fast", "affine_forward", "affine_backward", "relu_forward",
           "relu_backward", "softmax_loss")

# A layer that computes every valid setting right but lacks the ValueError keeps most of
# its points: 2 of 3 for the convolution, 1 of 2 for pooling and im2col.
_WITH_REFUSALS = {"main": 2 / 3, "refusal": 1 / 3}
_HALF_REFUSALS = {"main": 0.5, "refusal": 0.5}

CHECKS = {
    "test_conv_forward_naive": Check("conv_forward_naive", conv_forward_cases,
                                     compare_conv_forward_naive, driver=layer_driver,
                                     groups=_WITH_REFUSALS),
    "test_conv_backward_naive": Check("conv_backward_naive", conv_backward_naive_cases,
                                      compare_conv_backward),
    "test_max_pool_forward_naive": Check("max_pool_forward_naive", pool_forward_cases,
                                         compare_pool_forward, driver=layer_driver,
                                         groups=_HALF_REFUSALS),
    "test_max_pool_backward_naive": Check("max_pool_backward_naive", pool_backward_cases,
                                          compare_pool_backward),
    "test_im2col": Check("im2col", im2col_cases, compare_im2col, driver=layer_driver,
                         groups=_HALF_REFUSALS),
    "test_col2im": Check("col2im", col2im_cases, compare_col2im),
    # The refusals are graded on conv_forward_naive and im2col; the fast layer gets them from
    # im2col, which here is the reference run by the grader (its error arrives as a stand-in's).
    "test_conv_forward_fast": Check("conv_forward_fast", lambda: conv_forward_cases(False),
                                    compare_conv_forward_fast, use_reference_for=("im2col",),
                                    driver=layer_driver),
    "test_conv_backward_fast": Check("conv_backward_fast", conv_backward_fast_cases,
                                     compare_conv_backward,
                                     use_reference_for=("im2col", "col2im")),
    "test_three_layer_convnet": Check("ThreeLayerConvNet", convnet_cases, compare_convnet,
                                      use_reference_for=_LAYERS, driver=convnet_driver),
}
