"""|x| instead of max(0, x)."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_relu_forward"


def relu_forward(x):
    """ReLU, elementwise: out = max(0, x).

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x; cache = x for relu_backward.
    """
    out = np.abs(x)
    cache = x
    return out, cache
