"""dout multiplied by the ReLU's output max(0, x) instead of its derivative."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_relu_backward"


def relu_backward(dout, cache):
    """Backward pass of relu_forward.

    Inputs: dout, upstream gradient shaped like x.  cache: what relu_forward returned.
    Returns dx shaped like x: dout where x > 0, else 0.
    """
    x = cache
    dx = dout * np.maximum(x, 0)
    return dx
