"""A leaky ReLU (0.01 x for x < 0)."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_relu_forward"


def relu_forward(x):
    """ReLU, elementwise: out = max(0, x).

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x; cache = x for relu_backward.
    """
    out = np.where(x > 0, x, 0.01 * x)
    cache = x
    return out, cache
