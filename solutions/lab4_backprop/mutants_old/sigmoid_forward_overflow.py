"""exp(x) / (1 + exp(x)): inf / inf = NaN for large inputs."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_sigmoid_forward"


def sigmoid_forward(x):
    """Logistic sigmoid, elementwise: out = 1 / (1 + exp(-x)), without overflow.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (0, 1); cache = out for sigmoid_backward.
    """
    out = np.exp(x) / (1 + np.exp(x))
    cache = out
    return out, cache
