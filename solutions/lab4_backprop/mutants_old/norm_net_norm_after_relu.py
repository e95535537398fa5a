"""The normalisation runs after the ReLU instead of between the affine layer and the
ReLU."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_norm_net_loss"


class NormalizedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, normalization=None, reg=0.0,
                 weight_scale=1e-2, seed=None):
        if normalization not in (None, "batchnorm", "layernorm"):
            raise ValueError("normalization must be None, 'batchnorm' or 'layernorm', got "
                             f"{normalization!r}")
        self.normalization = normalization
        self.reg = reg
        self.num_layers = len(hidden_dims) + 1
        self.params = {}
        self.norm_params = []
        draw = np.random.default_rng(seed).standard_normal
        dims = [input_dim, *hidden_dims, num_classes]
        for layer, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
            std = 1.0 / np.sqrt(fan_in) if weight_scale == "fan_in" else weight_scale
            self.params[f"W{layer}"] = std * draw((fan_in, fan_out))
            self.params[f"b{layer}"] = np.zeros(fan_out)
            if normalization is not None and layer < self.num_layers:
                self.params[f"gamma{layer}"] = np.ones(fan_out)
                self.params[f"beta{layer}"] = np.zeros(fan_out)
                self.norm_params.append({"mode": "train"})

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        Inputs:
          X: (N, d_1, ..., d_k) examples.  y: (N,) labels, or None.
        Returns scores (N, C) when y is None (test mode: batch normalisation uses its running
        averages). Otherwise (loss, grads): the softmax loss plus reg * sum(W * W) over the
        weight matrices, and grads a dict keyed like params (train mode).
        """
        mode = "test" if y is None else "train"
        for norm_param in self.norm_params:
            norm_param["mode"] = mode
        if self.normalization == "batchnorm":
            norm_forward, norm_backward = batchnorm_forward, batchnorm_backward
        elif self.normalization == "layernorm":
            norm_forward, norm_backward = layernorm_forward, layernorm_backward
        L = self.num_layers
        caches = []
        h = X
        for layer in range(1, L):
            h, affine_cache = affine_forward(h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            h, relu_cache = relu_forward(h)
            norm_cache = None
            if self.normalization is not None:
                h, norm_cache = norm_forward(h, self.params[f"gamma{layer}"],
                                             self.params[f"beta{layer}"],
                                             self.norm_params[layer - 1])
            caches.append((affine_cache, norm_cache, relu_cache))
        scores, last_cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        if mode == "test":
            return scores

        loss, dscores = softmax_loss(scores, y)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, last_cache)
        for layer in range(L - 1, 0, -1):
            affine_cache, norm_cache, relu_cache = caches[layer - 1]
            if self.normalization is not None:
                dh, grads[f"gamma{layer}"], grads[f"beta{layer}"] = norm_backward(dh, norm_cache)
            dh = relu_backward(dh, relu_cache)
            dh, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dh, affine_cache)
        for layer in range(1, L + 1):
            W = self.params[f"W{layer}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{layer}"] += 2 * self.reg * W
        return loss, grads
