"""Correct normalisation written with per-feature loops for the batch statistics, keepdims
along the feature axis for layer normalisation, the simplified backward as an einsum, a
parameter count from pairs of sizes, and a net whose caches live in a dict per layer and
whose weights come from standard_normal (the same draws as normal(0, 1))."""
# ruff: noqa: F821  (the affine and ReLU layers and the loss come from layers.ipynb)

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    if mode not in ("train", "test"):
        raise ValueError(f"unknown mode {mode!r}")
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    N, D = x.shape
    if "running_mean" not in bn_param:
        bn_param["running_mean"] = np.zeros(D, dtype=x.dtype)
        bn_param["running_var"] = np.zeros(D, dtype=x.dtype)
    if mode == "train":
        mu = np.empty(D, dtype=x.dtype)
        var = np.empty(D, dtype=x.dtype)
        for j in range(D):
            column = x[:, j]
            mu[j] = column.mean()
            var[j] = ((column - mu[j]) ** 2).mean()
        bn_param["running_mean"][:] = momentum * bn_param["running_mean"] + (1 - momentum) * mu
        bn_param["running_var"][:] = momentum * bn_param["running_var"] + (1 - momentum) * var
    else:
        mu, var = bn_param["running_mean"], bn_param["running_var"]
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    return x_hat * gamma + beta, (x_hat, std, gamma)


def batchnorm_backward(dout, cache):
    x_hat, std, gamma = cache
    N = dout.shape[0]
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dbeta = dout.sum(axis=0)
    dx_hat = dout * gamma
    # Through x_hat = (x - mu) / std, with mu and std depending on x as well.
    dstd = -np.sum(dx_hat * x_hat, axis=0) / std
    dvar = dstd / (2 * std)
    dx_centred = dx_hat / std + dvar * 2 * x_hat * std / N
    dx = dx_centred - dx_centred.mean(axis=0)
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    x_hat, std, gamma = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.einsum("nd,nd->d", dout, x_hat)
    dx = (gamma / (N * std)) * (N * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mu = x.mean(axis=1, keepdims=True)
    std = np.sqrt(((x - mu) ** 2).mean(axis=1, keepdims=True) + eps)
    x_hat = (x - mu) / std
    return gamma * x_hat + beta, {"x_hat": x_hat, "std": std, "gamma": gamma}


def layernorm_backward(dout, cache):
    x_hat, std, gamma = cache["x_hat"], cache["std"], cache["gamma"]
    D = dout.shape[1]
    dgamma = (dout * x_hat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    g = dout * gamma
    dx = (D * g - g.sum(axis=1, keepdims=True)
          - x_hat * (g * x_hat).sum(axis=1, keepdims=True)) / (D * std)
    return dx, dgamma, dbeta


def count_parameters(layer_sizes):
    pairs = zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    return int(sum(fan_in * fan_out + fan_out for fan_in, fan_out in pairs))


class NormalizedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, reg=0.0,
                 weight_scale=1e-2, seed=None):
        if normalization not in (None, "batchnorm", "layernorm"):
            raise ValueError("normalization must be None, 'batchnorm' or 'layernorm'")
        self.normalization, self.reg = normalization, reg
        sizes = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(sizes) - 1
        rng = np.random.default_rng(seed)
        self.params = {}
        layer = 0
        while layer < self.num_layers:
            fan_in, fan_out = sizes[layer], sizes[layer + 1]
            scale = 1.0 / np.sqrt(fan_in) if weight_scale == "fan_in" else weight_scale
            self.params[f"W{layer + 1}"] = scale * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{layer + 1}"] = np.zeros(fan_out)
            layer += 1
        self.norm_params = []
        if normalization is not None:
            for layer in range(1, self.num_layers):
                self.params[f"gamma{layer}"] = np.ones(sizes[layer])
                self.params[f"beta{layer}"] = np.zeros(sizes[layer])
                self.norm_params.append({"mode": "train"})

    def loss(self, X, y=None):
        forward = {"batchnorm": batchnorm_forward, "layernorm": layernorm_forward}
        backward = {"batchnorm": batchnorm_backward, "layernorm": layernorm_backward}
        for param in self.norm_params:
            param["mode"] = "test" if y is None else "train"
        caches, h = {}, X
        for layer in range(1, self.num_layers):
            h, caches[("affine", layer)] = affine_forward(
                h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            if self.normalization is not None:
                h, caches[("norm", layer)] = forward[self.normalization](
                    h, self.params[f"gamma{layer}"], self.params[f"beta{layer}"],
                    self.norm_params[layer - 1])
            h, caches[("relu", layer)] = relu_forward(h)
        last = self.num_layers
        scores, caches[("affine", last)] = affine_forward(
            h, self.params[f"W{last}"], self.params[f"b{last}"])
        if y is None:
            return scores
        loss, d = softmax_loss(scores, y)
        grads = {}
        d, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(d, caches[("affine", last)])
        for layer in range(last - 1, 0, -1):
            d = relu_backward(d, caches[("relu", layer)])
            if self.normalization is not None:
                d, grads[f"gamma{layer}"], grads[f"beta{layer}"] = backward[
                    self.normalization](d, caches[("norm", layer)])
            d, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(
                d, caches[("affine", layer)])
        for layer in range(1, last + 1):
            W = self.params[f"W{layer}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{layer}"] += 2 * self.reg * W
        return loss, grads
