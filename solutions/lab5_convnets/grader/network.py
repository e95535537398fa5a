"""Hidden check for ThreeLayerConvNet in convnet.ipynb (part 5): parameter shapes,
initialisation and seeding, then scores, loss and gradients on fixed parameters."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import question_eps

from ..sandbox.drivers import convnet_driver
from .common import array_problem, generator

_NET_SETTINGS = [
    (dict(input_dim=(3, 8, 6), num_filters=4, filter_size=3, hidden_dim=5, num_classes=3,
          weight_scale=0.1, reg=0.0, seed=0), 4, "3x8x6 inputs, 3x3 filters, no regularisation"),
    (dict(input_dim=(2, 6, 8), num_filters=2, filter_size=5, hidden_dim=7, num_classes=4,
          weight_scale=0.05, reg=0.05, seed=1), 3, "2x6x8 inputs, 5x5 filters, reg 0.05"),
    (dict(input_dim=(1, 4, 4), num_filters=3, filter_size=1, hidden_dim=4, num_classes=2,
          weight_scale=0.2, reg=0.1, seed=2), 5, "1x4x4 inputs, 1x1 filters, reg 0.1"),
    (dict(seed=3, reg=0.01), 2, "the default network (3x32x32, 32 7x7 filters, 100 hidden)"),
]

_DEFAULTS = dict(input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0)


def _net_shapes(kwargs) -> dict[str, tuple]:
    k = {**_DEFAULTS, **kwargs}
    C, H, W = k["input_dim"]
    F, fs = k["num_filters"], k["filter_size"]
    return {"W1": (F, C, fs, fs), "b1": (F,), "W2": (F * (H // 2) * (W // 2), k["hidden_dim"]),
            "b2": (k["hidden_dim"],), "W3": (k["hidden_dim"], k["num_classes"]),
            "b3": (k["num_classes"],)}


def convnet_cases():
    for k, (kwargs, n, hint) in enumerate(_NET_SETTINGS):
        rng = generator(300 + k)
        shapes = _net_shapes(kwargs)
        params = {name: rng.standard_normal(shape) * (0.3 if name.startswith("W") else 0.1)
                  for name, shape in shapes.items()}
        C, H, W = {**_DEFAULTS, **kwargs}["input_dim"]
        X = rng.standard_normal((n, C, H, W))
        y = rng.integers(0, shapes["b3"][0], n)
        yield Case((X, y, params), kwargs, hint=hint)


def _init_problem(got_init: dict, kwargs: dict) -> str | None:
    scale = {**_DEFAULTS, **kwargs}["weight_scale"]
    for name in ("b1", "b2", "b3"):
        if np.any(got_init[name] != 0):
            return f"{name} should start at zero"
    for name in ("W1", "W2", "W3"):
        w = got_init[name]
        if w.size < 50:
            continue
        if not 0.7 * scale < w.std() < 1.4 * scale or abs(w.mean()) > 0.3 * scale:
            return (f"{name} should start normal with standard deviation weight_scale = {scale}"
                    f" and mean 0, got std {w.std():.3g} and mean {w.mean():.3g}")
    return None


def compare_convnet(expected, got, case: Case) -> str | None:
    X, y, params = case.args
    kwargs = case.kwargs
    if got["shapes"] != expected["shapes"]:
        return (f"self.params should hold {expected['shapes']}, got {got['shapes']}. The "
                "convolution keeps height and width (stride 1, pad (filter_size - 1) // 2) and "
                "the 2x2 pool halves them, so W2 has F * H/2 * W/2 rows")
    problem = _init_problem(got["init"], kwargs)
    if problem:
        return problem
    if not got["same_seed"]:
        return ("two networks built with the same seed should have the same weights: draw them "
                "from np.random.default_rng(seed)")
    eps = question_eps(X, expected["scores"])
    problem = array_problem("scores", expected["scores"], got["scores"],
                            float(np.abs(expected["scores"]).max()) * 100)
    if problem:
        return (f"{problem}. The order is conv (stride 1, pad (filter_size - 1) // 2) - relu - "
                "2x2 max pool (stride 2) - affine - relu - affine, and loss reads the weights "
                "from self.params (the test sets them there)")
    reg = kwargs.get("reg", 0.0)
    penalties = {n: reg * float(np.sum(params[n] ** 2)) for n in ("W1", "W2", "W3")}
    loss_tol = 1e4 * eps * (1 + abs(expected["loss"]))
    difference = got["loss"] - expected["loss"]
    if abs(difference) > loss_tol:
        for name, penalty in penalties.items():
            if penalty > 0 and abs(difference + penalty) <= loss_tol:
                return (f"the loss is short of reg * sum({name}**2): regularise all three "
                        "weight matrices (not the biases)")
        if reg > 0 and abs(difference + sum(penalties.values()) / 2) <= loss_tol:
            return "the loss should add reg * sum(W**2), not 0.5 * reg * sum(W**2)"
        if reg > 0 and abs(difference + sum(penalties.values())) <= loss_tol:
            return "the regularisation is missing from the loss: add reg * sum(W**2) per layer"
        return (f"the loss should be {expected['loss']:.6g}, got {got['loss']:.6g}: the mean "
                "softmax loss plus reg * (sum(W1**2) + sum(W2**2) + sum(W3**2))")
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        if name not in got["grads"]:
            return f"grads has no entry {name!r}: it should have the keys of self.params"
        exp_g, got_g = expected["grads"][name], got["grads"][name]
        scale = float(np.abs(exp_g).max()) * 100 + 1e-12
        problem = array_problem(f"grads[{name!r}]", exp_g, got_g, scale)
        if not problem:
            continue
        if name.startswith("W") and reg > 0 and np.shape(got_g) == exp_g.shape:
            missing = exp_g - got_g
            if np.allclose(missing, 2 * reg * params[name], rtol=1e-4, atol=1e-8):
                return (f"{problem}. The gradient of the regularisation, 2 * reg * {name}, is "
                        "missing")
            if np.allclose(missing, reg * params[name], rtol=1e-4, atol=1e-8):
                return (f"{problem}. The derivative of reg * sum({name}**2) is 2 * reg * {name}, "
                        f"not reg * {name}")
        return (f"{problem}. Go backwards through the same layers with their caches: affine, "
                "relu, affine, max pool, relu, conv")
    return None


# The network is judged with the reference layers in place of the student's, so a mistake in
# a layer costs points only on that layer's test.
_LAYERS = ("conv_forward_naive", "conv_backward_naive", "max_pool_forward_naive",
           "max_pool_backward_naive", "im2col", "col2im", "conv_forward_fast",
           "conv_backward_fast", "affine_forward", "affine_backward", "relu_forward",
           "relu_backward", "softmax_loss")

CHECKS = {
    "test_three_layer_convnet": Check("ThreeLayerConvNet", convnet_cases, compare_convnet,
                                      use_reference_for=_LAYERS, driver=convnet_driver),
}
