"""Hidden checks for ``FullyConnectedNet`` in layers.ipynb: its initial parameters and its
``loss`` (scores, loss and gradients).

The net runs with the reference layers (``use_reference_for``), so a mistake in a layer costs
points on that layer's test only.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check

from ..sandbox.networks import fc_init_driver, fc_loss_driver
from .common import array_problem, rtol_for

_LAYERS = ("affine_forward", "affine_backward", "relu_forward", "relu_backward",
           "sigmoid_forward", "sigmoid_backward", "tanh_forward", "tanh_backward",
           "dropout_forward", "dropout_backward", "softmax_loss")


def fc_init_cases():
    yield Case(([4], 3, 2), {"weight_scale": 0.1, "seed": 0},
               hint="the lecture's 3-4-2 network (26 parameters)")
    yield Case(([4, 4], 3, 1), {"seed": 1}, hint="the lecture's 3-4-4-1 network (41 parameters)")
    yield Case(([300, 100], 200, 10), {"weight_scale": 0.05, "seed": 2},
               hint="200-300-100-10, weight_scale 0.05")
    yield Case(([400, 200], 300, 10), {"weight_scale": "fan_in", "seed": 3},
               hint='weight_scale="fan_in": standard deviation 1/sqrt(fan-in) per layer')
    yield Case(([], 500, 20), {"weight_scale": 2.0, "seed": 4},
               hint="no hidden layer: a linear classifier")


def compare_fc_init(expected, got, case: Case) -> str | None:
    if got["keys"] != expected["keys"]:
        return f"params should have the keys {expected['keys']}, got {got['keys']}"
    for key, shape in expected["shapes"].items():
        if tuple(got["shapes"][key]) != tuple(shape):
            return (f"params['{key}'] should have shape {shape}, got {got['shapes'][key]}: "
                    "W_l is (inputs of layer l, outputs of layer l) and b_l is (outputs,)")
    if got["num_layers"] != expected["num_layers"]:
        return f"num_layers should be {expected['num_layers']}, got {got['num_layers']}"
    for key in expected["keys"]:
        if key.startswith("b") and got["max_abs"][key] != 0:
            return f"params['{key}'] should start as zeros"
    scale = case.kwargs.get("weight_scale", 1e-2)
    for key in expected["keys"]:
        if not key.startswith("W"):
            continue
        n = int(np.prod(expected["shapes"][key]))
        want = expected["std"][key]
        slack = 0.1 + 4 / np.sqrt(2 * n)  # sampling error of a standard deviation
        if abs(got["std"][key] - want) > slack * want:
            detail = ("1/sqrt(fan-in), fan-in = the number of rows of W" if scale == "fan_in"
                      else f"weight_scale = {scale}")
            return (f"params['{key}'] should be drawn with standard deviation {want:.3g} "
                    f"({detail}), got {got['std'][key]:.3g}. Multiply standard normal draws "
                    "by the standard deviation")
        if abs(got["mean"][key]) > 0.1 * want + 4 * want / np.sqrt(n):
            return (f"params['{key}'] should have mean about 0, got {got['mean'][key]:.3g}: "
                    "use a normal distribution (rng.standard_normal), not uniform [0, 1)")
    if not got["same_seed"]:
        return ("two nets built with the same seed have different weights: draw them from "
                "np.random.default_rng(seed)")
    if not got["other_seed"]:
        return "nets built with different seeds have the same weights: use the seed"
    return None


def _net_params(rng, dims, scale):
    params = {}
    for layer, (a, b) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
        params[f"W{layer}"] = rng.standard_normal((a, b)) * scale / np.sqrt(a)
        params[f"b{layer}"] = rng.standard_normal(b) * 0.1
    return params


def fc_loss_cases():
    rng = np.random.default_rng(40)
    settings = [
        ([], (5, 6), 4, {}, "no hidden layer (softmax classifier)"),
        ([7], (4, 6), 3, {}, "one ReLU hidden layer"),
        ([6, 5, 4], (5, 8), 3, {"reg": 0.3}, "three ReLU hidden layers with reg=0.3"),
        ([5, 4], (4, 6), 3, {"activation": "tanh", "reg": 0.1}, "tanh hidden layers, reg=0.1"),
        ([5, 4], (4, 6), 3, {"activation": "sigmoid"}, "sigmoid hidden layers"),
        ([6, 6], (6, 2, 2, 3), 4, {"reg": 0.05}, "image-shaped input (N, 2, 2, 3)"),
        ([8, 7], (10, 5), 3, {"dropout_keep": 0.6, "reg": 0.1}, "dropout keep 0.6 with a seed"),
    ]
    for hidden, xshape, classes, kwargs, hint in settings:
        dims = [int(np.prod(xshape[1:])), *hidden, classes]
        params = _net_params(rng, dims, 2.0)
        X = rng.standard_normal(xshape)
        y = rng.integers(0, classes, xshape[0])
        yield Case((hidden, dims[0], classes, params, X, y), {**kwargs, "seed": 7}, hint=hint)


def compare_fc_loss(expected, got, case: Case) -> str | None:
    hidden, input_dim, classes, params, X, y = case.args
    reg = case.kwargs.get("reg", 0.0)
    dropout = case.kwargs.get("dropout_keep", 1.0) < 1
    rtol = rtol_for(X, *params.values())  # float32 admitted, as everywhere (compare.py)
    problem = array_problem(expected["scores"], got["scores"], "the scores (y=None)", rtol,
                             "scores come from the forward pass in test mode: affine - "
                             "activation for each hidden layer, then a last affine layer "
                             "with no activation" + (" and no dropout" if dropout else ""))
    if problem:
        return problem
    if not np.allclose(got["scores_again"], expected["scores"], rtol=rtol):
        return ("the scores changed after a training call: loss(X) with y=None must run the "
                "dropout layers in test mode (set dropout_param['mode'] every call)")
    data_loss = expected["loss"] - reg * sum(np.sum(v * v) for k, v in params.items()
                                             if k.startswith("W"))
    if not np.isclose(got["loss"], expected["loss"], rtol=rtol):
        why = ""
        if reg and np.isclose(got["loss"], data_loss, rtol=rtol):
            why = ": the L2 term reg * sum(W * W) over every weight matrix is missing"
        elif dropout:
            why = (": with y given, dropout runs in train mode with dropout_param (which holds "
                   "the seed) after every hidden activation")
        return f"the loss should be {expected['loss']:.6g}, got {got['loss']:.6g}{why}"
    grads = got["grads"]
    if sorted(grads) != sorted(expected["grads"]):
        return f"grads should have the keys {sorted(expected['grads'])}, got {sorted(grads)}"
    for key in sorted(expected["grads"], key=lambda k: (int(k[1:]), k[0])):
        want, mine = expected["grads"][key], np.asarray(grads[key], dtype=np.float64)
        if mine.shape == want.shape and key.startswith("W") and reg:
            diff = mine - want
            for factor, why in [(-2 * reg, "the regularisation gradient 2 * reg * W is missing"),
                                (-reg, "the regularisation gradient is 2 * reg * W, not "
                                 "reg * W"),
                                (2 * reg, "the regularisation gradient is counted twice")]:
                if np.allclose(diff, factor * params[key], rtol=1e-6, atol=1e-10):
                    return f"grads['{key}'] is wrong: {why}"
        problem = array_problem(want, mine, f"grads['{key}']", max(rtol, 1e-6),
                                 "backpropagate through the layers in reverse order, each "
                                 "backward with the cache of its own forward")
        if problem:
            return problem
    return None


CHECKS = {
    "test_fc_net_init": Check("FullyConnectedNet", fc_init_cases, compare_fc_init,
                              driver=fc_init_driver,
                              title="`FullyConnectedNet`: initialisation"),
    "test_fc_net_loss": Check("FullyConnectedNet", fc_loss_cases, compare_fc_loss,
                              driver=fc_loss_driver, use_reference_for=_LAYERS,
                              title="`FullyConnectedNet.loss`"),
}
