"""The batch mean and variance are treated as constants: dx = dout * gamma / std, with
no paths through them."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_batchnorm_backward"


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx = dout * gamma / std
    return dx, dgamma, dbeta
