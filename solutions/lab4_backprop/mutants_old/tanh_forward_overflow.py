"""(e^x - e^-x) / (e^x + e^-x): inf / inf = NaN for large inputs."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_tanh_forward"


def tanh_forward(x):
    """Hyperbolic tangent, elementwise.

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x, in (-1, 1); cache = out for tanh_backward.
    """
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    cache = out
    return out, cache
