"""Dropout forward that assumes 2-D input (a mask of shape (N, D)): it crashes on 3-D
inputs. Its own test fails; dropout_backward, tested on a correct forward where this one
raises, keeps its points."""

import numpy as np

BREAKS = "test_dropout_forward"


def dropout_forward(x, dropout_param):
    p, mode = dropout_param["p"], dropout_param["mode"]
    mask = None
    if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random((x.shape[0], x.shape[1])) < p) / p
        out = x * mask
    else:
        out = x
    cache = (dropout_param, mask)
    return out, cache
