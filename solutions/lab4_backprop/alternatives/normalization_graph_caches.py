"""Correct normalisation written the CS231n way: the cache keeps x, the batch statistics
and eps (a dict), the running averages are updated in place, the backward pass follows
the graph from x, the simplified formula is written with N, layer normalisation reuses
the batch formulas on the transpose, and the net keeps its layers in a list."""
# ruff: noqa: F821  (the affine and ReLU layers and the loss come from layers.ipynb)

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.setdefault("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.setdefault("running_var", np.zeros(D, dtype=x.dtype))
    if mode == "train":
        mu = np.sum(x, axis=0) / x.shape[0]
        var = np.sum((x - mu) ** 2, axis=0) / x.shape[0]
        running_mean *= momentum
        running_mean += (1 - momentum) * mu
        running_var *= momentum
        running_var += (1 - momentum) * var
    elif mode == "test":
        mu, var = running_mean, running_var
    else:
        raise ValueError(mode)
    inv_std = 1.0 / np.sqrt(var + eps)
    out = gamma * ((x - mu) * inv_std) + beta
    return out, {"x": x, "mu": mu, "var": var, "eps": eps, "gamma": gamma}


def batchnorm_backward(dout, cache):
    x, mu, var, eps, gamma = (cache[k] for k in ("x", "mu", "var", "eps", "gamma"))
    N = x.shape[0]
    inv_std = (var + eps) ** -0.5
    x_hat = (x - mu) * inv_std
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dvar = np.sum(dx_hat * (x - mu), axis=0) * -0.5 * inv_std**3
    dmu = -np.sum(dx_hat, axis=0) * inv_std + dvar * np.mean(-2.0 * (x - mu), axis=0)
    dx = dx_hat * inv_std + dvar * 2.0 * (x - mu) / N + dmu / N
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    x, mu, var, eps, gamma = (cache[k] for k in ("x", "mu", "var", "eps", "gamma"))
    N = x.shape[0]
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (x_hat * dout).sum(axis=0)
    g = gamma * dout
    dx = inv_std / N * (N * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    xt = x.T  # (D, N): each example is now a column, normalised like a batchnorm feature
    mu = xt.mean(axis=0)
    var = xt.var(axis=0)
    x_hat = ((xt - mu) / np.sqrt(var + eps)).T
    return gamma * x_hat + beta, (x_hat, gamma, np.sqrt(var + eps))


def layernorm_backward(dout, cache):
    x_hat, gamma, std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    g, xt = (dout * gamma).T, x_hat.T
    D = g.shape[0]
    dxt = (D * g - g.sum(axis=0) - xt * (g * xt).sum(axis=0)) / (D * std)
    return dxt.T, dgamma, dbeta


class NormalizedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, reg=0.0,
                 weight_scale=1e-2, seed=None):
        if normalization not in (None, "batchnorm", "layernorm"):
            raise ValueError(normalization)
        self.normalization, self.reg = normalization, reg
        self.num_layers = len(hidden_dims) + 1
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for i in range(self.num_layers):
            scale = dims[i] ** -0.5 if weight_scale == "fan_in" else weight_scale
            self.params[f"W{i + 1}"] = rng.normal(0.0, 1.0, (dims[i], dims[i + 1])) * scale
            self.params[f"b{i + 1}"] = np.zeros(dims[i + 1])
        self.norm_params = []
        if normalization:
            for i in range(1, self.num_layers):
                self.params[f"gamma{i}"] = np.ones(dims[i])
                self.params[f"beta{i}"] = np.zeros(dims[i])
            self.norm_params = [{"mode": "train"} for _ in range(self.num_layers - 1)]

    def _layers(self):
        norm = {"batchnorm": (batchnorm_forward, batchnorm_backward),
                "layernorm": (layernorm_forward, layernorm_backward)}.get(self.normalization)
        for i in range(1, self.num_layers):
            yield i, norm

    def loss(self, X, y=None):
        mode = "train" if y is not None else "test"
        for p in self.norm_params:
            p["mode"] = mode
        stack, h = [], X
        for i, norm in self._layers():
            h, c_aff = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            c_norm = None
            if norm:
                h, c_norm = norm[0](h, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                                    self.norm_params[i - 1])
            h, c_relu = relu_forward(h)
            stack.append((i, norm, c_aff, c_norm, c_relu))
        L = self.num_layers
        scores, c_last = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        if y is None:
            return scores
        data_loss, d = softmax_loss(scores, y)
        grads = {}
        d, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(d, c_last)
        for i, norm, c_aff, c_norm, c_relu in reversed(stack):
            d = relu_backward(d, c_relu)
            if norm:
                d, grads[f"gamma{i}"], grads[f"beta{i}"] = norm[1](d, c_norm)
            d, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(d, c_aff)
        weights = [self.params[f"W{i}"] for i in range(1, L + 1)]
        for i, W in enumerate(weights, start=1):
            grads[f"W{i}"] = grads[f"W{i}"] + 2 * self.reg * W
        return data_loss + self.reg * sum(float(np.sum(W**2)) for W in weights), grads
