"""The learning rate is forgotten: w - dw."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_sgd"


def sgd(w, dw, config=None):
    """Plain stochastic gradient descent: next_w = w - learning_rate * dw.

    Inputs:
      w: array of parameters.  dw: array shaped like w, the gradient.
      config: dict with "learning_rate" (default 1e-2), or None for the defaults.
    Returns (next_w, config): next_w shaped like w; config with every setting filled in.
    """
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    next_w = w - dw
    return next_w, config
