"""The cache holds the input x and the backward pass computes 1 - x**2 from it."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_tanh_backward"


def tanh_forward(x):
    """Hyperbolic tangent, elementwise.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (-1, 1); cache = x for tanh_backward.
    """
    out = np.tanh(x)
    cache = x
    return out, cache


def tanh_backward(dout, cache):
    """Backward pass of tanh_forward, using the output t: dx = dout * (1 - t**2).

    Inputs: dout, upstream gradient shaped like x.  cache: what tanh_forward returned.
    Returns dx shaped like x.
    """
    x = cache
    dx = dout * (1 - x**2)
    return dx
