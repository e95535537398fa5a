"""Biases drawn at random like the weights."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_fc_net_init"


class FullyConnectedNet:
    """{affine - activation - [dropout]} x (L - 1) - affine - softmax, for any depth L >= 1.

    hidden_dims: list of hidden layer sizes (an empty list gives a linear softmax classifier).
    input_dim: D, numbers per example (images are flattened by affine_forward).
    num_classes: C.
    activation: "relu", "sigmoid" or "tanh", used after every hidden affine layer.
    dropout_keep: keep probability p of a dropout layer after every hidden activation;
      1.0 means no dropout layers.
    reg: L2 strength; the loss adds reg * sum(W * W) for every weight matrix (not biases).
    weight_scale: the standard deviation of the initial weights, or "fan_in" for
      1 / sqrt(fan-in) in each layer (fan-in: the number of inputs of that layer).
    seed: seed for np.random.default_rng, which draws the initial weights. When it is not
      None it is also put in dropout_param, so every call uses the same dropout masks
      (needed for gradient checks; delete dropout_param["seed"] to train with fresh masks).

    Attributes:
      params: dict "W1", "b1", ..., "WL", "bL" of arrays; W_l (d_{l-1}, d_l) drawn from a
        normal distribution with the standard deviation above, in the order W1, W2, ...;
        b_l (d_l,) zeros. d_0 = input_dim, d_L = num_classes.
      num_layers: L = len(hidden_dims) + 1.
      dropout_param: the dict given to dropout_forward, {"mode", "p"[, "seed"]}.
    """

    def __init__(self, hidden_dims, input_dim, num_classes, activation="relu",
                 dropout_keep=1.0, reg=0.0, weight_scale=1e-2, seed=None):
        if activation not in ("relu", "sigmoid", "tanh"):
            raise ValueError(f"activation must be relu, sigmoid or tanh, got {activation!r}")
        self.activation = activation
        self.use_dropout = dropout_keep < 1.0
        self.reg = reg
        self.num_layers = len(hidden_dims) + 1
        self.params = {}
        self.dropout_param = {"mode": "train", "p": dropout_keep}
        if seed is not None:
            self.dropout_param["seed"] = seed
        draw = np.random.default_rng(seed).standard_normal
        dims = [input_dim, *hidden_dims, num_classes]
        for layer, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
            std = 1.0 / np.sqrt(fan_in) if weight_scale == "fan_in" else weight_scale
            self.params[f"W{layer}"] = std * draw((fan_in, fan_out))
            self.params[f"b{layer}"] = std * draw(fan_out)

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        Inputs:
          X: (N, d_1, ..., d_k) examples.  y: (N,) labels, or None.
        Returns scores (N, C) when y is None (test mode: no dropout). Otherwise (loss, grads):
        the softmax loss plus the L2 term, and grads a dict keyed like params (train mode).
        """
        mode = "test" if y is None else "train"
        self.dropout_param["mode"] = mode
        forward, backward = {
            "relu": (relu_forward, relu_backward),
            "sigmoid": (sigmoid_forward, sigmoid_backward),
            "tanh": (tanh_forward, tanh_backward),
        }[self.activation]
        L = self.num_layers
        caches = []
        h = X
        for layer in range(1, L):
            h, affine_cache = affine_forward(h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            h, act_cache = forward(h)
            drop_cache = None
            if self.use_dropout:
                h, drop_cache = dropout_forward(h, self.dropout_param)
            caches.append((affine_cache, act_cache, drop_cache))
        scores, last_cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        if mode == "test":
            return scores

        loss, dscores = softmax_loss(scores, y)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, last_cache)
        for layer in range(L - 1, 0, -1):
            affine_cache, act_cache, drop_cache = caches[layer - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, drop_cache)
            dh = backward(dh, act_cache)
            dh, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dh, affine_cache)
        for layer in range(1, L + 1):
            W = self.params[f"W{layer}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{layer}"] += 2 * self.reg * W
        return loss, grads
