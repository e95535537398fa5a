"""dx = dout * (1 - s)."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_sigmoid_backward"


def sigmoid_backward(dout, cache):
    """Backward pass of sigmoid_forward, using the output s: dx = dout * (1 - s).

    Inputs: dout, upstream gradient shaped like x.  cache: what sigmoid_forward returned.
    Returns dx shaped like x.
    """
    s = cache
    dx = dout * (1 - s)
    return dx
