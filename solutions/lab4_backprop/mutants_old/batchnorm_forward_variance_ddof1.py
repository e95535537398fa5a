"""The batch variance divides by N - 1 (np.var(..., ddof=1)) instead of N. The backward
passes are the exact gradients of that forward pass, as a careful student would derive them,
so only the forward test should lose points."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_batchnorm_forward"
# Its cache (the statistics it computed) feeds the backward pass, whose layout is the
# student's choice, and the backward tests grade against the reference gradients only.
ALSO_BREAKS = ("test_batchnorm_backward", "test_batchnorm_backward_alt")


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, std)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    centred = x_hat * std
    dstd = -(dx_hat * centred).sum(axis=0) / std**2
    dvar = dstd / (2 * std)
    dcentred = dx_hat / std + 2 * centred * dvar / (N - 1)
    dx = dcentred - dcentred.mean(axis=0)
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    x_hat, gamma, std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).sum(axis=0) / (N - 1)) / std
    return dx, dgamma, dbeta
