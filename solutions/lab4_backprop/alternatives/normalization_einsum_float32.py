"""Correct normalisation keeping float32 as float32, with einsum for the batch sums,
statistics without keepdims (broadcast with [:, None]), a cache tuple holding the centred
input and the inverse standard deviation, and the running averages stored only after the
output is computed."""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    old_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    old_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "test":
        centred = x - old_mean
        inv_std = (old_var + eps) ** -0.5
        return centred * (gamma * inv_std) + beta, (centred, inv_std, gamma)
    n = x.shape[0]
    mean = np.einsum("nd->d", x) / n
    centred = x - mean
    var = np.einsum("nd,nd->d", centred, centred) / n
    inv_std = (var + eps) ** -0.5
    out = centred * inv_std * gamma + beta
    bn_param["running_mean"] = old_mean + (1 - momentum) * (mean - old_mean)
    bn_param["running_var"] = old_var + (1 - momentum) * (var - old_var)
    return out.astype(x.dtype, copy=False), (centred, inv_std, gamma)


def batchnorm_backward(dout, cache):
    centred, inv_std, gamma = cache
    n = dout.shape[0]
    x_hat = centred * inv_std
    dbeta = np.einsum("nd->d", dout)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    g = dout * gamma
    dvar = np.einsum("nd,nd->d", g, centred) * (-0.5) * inv_std**3
    dcentred = g * inv_std + (2.0 / n) * centred * dvar
    dx = dcentred - np.einsum("nd->d", dcentred) / n
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    centred, inv_std, gamma = cache
    x_hat = centred * inv_std
    g = dout * gamma
    mean_g = g.mean(axis=0)
    proj = np.einsum("nd,nd->d", g, x_hat) / dout.shape[0]
    return (g - mean_g - x_hat * proj) * inv_std, np.einsum("nd,nd->d", dout, x_hat), dout.sum(0)


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1)
    centred = x - mean[:, None]
    inv_std = 1.0 / np.sqrt((centred**2).mean(axis=1) + eps)
    x_hat = centred * inv_std[:, None]
    return x_hat * gamma + beta, (x_hat, inv_std, gamma)


def layernorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache
    g = dout * gamma
    dx = (g - g.mean(axis=1)[:, None] - x_hat * (g * x_hat).mean(axis=1)[:, None]) \
        * inv_std[:, None]
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
