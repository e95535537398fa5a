"""ReLU written in place (x[x < 0] = 0), which changes the caller's array."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_relu_forward"


def relu_forward(x):
    """ReLU, elementwise: out = max(0, x).

    Inputs: x, any shape.
    Returns (out, cache): out shaped like x; cache = x for relu_backward.
    """
    x[x < 0] = 0
    out = x
    cache = x
    return out, cache
