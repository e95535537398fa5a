"""Correct, but every layer, loss and update rule computes in float32 (half the memory,
about 7 significant digits), whatever the input's dtype."""

import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).astype(np.float32) @ w.astype(np.float32) + b.astype(np.float32)
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    d = dout.astype(np.float32)
    dx = (d @ w.astype(np.float32).T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).astype(np.float32).T @ d
    return dx, dw, d.sum(axis=0)


def relu_forward(x):
    return np.maximum(x.astype(np.float32), np.float32(0)), x


def relu_backward(dout, cache):
    return np.where(cache > 0, dout.astype(np.float32), np.float32(0))


def sigmoid_forward(x):
    z = np.exp(-np.abs(x.astype(np.float32)))
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(np.float32)
    return out, out


def sigmoid_backward(dout, cache):
    return dout.astype(np.float32) * cache * (1 - cache)


def tanh_forward(x):
    out = np.tanh(x.astype(np.float32))
    return out, out


def tanh_backward(dout, cache):
    return dout.astype(np.float32) * (1 - cache * cache)


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p).astype(np.float32) / np.float32(p)
        out = x.astype(np.float32) * mask
    else:
        out = x
    return out, (dropout_param, mask)


def dropout_backward(dout, cache):
    dropout_param, mask = cache
    return dout.astype(np.float32) * mask if dropout_param["mode"] == "train" else dout


def softmax_loss(x, y):
    s = x.astype(np.float32)
    n = s.shape[0]
    shifted = s - s.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dx = np.exp(log_probs)
    dx[np.arange(n), y] -= 1
    return float(-log_probs[np.arange(n), y].mean()), dx / np.float32(n)


def svm_loss(x, y):
    s = x.astype(np.float32)
    n = s.shape[0]
    margins = np.maximum(np.float32(0), s - s[np.arange(n), y][:, None] + np.float32(1))
    margins[np.arange(n), y] = 0
    positive = (margins > 0).astype(np.float32)
    positive[np.arange(n), y] = -positive.sum(axis=1)
    return float(margins.sum() / n), positive / np.float32(n)


def sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    lr = np.float32(config["learning_rate"])
    return w.astype(np.float32) - lr * dw.astype(np.float32), config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w, dtype=np.float32)).astype(np.float32)
    mu, lr = np.float32(config["momentum"]), np.float32(config["learning_rate"])
    v = mu * v - lr * dw.astype(np.float32)
    config["velocity"] = v
    return w.astype(np.float32) + v, config


def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, default in (("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999),
                         ("epsilon", 1e-8), ("t", 0)):
        config.setdefault(key, default)
    config.setdefault("m", np.zeros_like(w, dtype=np.float32))
    config.setdefault("v", np.zeros_like(w, dtype=np.float32))
    g = dw.astype(np.float32)
    b1, b2, t = np.float32(config["beta1"]), np.float32(config["beta2"]), config["t"] + 1
    m = b1 * config["m"].astype(np.float32) + (1 - b1) * g
    v = b2 * config["v"].astype(np.float32) + (1 - b2) * g * g
    step = m / (1 - b1**t) / (np.sqrt(v / (1 - b2**t)) + np.float32(config["epsilon"]))
    config["m"], config["v"], config["t"] = m, v, t
    return w.astype(np.float32) - np.float32(config["learning_rate"]) * step, config
