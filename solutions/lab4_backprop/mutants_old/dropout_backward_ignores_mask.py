"""dx = dout in train mode: the dropped units get a gradient."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_dropout_backward"


def dropout_backward(dout, cache):
    """Backward pass of dropout_forward.

    Inputs: dout, upstream gradient shaped like x.  cache: what dropout_forward returned.
    Returns dx shaped like x.
    """
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        dx = dout
    else:
        dx = dout
    return dx
