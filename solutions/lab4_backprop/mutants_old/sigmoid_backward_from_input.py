"""The cache holds the input x and the backward pass computes x * (1 - x) from it."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_sigmoid_backward"


def sigmoid_forward(x):
    """Logistic sigmoid, elementwise: out = 1 / (1 + exp(-x)), without overflow.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (0, 1); cache = x for sigmoid_backward.
    """
    z = np.exp(-np.abs(x))  # never overflows
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    cache = x
    return out, cache


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward, using the output s: dx = dout * s * (1 - s).

    Inputs: dout, upstream gradient shaped like x.  cache: what sigmoid_forward returned.
    Returns dx shaped like x.
    """
    x = cache
    dx = dout * x * (1 - x)
    return dx
