"""Hidden checks for max pooling in convnet.ipynb (part 3): square and non-square windows,
overlapping ones, float32, and windows that do not tile the input (ValueError)."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array

from ..sandbox.drivers import layer_driver
from .common import HALF_REFUSALS, array_problem, distinct, generator, geometry, refusal_problem

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


def _pool_param(ph, pw, s):
    return {"pool_height": ph, "pool_width": pw, "stride": s}


def pool_forward_cases():
    for k, (shape, (ph, pw, s), hint) in enumerate(_POOL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        yield Case((distinct(100 + k, shape, dtype), _pool_param(ph, pw, s)), hint=hint)
    for k, (shape, (ph, pw, s), hint) in enumerate(_BAD_POOL):
        yield Case((distinct(120 + k, shape), _pool_param(ph, pw, s)), hint=hint,
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
    problem = refusal_problem(expected, got, f"these settings ({geometry(case)})")
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
    problem = array_problem("out", exp_out, arr, float(np.abs(x).max()), hint)
    if problem:
        return problem
    if not isinstance(cache, tuple) or len(cache) != 2 or not np.array_equal(cache[0], x) \
            or cache[1] != pool_param:
        return "the cache should be the tuple (x, pool_param), as the docstring says"
    return None


def pool_backward_cases():
    for k, (shape, (ph, pw, s), hint) in enumerate(_POOL_SETTINGS):
        dtype = np.float32 if "float32" in hint else np.float64
        x = distinct(140 + k, shape, dtype)
        H_out, W_out = (shape[2] - ph) // s + 1, (shape[3] - pw) // s + 1
        dout = generator(160 + k).standard_normal((shape[0], shape[1], H_out, W_out)).astype(dtype)
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
    return array_problem("dx", expected, got_arr, float(windows * np.abs(dout).max()), hint)


CHECKS = {
    "test_max_pool_forward_naive": Check("max_pool_forward_naive", pool_forward_cases,
                                         compare_pool_forward, driver=layer_driver,
                                         groups=HALF_REFUSALS),
    "test_max_pool_backward_naive": Check("max_pool_backward_naive", pool_backward_cases,
                                          compare_pool_backward),
}
