"""The momentum factor is left out: v = v - learning_rate * dw."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_sgd_momentum"


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: v = momentum * v - learning_rate * dw;  next_w = w + v.

    Inputs:
      w: array of parameters.  dw: array shaped like w, the gradient.
      config: dict with "learning_rate" (default 1e-2), "momentum" (default 0.9) and
        "velocity" (default zeros like w), or None for the defaults.
    Returns (next_w, config): next_w shaped like w; config["velocity"] holds the new v.
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config
