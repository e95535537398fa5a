"""Drivers for the fully connected net of layers.ipynb (``FullyConnectedNet``): build nets to
read their initial parameters, and run ``loss`` on parameters the case sets."""

from __future__ import annotations

import numpy as np

from autograder.checks import Case


def fc_init_driver(cls, case: Case):
    """Summaries of a new net's parameters (keys, shapes, statistics), and whether the same
    seed gives the same weights and another seed other ones."""
    net = cls(*case.args, **case.kwargs)
    twin = cls(*case.args, **case.kwargs)
    other = cls(*case.args, **{**case.kwargs, "seed": case.kwargs["seed"] + 100})
    params = {k: np.asarray(v) for k, v in net.params.items()}
    return {
        "keys": sorted(params),
        "shapes": {k: v.shape for k, v in params.items()},
        "std": {k: float(v.std()) for k, v in params.items()},
        "mean": {k: float(v.mean()) for k, v in params.items()},
        "max_abs": {k: float(np.abs(v).max(initial=0.0)) for k, v in params.items()},
        "num_layers": getattr(net, "num_layers", None),
        "same_seed": all(np.array_equal(v, np.asarray(twin.params.get(k))) for k, v in
                         params.items()),
        "other_seed": any(not np.array_equal(v, np.asarray(other.params.get(k))) for k, v in
                          params.items() if k.startswith("W")),
    }



def fc_loss_driver(cls, case: Case):
    """Scores, then loss and gradients, then scores again (a training call must not leave
    dropout in train mode), on the parameters the case sets."""
    hidden, input_dim, classes, params, X, y = case.args
    net = cls(hidden, input_dim, classes, **case.kwargs)
    for key, value in params.items():
        net.params[key] = value.copy()
    scores = net.loss(X.copy())
    loss, grads = net.loss(X.copy(), y)
    scores_again = net.loss(X.copy())
    return {"scores": np.asarray(scores), "scores_again": np.asarray(scores_again),
            "loss": float(loss), "grads": {k: np.asarray(v) for k, v in grads.items()}}

