"""dx = dout * (1 - t)."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_tanh_backward"


def tanh_backward(dout, cache):
    """Backward pass of tanh_forward, using the output t: dx = dout * (1 - t).

    Inputs: dout, upstream gradient shaped like x.  cache: what tanh_forward returned.
    Returns dx shaped like x.
    """
    t = cache
    dx = dout * (1 - t)
    return dx
