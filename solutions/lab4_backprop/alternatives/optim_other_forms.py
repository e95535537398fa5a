"""Correct update rules in other forms: SGD in place, momentum with the learning rate applied
outside the velocity, and Adam in the paper's efficient form (bias correction folded into the
step size)."""

import numpy as np


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    lr = config.setdefault("learning_rate", 1e-2)
    w -= lr * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    config = dict(config or {})
    lr = config.setdefault("learning_rate", 1e-2)
    mu = config.setdefault("momentum", 0.9)
    u = config.get("velocity", np.zeros_like(w))
    u = mu * u + dw
    config["velocity"] = u
    return w - lr * u, config


def adam(w, dw, config=None):
    config = dict(config or {})
    lr = config.get("learning_rate", 1e-3)
    b1, b2 = config.get("beta1", 0.9), config.get("beta2", 0.999)
    eps = config.get("epsilon", 1e-8)
    t = config.get("t", 0) + 1
    m = b1 * config.get("m", 0.0) + (1 - b1) * dw
    v = b2 * config.get("v", 0.0) + (1 - b2) * np.square(dw)
    step = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    next_w = w - step * m / (np.sqrt(v) + eps * np.sqrt(1 - b2**t))
    config.update(learning_rate=lr, beta1=b1, beta2=b2, epsilon=eps, m=m, v=v, t=t)
    return next_w, config
