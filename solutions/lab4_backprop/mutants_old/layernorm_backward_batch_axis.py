"""The means of the backward formula run over the batch (axis 0), as in batch
normalisation, instead of over each example's features."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_layernorm_backward"


def layernorm_backward(dout, cache):
    x_hat, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=0, keepdims=True)
          - x_hat * (g * x_hat).mean(axis=0, keepdims=True)) / std
    return dx, dgamma, dbeta
