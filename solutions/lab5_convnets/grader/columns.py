"""Hidden checks for im2col and col2im in convnet.ipynb (part 4): the layout of the windows as
columns, and putting columns back onto the pixels they came from."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array

from ..sandbox.drivers import layer_driver
from .common import HALF_REFUSALS, array_problem, distinct, generator, geometry, refusal_problem

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
        yield Case((distinct(200 + k, shape, dtype), HH, WW, s, p), hint=hint)
    yield Case((distinct(220, (1, 1, 7, 7)), 3, 3, 3, 0),
               hint="3x3 windows, stride 3 on a 7x7 input: (7 - 3) / 3 + 1", group="refusal")
    yield Case((distinct(221, (1, 2, 6, 5)), 3, 2, 2, 1),
               hint="3x2 windows, stride 2, pad 1 on 6x5: the height (6 + 2 - 3) / 2 + 1",
               group="refusal")


def _same_columns_in_other_order(expected, got, axis: int) -> bool:
    """True when every row (axis 0) or column (axis 1) of got is one of expected's."""
    exp = expected if axis == 0 else expected.T
    mine = got if axis == 0 else got.T
    known = {tuple(np.round(r, 6)) for r in exp}
    return all(tuple(np.round(r, 6)) in known for r in mine)


def compare_im2col(expected, got, case: Case) -> str | None:
    problem = refusal_problem(expected, got, f"these settings ({geometry(case)})")
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
    problem = array_problem("cols", exp, arr, float(np.abs(case.args[0]).max()))
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
        cols = generator(240 + k).standard_normal((C * HH * WW, N * H_out * W_out)).astype(dtype)
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
    return array_problem("col2im's result", expected, arr,
                         float(per_pixel * np.abs(cols).max()), hint)


CHECKS = {
    "test_im2col": Check("im2col", im2col_cases, compare_im2col, driver=layer_driver,
                         groups=HALF_REFUSALS),
    "test_col2im": Check("col2im", col2im_cases, compare_col2im),
}
