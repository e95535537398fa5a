"""The simplified formula uses sums over the batch where it needs means (N times too
large corrections)."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_batchnorm_backward_alt"


def batchnorm_backward_alt(dout, cache):
    x_hat, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0)) / std
    return dx, dgamma, dbeta
