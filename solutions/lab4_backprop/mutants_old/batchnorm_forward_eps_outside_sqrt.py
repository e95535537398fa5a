"""eps is added outside the square root, (x - mean) / (sqrt(var) + eps). The backward passes
are the exact gradients of that forward pass, so only the forward test should lose points."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_batchnorm_forward"


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    root = np.sqrt(var)
    denominator = root + eps
    x_hat = (x - mean) / denominator
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, denominator, root)
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    x_hat, gamma, denominator, root = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    centred = x_hat * denominator
    droot = -(dx_hat * centred).sum(axis=0) / denominator**2
    dvar = droot / (2 * root)
    dcentred = dx_hat / denominator + 2 * centred * dvar / N
    dx = dcentred - dcentred.mean(axis=0)
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    x_hat, gamma, denominator, root = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=0)) / denominator - x_hat * (g * x_hat).sum(axis=0) / (N * root)
    return dx, dgamma, dbeta
