"""Correct, but every layer, loss and update rule computes in float32 (half the memory,
about 7 significant digits), whatever the input's dtype."""

import numpy as np

F32 = np.float32


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).astype(F32) @ w.astype(F32) + b.astype(F32)
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    d = dout.astype(F32)
    dx = (d @ w.astype(F32).T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).astype(F32).T @ d
    return dx, dw, d.sum(axis=0)


def relu_forward(x):
    return np.maximum(x.astype(F32), F32(0)), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout.astype(F32), F32(0))


def sigmoid_forward(x):
    z = np.exp(-np.abs(x.astype(F32)))
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(F32)
    return out, out


def sigmoid_backward(dout, cache):
    return dout.astype(F32) * cache * (1 - cache)


def tanh_forward(x):
    out = np.tanh(x.astype(F32))
    return out, out


def tanh_backward(dout, cache):
    return dout.astype(F32) * (1 - cache * cache)


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p).astype(F32) / F32(p)
        out = x.astype(F32) * mask
    else:
        out = x
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    return dout.astype(F32) * mask if dropout_param["mode"] == "train" else dout


def softmax_loss(x, y):
    s = x.astype(F32)
    n = s.shape[0]
    shifted = s - s.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dx = np.exp(log_probs)
    dx[np.arange(n), y] -= 1
    return float(-log_probs[np.arange(n), y].mean()), dx / F32(n)


def svm_loss(x, y):
    s = x.astype(F32)
    n = s.shape[0]
    margins = np.maximum(F32(0), s - s[np.arange(n), y][:, None] + F32(1))
    margins[np.arange(n), y] = 0
    positive = (margins > 0).astype(F32)
    positive[np.arange(n), y] = -positive.sum(axis=1)
    return float(margins.sum() / n), positive / F32(n)


def sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return (w.astype(F32) - F32(config["learning_rate"]) * dw.astype(F32)), config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w, dtype=F32)).astype(F32)
    v = F32(config["momentum"]) * v - F32(config["learning_rate"]) * dw.astype(F32)
    config["velocity"] = v
    return w.astype(F32) + v, config


def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, default in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                         ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, default)
    config.setdefault("m", np.zeros_like(w, dtype=F32))
    config.setdefault("v", np.zeros_like(w, dtype=F32))
    g = dw.astype(F32)
    b1, b2, t = F32(config["beta1"]), F32(config["beta2"]), config["t"] + 1
    m = b1 * config["m"].astype(F32) + (1 - b1) * g
    v = b2 * config["v"].astype(F32) + (1 - b2) * g * g
    step = m / (1 - b1**t) / (np.sqrt(v / (1 - b2**t)) + F32(config["epsilon"]))
    config["m"], config["v"], config["t"] = m, v, t
    return w.astype(F32) - F32(config["learning_rate"]) * step, config
