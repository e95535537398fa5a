"""Hidden checks for normalization.ipynb: batch and layer normalisation (forward and
backward), parameter counting and the fully connected net with normalisation
(``NormalizedNet``). The same principles hold as for the other layers (:mod:`.layers`):

* A backward pass runs on the cache of the student's own forward (its layout is the
  student's choice; :func:`solutions.lab4_backprop.sandbox.layers.run_backward`) and passes
  only when it matches the reference gradient; nothing computed in the sandbox can earn the
  points. A forward that raises leaves no cache, so that case fails with a message saying so.
* The normalisations themselves (correct, and with typical mistakes, to name them) are
  computed in :mod:`.normalization_answers`, grader side only.
* ``NormalizedNet`` is graded with the reference layers (``use_reference_for``).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check

from ..sandbox.layers import batchnorm_backward_driver, layernorm_backward_driver
from ..sandbox.normalization import (
    batchnorm_forward_driver,
    layernorm_forward_driver,
    norm_net_init_driver,
    norm_net_loss_driver,
)
from . import normalization_answers as answers
from .common import array_problem, compare_backward, rtol_for

_NORM_LAYERS = ("batchnorm_forward", "batchnorm_backward", "layernorm_forward",
                "layernorm_backward")


def _features(rng, n, d, scale=2.0, shift=3.0):
    """(n, d) inputs whose columns have different means and spreads, as real features do."""
    return rng.standard_normal((n, d)) * rng.uniform(0.5, scale, d) + rng.uniform(-shift, shift, d)


# ------------------------------------------------------------------- batchnorm, forward pass


def batchnorm_forward_cases():
    rng = np.random.default_rng(70)
    d = 5
    ones, zeros = np.ones(d), np.zeros(d)
    gamma, beta = rng.uniform(0.5, 2.0, d), rng.standard_normal(d)
    yield Case(([(_features(rng, 8, d), "train")], ones, zeros, {}),
               hint="train mode, gamma = 1 and beta = 0: each column gets mean 0 and variance 1")
    yield Case(([(_features(rng, 6, d), "train")], gamma, beta, {"momentum": 0.8}),
               hint="train mode with gamma, beta and momentum 0.8")
    yield Case(([(_features(rng, 10, d), "test")], gamma, beta,
                {"running_mean": rng.standard_normal(d), "running_var": rng.uniform(0.5, 3, d)}),
               hint="test mode: normalise with running_mean and running_var, not the batch's "
                    "own statistics")
    steps = [(_features(rng, 16, d), "train") for _ in range(4)] + [(_features(rng, 7, d),
                                                                      "test")]
    yield Case((steps, gamma, beta, {"momentum": 0.7}),
               hint="four training batches, then a test batch: the running averages must be "
                    "updated and stored in bn_param at every training call")
    small = _features(rng, 12, 3)
    small[:, 1] = 0.5 + 0.01 * rng.standard_normal(12)  # a feature that barely varies
    yield Case(([(small, "train")], np.ones(3), np.zeros(3), {"eps": 1e-3}),
               hint="a feature with variance about 1e-4 and eps = 1e-3: eps goes inside the "
                    "square root, sqrt(var + eps)")
    yield Case(([(_features(rng, 9, 4).astype(np.float32), "train"),
                 (_features(rng, 5, 4).astype(np.float32), "test")],
                np.ones(4, np.float32), np.zeros(4, np.float32), {}), hint="float32 input")


# --------------------------------------------------------------- backward passes (both norms)


def _backward_cases(seed: int, param: dict):
    rng = np.random.default_rng(seed)
    for n, d in [(6, 4), (10, 3), (4, 7)]:
        x = _features(rng, n, d)
        args = (x, rng.uniform(0.5, 2.0, d), rng.standard_normal(d), dict(param))
        yield Case((args, rng.standard_normal((n, d))), hint=f"x of shape ({n}, {d})")
    x = _features(rng, 5, 3)
    yield Case(((x, np.ones(3), np.zeros(3), dict(param)), rng.standard_normal((5, 3))),
               hint="gamma = 1, beta = 0")
    x = _features(rng, 8, 4).astype(np.float32)
    args = (x, rng.uniform(0.5, 2.0, 4).astype(np.float32), np.zeros(4, np.float32),
            dict(param))
    yield Case((args, rng.standard_normal((8, 4)).astype(np.float32)), hint="float32 input")


def _backward_check(function: str, driver, seed: int, param: dict, hints: dict) -> Check:
    """The check of a normalisation's backward pass; ``driver`` names its forward."""
    axis = 1 if driver is layernorm_backward_driver else 0  # the axis of the statistics

    def compare(expected, got, case: Case):
        problem = compare_backward(("dx", "dgamma", "dbeta"), hints)(expected, got, case)
        return problem and problem + answers.dx_diagnosis(got.get("result"), case, axis)

    return Check(function, lambda: _backward_cases(seed, param), compare, driver=driver)


_BATCHNORM_HINTS = {
    "dx": "x_hat depends on x directly and through the batch mean and variance: follow the "
          "graph back through var and mean, or use dx = (dx_hat - mean(dx_hat) - x_hat * "
          "mean(dx_hat * x_hat)) / sqrt(var + eps), means over the batch, with dx_hat = "
          "dout * gamma",
    "dgamma": "dgamma = sum over the batch of dout * x_hat",
    "dbeta": "dbeta = sum over the batch of dout",
}
_LAYERNORM_HINTS = {
    "dx": "layer normalisation is batch normalisation of each example over its features: "
          "the means in dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std "
          "run over axis 1, with dx_hat = dout * gamma",
    "dgamma": "gamma is shared by every example: dgamma = sum over the examples (axis 0) of "
              "dout * x_hat",
    "dbeta": "dbeta = sum over the examples (axis 0) of dout",
}


# ------------------------------------------------------------------- layernorm, forward pass


def layernorm_forward_cases():
    rng = np.random.default_rng(72)
    yield Case((_features(rng, 4, 6), np.ones(6), np.zeros(6), {}),
               hint="gamma = 1 and beta = 0: each ROW gets mean 0 and variance 1")
    yield Case((_features(rng, 5, 8), rng.uniform(0.5, 2, 8), rng.standard_normal(8), {}),
               hint="with gamma and beta, one per feature")
    yield Case((_features(rng, 1, 5), rng.uniform(0.5, 2, 5), rng.standard_normal(5), {}),
               hint="a single example: layer normalisation needs no batch")
    yield Case((_features(rng, 6, 6), rng.uniform(0.5, 2, 6), rng.standard_normal(6),
                {"eps": 1e-2}), hint="eps = 1e-2 (inside the square root)")
    yield Case((_features(rng, 3, 4).astype(np.float32), np.ones(4, np.float32),
                np.zeros(4, np.float32), {}), hint="float32 input")


# ------------------------------------------------------------------- the normalised network


def norm_net_init_cases():
    for normalization, seed in [(None, 0), ("batchnorm", 1), ("layernorm", 2)]:
        yield Case(([6, 5, 4], 7, 3), {"normalization": normalization, "weight_scale": 0.1,
                                       "seed": seed},
                   hint=f"7-6-5-4-3 with normalization={normalization!r}")
    yield Case(([300, 200], 400, 10), {"normalization": "batchnorm", "weight_scale": "fan_in",
                                       "seed": 3},
               hint='weight_scale="fan_in" with batchnorm')
    yield Case(([], 5, 3), {"normalization": "batchnorm", "seed": 4},
               hint="no hidden layer: nothing to normalise")


def compare_norm_net_init(expected, got, case: Case) -> str | None:
    norm = case.kwargs["normalization"]
    extra = sorted(set(got["keys"]) - set(expected["keys"]))
    missing = sorted(set(expected["keys"]) - set(got["keys"]))
    if missing or extra:
        hidden = len(case.args[0])
        where = (f"gamma1 ... gamma{hidden} and beta1 ... beta{hidden}, one pair per hidden "
                 "layer (the last affine layer is not normalised)" if norm and hidden else
                 "only W and b" if not norm else "only W1 and b1 (no hidden layer)")
        return (f"params should have the keys {expected['keys']}"
                + (f"; missing {missing}" if missing else "")
                + (f"; not expected {extra}" if extra else "") + f": {where}")
    for key, shape in expected["shapes"].items():
        if tuple(got["shapes"][key]) != tuple(shape):
            return f"params['{key}'] should have shape {shape}, got {tuple(got['shapes'][key])}"
    for key, want in expected["values"].items():
        if not np.array_equal(got["values"][key], want):
            start = "ones" if key.startswith("gamma") else "zeros"
            return f"params['{key}'] should start as {start}" + (
                "" if key.startswith("b") else ": each normalisation layer then starts as the "
                "plain normalisation, and training learns how to rescale and shift it")
    for key in expected["keys"]:
        if key.startswith("W"):
            want, mine = expected["std"][key], got["std"][key]
            n = int(np.prod(expected["shapes"][key]))
            if abs(mine - want) > (0.1 + 4 / np.sqrt(2 * n)) * want:
                return (f"params['{key}'] should have standard deviation {want:.3g}, got "
                        f"{mine:.3g}: draw the weights as FullyConnectedNet does")
    if got["norm_params"] != expected["norm_params"] or not got["dict_norm_params"]:
        return (f"norm_params should be a list of {expected['norm_params']} dicts, one per "
                f"hidden layer ({'none without normalisation' if not norm else norm})")
    if got["distinct_norm_params"] != got["norm_params"]:
        return ("the norm_params dicts are one shared dict: every layer needs its own (each "
                "keeps its own running averages), e.g. [{...} for _ in range(L - 1)], not "
                "[{...}] * (L - 1)")
    if not got["same_seed"]:
        return "two nets built with the same seed differ: draw from np.random.default_rng(seed)"
    return None


def norm_net_loss_cases():
    rng = np.random.default_rng(74)
    for normalization, hidden, reg in [(None, [6, 5], 0.0), ("batchnorm", [6, 5], 0.0),
                                       ("batchnorm", [7, 6, 5], 0.2), ("layernorm", [6, 5], 0.1),
                                       ("layernorm", [4], 0.0)]:
        dims = [8, *hidden, 3]
        params = {}
        for layer, (a, b) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
            params[f"W{layer}"] = rng.standard_normal((a, b)) / np.sqrt(a)
            params[f"b{layer}"] = rng.standard_normal(b) * 0.1
            if normalization and layer < len(dims) - 1:
                params[f"gamma{layer}"] = rng.uniform(0.5, 1.5, b)
                params[f"beta{layer}"] = rng.standard_normal(b) * 0.2
        batches = [(_features(rng, 10, 8), rng.integers(0, 3, 10)) for _ in range(3)]
        X_test = _features(rng, 6, 8)
        running = [(rng.standard_normal(d), rng.uniform(0.5, 2.0, d)) for d in hidden]
        yield Case((hidden, 8, 3, params, batches, X_test, running),
                   {"normalization": normalization, "reg": reg, "seed": 0},
                   hint=f"normalization={normalization!r}, hidden layers {hidden}, reg={reg}")


def compare_norm_net_loss(expected, got, case: Case) -> str | None:
    norm = case.kwargs["normalization"]
    _, _, _, params, batches, X_test, _ = case.args
    rtol = rtol_for(X_test, *params.values(), *(X for X, _ in batches))  # float32 admitted
    if not np.isclose(got["losses"][0], expected["losses"][0], rtol=rtol):
        return (f"the loss of the first training batch should be {expected['losses'][0]:.6g}, "
                f"got {got['losses'][0]:.6g}: each hidden layer is affine - "
                + (f"{norm} (with gamma_l, beta_l and norm_params[l - 1]) - " if norm else "")
                + "ReLU, then a last affine layer and the softmax loss"
                + (", plus reg * sum(W * W) over the weight matrices only" if
                   case.kwargs["reg"] else ""))
    grads = got["grads"]
    if sorted(grads) != sorted(expected["grads"]):
        return f"grads should have the keys {sorted(expected['grads'])}, got {sorted(grads)}"
    for key in sorted(expected["grads"]):
        problem = array_problem(
            expected["grads"][key], grads[key], f"grads['{key}']", max(rtol, 1e-6),
            "backpropagate in reverse order: affine_backward, relu_backward, then the "
            "normalisation's backward with its own cache; the L2 term touches only W"
            if norm else "backpropagate through the layers in reverse order")
        if problem:
            return problem
    if not np.allclose(got["losses"], expected["losses"], rtol=rtol):
        return ("the first training batch is right but a later one is not: each training "
                "call must use its own batch's statistics (bn_param mode 'train')")
    problem = array_problem(expected["scores"], got["scores"], "the test-mode scores (y=None)",
                            rtol)
    if problem:
        if norm == "batchnorm":
            return (problem + ". With y=None every norm_params dict's mode is 'test', so batch "
                    "normalisation uses each layer's running averages: give layer l its own "
                    "norm_params[l - 1]")
        return problem
    return None


# ------------------------------------------------------------------------ counting parameters


def count_parameters_cases():
    yield Case(([3, 4, 2],), hint="the lecture's 3-4-2 network (26)")
    yield Case(([3, 4, 4, 1],), hint="the lecture's 3-4-4-1 network (41)")
    yield Case(([784, 256, 10],), hint="the lecture's 784-256-10 MNIST network")
    yield Case(([3072, 512, 256, 10],), hint="hidden layers of different widths")
    yield Case(((3072, 10),), hint="a tuple, no hidden layer (a linear classifier)")
    yield Case((np.array([5, 7, 3, 9, 2]),), hint="a numpy array of sizes")
    yield Case(([12],), hint="a single size: no layer, no parameters")


def compare_count_parameters(expected, got, case: Case) -> str | None:
    sizes = [int(d) for d in case.args[0]]
    if isinstance(got, bool) or not isinstance(got, int | np.integer):
        return f"count_parameters should return an int, got {type(got).__name__}"
    if int(got) == expected:
        return None
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    weights = sum(a * b for a, b in pairs)
    typical = {
        weights: "that counts the weights only: every layer also has d_l biases",
        weights + sum(sizes): "that counts biases for the inputs too: only layers 1 ... L "
                              "have biases",
        sum(a * b + b for a, b in pairs[:-1]): "the last layer (to the classes) is missing",
    }
    why = typical.get(int(got), "sum d_{l-1} * d_l + d_l over consecutive sizes")
    return f"layer sizes {sizes} have {expected:,} parameters, got {int(got):,}: {why}"


CHECKS = {
    "test_batchnorm_forward": Check("batchnorm_forward", batchnorm_forward_cases,
                                    answers.compare_batchnorm_forward,
                                    driver=batchnorm_forward_driver),
    "test_batchnorm_backward": _backward_check("batchnorm_backward", batchnorm_backward_driver, 71,
                                               {"mode": "train"}, _BATCHNORM_HINTS),
    "test_batchnorm_backward_alt": _backward_check("batchnorm_backward_alt",
                                                   batchnorm_backward_driver, 75, {"mode": "train"},
                                                   _BATCHNORM_HINTS),
    "test_layernorm_forward": Check("layernorm_forward", layernorm_forward_cases,
                                    answers.compare_layernorm_forward,
                                    driver=layernorm_forward_driver),
    "test_layernorm_backward": _backward_check("layernorm_backward", layernorm_backward_driver, 73,
                                               {}, _LAYERNORM_HINTS),
    "test_count_parameters": Check("count_parameters", count_parameters_cases,
                                   compare_count_parameters),
    "test_norm_net_init": Check("NormalizedNet", norm_net_init_cases, compare_norm_net_init,
                                driver=norm_net_init_driver),
    "test_norm_net_loss": Check("NormalizedNet", norm_net_loss_cases, compare_norm_net_loss,
                                driver=norm_net_loss_driver,
                                use_reference_for=(*_NORM_LAYERS, "affine_forward",
                                                   "affine_backward", "relu_forward",
                                                   "relu_backward", "softmax_loss")),
}
