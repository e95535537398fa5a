"""m and v are never stored in config."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_adam"


def adam(w, dw, config=None):
    """Adam: moving averages of the gradient (m) and its square (v), with bias correction.

    With t counting the steps from 1:
      m = beta1 * m + (1 - beta1) * dw;      v = beta2 * v + (1 - beta2) * dw**2
      m_hat = m / (1 - beta1**t);            v_hat = v / (1 - beta2**t)
      next_w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    Inputs:
      w: array of parameters.  dw: array shaped like w, the gradient.
      config: dict with "learning_rate" (1e-3), "beta1" (0.9), "beta2" (0.999),
        "epsilon" (1e-8), "m" and "v" (zeros like w), "t" (0, steps taken so far), or None.
    Returns (next_w, config): next_w shaped like w; config with the new m, v and t.
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    beta1, beta2 = config["beta1"], config["beta2"]
    t = config["t"] + 1
    m = beta1 * config["m"] + (1 - beta1) * dw
    v = beta2 * config["v"] + (1 - beta2) * dw**2
    m_unbiased = m / (1 - beta1**t)
    v_unbiased = v / (1 - beta2**t)
    next_w = w - config["learning_rate"] * m_unbiased / (np.sqrt(v_unbiased) + config["epsilon"])
    config["t"] = t
    return next_w, config
