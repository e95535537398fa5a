"""The shift beta is never added: out = gamma * x_hat."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_layernorm_forward"


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mean) / std
    out = gamma * x_hat
    cache = (x_hat, gamma, std)
    return out, cache
