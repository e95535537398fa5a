"""Lab 4's answer code: the caches the layers' docstrings fix, built by correct forward passes,
for the backward cases of :mod:`.common` and :mod:`.layers` (the grader builds them, so
a backward pass is judged on a cache it did not make and against the reference gradient)."""

from __future__ import annotations

import numpy as np


def _stable_sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def layer_cache(forward_name: str, args: tuple):
    """The cache a correct ``forward_name`` returns for ``args``, as its docstring fixes it:
    (x, w, b) for affine, x for ReLU, the output for sigmoid and tanh."""
    if forward_name == "affine_forward":
        return tuple(args)
    (x,) = args
    if forward_name == "relu_forward":
        return x
    if forward_name == "sigmoid_forward":
        return _stable_sigmoid(x).astype(x.dtype)
    if forward_name == "tanh_forward":
        return np.tanh(x)
    raise KeyError(forward_name)


def dropout_caches(x, param) -> tuple:
    """Caches of a correct dropout_forward, ``(dropout_param, mask)``, with the mask stored
    either way the docstring leaves open: kept / p (scaled), or kept as 0/1. Test mode: one
    cache, mask None."""
    if param["mode"] != "train":
        return ((dict(param), None),)
    kept = np.random.default_rng(param.get("seed")).random(x.shape) < param["p"]
    return ((dict(param), kept / param["p"]), (dict(param), kept.astype(x.dtype)))
