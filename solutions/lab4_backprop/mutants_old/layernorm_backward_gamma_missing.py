"""dx leaves out gamma: g = dout instead of dout * gamma."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_layernorm_backward"


def layernorm_backward(dout, cache):
    x_hat, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout
    dx = (g - g.mean(axis=1, keepdims=True)
          - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / std
    return dx, dgamma, dbeta
