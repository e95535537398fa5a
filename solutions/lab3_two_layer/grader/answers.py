"""Lab 3's answer code: the two-layer network's forward pass (and variants of it that name a
mistake), softmax and cross-entropy, used by the cases and compare functions of the lab's
grader package in the grader's process only (the sandbox never mounts it)."""

from __future__ import annotations

import numpy as np

from ..sandbox.drivers import KEYS


def _scores(params, X, activation):
    """The network's class scores, in float64."""
    p = {k: np.asarray(params[k], dtype=np.float64) for k in KEYS}
    z1 = np.asarray(X, dtype=np.float64) @ p["W1"] + p["b1"]
    return _hidden(z1, activation) @ p["W2"] + p["b2"]


def _labels(params, X, activation):
    return np.argmax(_scores(params, X, activation), axis=1)


def _hidden(z, activation):
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if activation == "tanh":
        return np.tanh(z)
    return z


def _forward_variant(case, activation, use_b1=True, use_b2=True):
    """Scores of the case's network with another activation or a bias left out, in float64:
    only used to name a mistake, never to grade."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in case.kwargs["spec"]["params"].items()}
    X = np.asarray(case.args[0], dtype=np.float64)
    h = _hidden(X @ p["W1"] + (p["b1"] if use_b1 else 0), activation)
    return h @ p["W2"] + (p["b2"] if use_b2 else 0)


def _softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _cross_entropy(scores, y):
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())
