"""Drivers for normalization.ipynb: batch normalisation called step after step with one
``bn_param`` (as a net does), layer normalisation's forward pass, and ``NormalizedNet``
built and trained on parameters the case sets. The backward passes' drivers are in
:mod:`.layers` (the same as every layer's)."""

from __future__ import annotations

import copy

import numpy as np

from autograder.checks import Case


def batchnorm_forward_driver(fn, case: Case):
    """Call the forward pass on each (x, mode) step with one bn_param dict, as a net does."""
    steps, gamma, beta, bn_param = case.args
    param = copy.deepcopy(bn_param)
    outs = []
    for x, mode in steps:
        param["mode"] = mode
        result = fn(x.copy(), gamma.copy(), beta.copy(), param)
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise TypeError("batchnorm_forward should return a tuple (out, cache)")
        outs.append(result[0])
    return {"outs": outs, "running_mean": param.get("running_mean"),
            "running_var": param.get("running_var")}


def layernorm_forward_driver(fn, case: Case):
    """The forward pass's ``out`` (its cache's layout is the student's choice)."""
    x, gamma, beta, ln_param = case.args
    result = fn(x, gamma, beta, dict(ln_param))
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise TypeError("layernorm_forward should return a tuple (out, cache)")
    return result[0]


def norm_net_init_driver(cls, case: Case):
    """Summaries of a new net's parameters and ``norm_params`` (one dict per layer?), and
    whether the same seed gives the same weights."""
    net = cls(*case.args, **case.kwargs)
    twin = cls(*case.args, **case.kwargs)
    params = {k: np.asarray(v) for k, v in net.params.items()}
    norm_params = list(getattr(net, "norm_params", None) or [])
    return {
        "keys": sorted(params),
        "shapes": {k: v.shape for k, v in params.items()},
        "std": {k: float(v.std()) for k, v in params.items()},
        "values": {k: v for k, v in params.items() if not k.startswith("W")},
        "norm_params": len(norm_params),
        "distinct_norm_params": len({id(p) for p in norm_params}),
        "dict_norm_params": all(isinstance(p, dict) for p in norm_params),
        "same_seed": all(np.array_equal(v, np.asarray(twin.params.get(k))) for k, v in
                         params.items()),
    }


def norm_net_loss_driver(cls, case: Case):
    """Training calls (loss, gradients), then test-mode scores with running averages put in
    norm_params by the driver: in the sandbox the reference layers answer as data and cannot
    update the student's dicts in place, and the running averages are batchnorm_forward's
    job, graded on its own test."""
    hidden, input_dim, classes, params, batches, X_test, running = case.args
    net = cls(hidden, input_dim, classes, **case.kwargs)
    for key, value in params.items():
        net.params[key] = value.copy()
    # Fresh norm_params as documented, so a mistake there costs points on the init test only.
    net.norm_params = [{"mode": "train"} for _ in hidden] if case.kwargs["normalization"] else []
    losses, grads = [], []
    for X, y in batches:
        loss, g = net.loss(X.copy(), y.copy())
        losses.append(float(loss))
        grads.append({k: np.asarray(v) for k, v in g.items()})
    if case.kwargs["normalization"] == "batchnorm":
        for norm_param, (mean, var) in zip(net.norm_params, running, strict=True):
            norm_param["running_mean"], norm_param["running_var"] = mean.copy(), var.copy()
    return {"losses": losses, "grads": grads[0],
            "scores": np.asarray(net.loss(X_test.copy()))}
