"""Correct, written differently: einsum affine layers, ReLU by multiplying with its mask,
sigmoid through logaddexp, tanh as 2 sigmoid(2x) - 1, a 0/1 dropout mask divided by p in the
backward pass, np.where hinge losses, a copied SGD config, and Adam keeping its moments
only in config."""

import numpy as np


def affine_forward(x, w, b):
    flat = x.reshape(len(x), -1)
    return np.einsum("nd,dm->nm", flat, w) + b, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    flat = x.reshape(len(x), -1)
    dx = np.einsum("nm,dm->nd", dout, w).reshape(x.shape)
    return dx, np.einsum("nd,nm->dm", flat, dout), np.einsum("nm->m", dout)


def relu_forward(x):
    return x * (x > 0), x


def relu_backward(dout, cache):
    return np.multiply(dout, cache > 0)


def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + e^-x) without overflow
    return out, out


def sigmoid_backward(dout, cache):
    return dout * (cache - cache**2)


def tanh_forward(x):
    out = 2.0 * np.exp(-np.logaddexp(0.0, -2.0 * x)) - 1.0
    return out, out


def tanh_backward(dout, cache):
    return dout - dout * np.square(cache)


def dropout_forward(x, dropout_param):
    p = dropout_param["p"]
    if dropout_param["mode"] != "train":
        return x, (dropout_param, None)
    keep = np.random.default_rng(dropout_param.get("seed")).random(x.shape) < p
    return np.where(keep, x / p, 0.0), (dropout_param, keep)


def dropout_backward(dout, cache):
    dropout_param, keep = cache
    if dropout_param["mode"] != "train":
        return dout
    return np.where(keep, dout / dropout_param["p"], 0.0)


def softmax_loss(x, y):
    n = len(y)
    log_probs = x - np.logaddexp.reduce(x, axis=1, keepdims=True)
    onehot = np.eye(x.shape[1])[y]
    return float(-(log_probs * onehot).sum() / n), (np.exp(log_probs) - onehot) / n


def svm_loss(x, y):
    n = len(y)
    correct = x[np.arange(n), y][:, None]
    others = np.arange(x.shape[1]) != y[:, None]
    active = np.where(others & (x - correct + 1 > 0), 1.0, 0.0)
    loss = float(np.sum(active * (x - correct + 1)) / n)
    dx = active - np.eye(x.shape[1])[y] * active.sum(axis=1, keepdims=True)
    return loss, dx / n


def sgd(w, dw, config=None):
    config = {"learning_rate": 1e-2, **(config or {})}
    return np.subtract(w, config["learning_rate"] * dw), config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    lr, mu = config.setdefault("learning_rate", 1e-2), config.setdefault("momentum", 0.9)
    config["velocity"] = mu * config.get("velocity", 0 * w) - lr * dw
    return w + config["velocity"], config


def adam(w, dw, config=None):
    config = {} if config is None else config
    defaults = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0}
    for key, value in defaults.items():
        config.setdefault(key, value)
    t = config["t"] = config["t"] + 1
    b1, b2 = config["beta1"], config["beta2"]
    config["m"] = b1 * config.get("m", np.zeros_like(w)) + (1 - b1) * dw
    config["v"] = b2 * config.get("v", np.zeros_like(w)) + (1 - b2) * dw * dw
    m_hat, v_hat = config["m"] / (1 - b1**t), config["v"] / (1 - b2**t)
    return w - config["learning_rate"] * m_hat / (v_hat**0.5 + config["epsilon"]), config
