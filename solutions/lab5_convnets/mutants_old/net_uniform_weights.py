"""Draws the initial weights uniformly from [0, weight_scale) instead of from a normal
distribution with standard deviation weight_scale."""

import numpy as np

BREAKS = "test_three_layer_convnet"


class ThreeLayerConvNet:
    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0, seed=None):
        self.reg = reg
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        F = num_filters
        self.params = {
            "W1": weight_scale * rng.random((F, C, filter_size, filter_size)),
            "b1": np.zeros(F),
            "W2": weight_scale * rng.random((F * (H // 2) * (W // 2), hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": weight_scale * rng.random((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        p = self.params
        conv_param = {"stride": 1, "pad": (p["W1"].shape[2] - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        a, conv_cache = conv_forward_fast(X, p["W1"], p["b1"], conv_param)  # noqa: F821
        r, relu1_cache = relu_forward(a)  # noqa: F821
        pooled, pool_cache = max_pool_forward_naive(r, pool_param)  # noqa: F821
        h, hidden_cache = affine_forward(pooled, p["W2"], p["b2"])  # noqa: F821
        hr, relu2_cache = relu_forward(h)  # noqa: F821
        scores, scores_cache = affine_forward(hr, p["W3"], p["b3"])  # noqa: F821
        if y is None:
            return scores
        loss, d = softmax_loss(scores, y)  # noqa: F821
        loss += self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2) + np.sum(p["W3"] ** 2))
        grads = {}
        d, grads["W3"], grads["b3"] = affine_backward(d, scores_cache)  # noqa: F821
        d = relu_backward(d, relu2_cache)  # noqa: F821
        d, grads["W2"], grads["b2"] = affine_backward(d, hidden_cache)  # noqa: F821
        d = max_pool_backward_naive(d, pool_cache)  # noqa: F821
        d = relu_backward(d, relu1_cache)  # noqa: F821
        _, grads["W1"], grads["b1"] = conv_backward_fast(d, conv_cache)  # noqa: F821
        for name in ("W1", "W2", "W3"):
            grads[name] = grads[name] + 2 * self.reg * p[name]
        return loss, grads
