"""Each example's variance divides by D - 1 instead of D. The backward pass is the exact
gradient of that forward pass, so only the forward test should lose points."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_layernorm_forward"
# Its cache (the statistics it computed) feeds the backward pass, whose layout is the
# student's choice, and the backward tests grade against the reference gradients only.
ALSO_BREAKS = ("test_layernorm_backward",)


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, ddof=1, keepdims=True) + eps)
    x_hat = (x - mean) / std
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, std)
    return out, cache


def layernorm_backward(dout, cache):
    x_hat, gamma, std = cache
    D = dout.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True)
          - x_hat * (g * x_hat).sum(axis=1, keepdims=True) / (D - 1)) / std
    return dx, dgamma, dbeta
