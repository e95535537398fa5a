"""The network as a list of layers walked forwards and backwards, with weights drawn by the
legacy np.random.RandomState (seeded, so the same seed still gives the same network) and the
regularisation added in one loop."""

import numpy as np


class ThreeLayerConvNet:
    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0, seed=None):
        C, H, W = input_dim
        random = np.random.RandomState(seed)
        flat = num_filters * (H // 2) * (W // 2)
        self.reg = reg
        self.params = {
            "W1": random.randn(num_filters, C, filter_size, filter_size) * weight_scale,
            "W2": random.randn(flat, hidden_dim) * weight_scale,
            "W3": random.randn(hidden_dim, num_classes) * weight_scale,
            "b1": np.zeros(num_filters),
            "b2": np.zeros(hidden_dim),
            "b3": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        P = self.params
        pad = P["W1"].shape[-1] // 2
        layers = [
            ("conv", lambda v: conv_forward_fast(v, P["W1"], P["b1"], {"stride": 1, "pad": pad})),  # noqa: F821
            ("relu", relu_forward),  # noqa: F821
            ("pool", lambda v: max_pool_forward_naive(  # noqa: F821
                v, {"pool_height": 2, "pool_width": 2, "stride": 2})),
            ("fc2", lambda v: affine_forward(v, P["W2"], P["b2"])),  # noqa: F821
            ("relu", relu_forward),  # noqa: F821
            ("fc3", lambda v: affine_forward(v, P["W3"], P["b3"])),  # noqa: F821
        ]
        caches = []
        out = X
        for kind, forward in layers:
            out, cache = forward(out)
            caches.append((kind, cache))
        if y is None:
            return out
        loss, d = softmax_loss(out, y)  # noqa: F821
        grads = {}
        for kind, cache in reversed(caches):
            if kind == "relu":
                d = relu_backward(d, cache)  # noqa: F821
            elif kind == "pool":
                d = max_pool_backward_naive(d, cache)  # noqa: F821
            elif kind == "conv":
                d, grads["W1"], grads["b1"] = conv_backward_fast(d, cache)  # noqa: F821
            else:
                d, grads["W" + kind[-1]], grads["b" + kind[-1]] = affine_backward(d, cache)  # noqa: F821
        for name in ("W1", "W2", "W3"):
            loss += self.reg * np.sum(P[name] ** 2)
            grads[name] += 2 * self.reg * P[name]
        return loss, grads
