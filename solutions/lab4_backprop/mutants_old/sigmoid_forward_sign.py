"""1 / (1 + exp(x)): the minus sign is lost."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_sigmoid_forward"


def sigmoid_forward(x):
    """Logistic sigmoid, elementwise: out = 1 / (1 + exp(-x)), without overflow.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (0, 1); cache = out for sigmoid_backward.
    """
    z = np.exp(-np.abs(x))  # never overflows
    out = np.where(x >= 0, z / (1 + z), 1 / (1 + z))
    cache = out
    return out, cache
