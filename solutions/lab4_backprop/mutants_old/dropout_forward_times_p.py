"""The kept units are multiplied by p instead of divided."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_dropout_forward"


def dropout_forward(x, dropout_param):
    """Inverted dropout.

    Inputs:
      x: any shape.
      dropout_param: dict with
        "mode": "train" or "test";
        "p": the probability of KEEPING each unit, 0 < p <= 1;
        "seed" (optional): if present, draw the mask from np.random.default_rng(seed) so the
          same seed gives the same mask (needed for gradient checks).
    Train mode: keep each unit with probability p and divide the kept ones by p, so the
    expected output equals x. Test mode: out = x, nothing dropped or scaled.
    Returns (out, cache): out shaped like x; cache = (dropout_param, mask) for dropout_backward
    (mask None in test mode).
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p) * p
        out = x * mask
    else:
        out = x
    cache = (dropout_param, mask)
    return out, cache
