"""The sigmoid computed in place in x to save memory, changing the caller's array."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_sigmoid_forward"


def sigmoid_forward(x):
    """Logistic sigmoid, elementwise: out = 1 / (1 + exp(-x)), without overflow.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (0, 1); cache = out for sigmoid_backward.
    """
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += 1
    np.reciprocal(x, out=x)
    out = x
    cache = out
    return out, cache
