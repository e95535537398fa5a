"""dgamma and dbeta are summed over each example's features (axis 1) instead of over the
examples, giving one value per example."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_layernorm_backward"


def layernorm_backward(dout, cache):
    x_hat, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dbeta = dout.sum(axis=1)
    dgamma = (dout * x_hat).sum(axis=1)
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True)
          - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / std
    return dx, dgamma, dbeta
