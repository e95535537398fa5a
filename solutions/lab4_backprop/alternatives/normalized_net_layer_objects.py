"""A correct NormalizedNet that builds its hidden layers as a list of (forward, backward,
parameter names) steps once, runs the list forwards and backwards, and adds the L2 penalty
with a comprehension; the weights are drawn layer by layer as in part B."""
# ruff: noqa: F821  (the layers and the loss come from layers.ipynb and this notebook)

import numpy as np


class NormalizedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, reg=0.0,
                 weight_scale=1e-2, seed=None):
        if normalization not in (None, "batchnorm", "layernorm"):
            raise ValueError(f"unknown normalization {normalization!r}")
        self.normalization, self.reg = normalization, reg
        dims = [input_dim, *list(hidden_dims), num_classes]
        self.num_layers = len(dims) - 1
        generator = np.random.default_rng(seed)
        self.params = {}
        for k, (n_in, n_out) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
            std = n_in ** -0.5 if weight_scale == "fan_in" else weight_scale
            self.params[f"W{k}"] = generator.normal(0.0, std, size=(n_in, n_out))
            self.params[f"b{k}"] = np.zeros(n_out)
        self.norm_params = []
        if normalization:
            for k in range(1, self.num_layers):
                self.params[f"gamma{k}"] = np.ones(dims[k])
                self.params[f"beta{k}"] = np.zeros(dims[k])
                self.norm_params.append({"mode": "train"})

    def _steps(self):
        steps = []
        for k in range(1, self.num_layers):
            steps.append(("affine", k))
            if self.normalization:
                steps.append((self.normalization, k))
            steps.append(("relu", k))
        steps.append(("affine", self.num_layers))
        return steps

    def loss(self, X, y=None):
        for param in self.norm_params:
            param["mode"] = "train" if y is not None else "test"
        out, caches = X, []
        for kind, k in self._steps():
            if kind == "affine":
                out, cache = affine_forward(out, self.params[f"W{k}"], self.params[f"b{k}"])
            elif kind == "relu":
                out, cache = relu_forward(out)
            else:
                norm_forward = batchnorm_forward if kind == "batchnorm" else layernorm_forward
                out, cache = norm_forward(out, self.params[f"gamma{k}"],
                                          self.params[f"beta{k}"], self.norm_params[k - 1])
            caches.append(cache)
        if y is None:
            return out
        data_loss, dout = softmax_loss(out, y)
        grads = {}
        for (kind, k), cache in zip(reversed(self._steps()), reversed(caches), strict=True):
            if kind == "affine":
                dout, grads[f"W{k}"], grads[f"b{k}"] = affine_backward(dout, cache)
            elif kind == "relu":
                dout = relu_backward(dout, cache)
            else:
                norm_backward = batchnorm_backward if kind == "batchnorm" else layernorm_backward
                dout, grads[f"gamma{k}"], grads[f"beta{k}"] = norm_backward(dout, cache)
        weights = {f"W{k}": self.params[f"W{k}"] for k in range(1, self.num_layers + 1)}
        penalty = self.reg * sum(np.sum(W**2) for W in weights.values())
        for name, W in weights.items():
            grads[name] = grads[name] + 2 * self.reg * W
        return data_loss + penalty, grads
