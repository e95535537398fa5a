"""ReLU backward that zeroes the upstream gradient in place (dx = dout is no copy): the
caller's dout changes."""

BREAKS = "test_relu_backward"


def relu_backward(dout, cache):
    x = cache
    dx = dout
    dx[x <= 0] = 0
    return dx
