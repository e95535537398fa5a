"""dx leaves out gamma: the gradient reaching x_hat is taken to be dout, not dout * gamma."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_batchnorm_backward"


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout
    centred = x_hat * std
    dstd = -(dx_hat * centred).sum(axis=0) / std**2
    dvar = dstd / (2 * std)
    dcentred = dx_hat / std + 2 * centred * dvar / N
    dx = dcentred - dcentred.mean(axis=0)
    return dx, dgamma, dbeta
