"""Uses the lecture's dH + (L - 2)H^2 + HK with H the first hidden width, as if all
hidden layers were equally wide, plus that many biases."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_count_parameters"


def count_parameters(layer_sizes):
    d, K, hidden = layer_sizes[0], layer_sizes[-1], list(layer_sizes[1:-1])
    if not hidden:
        return d * K + K
    H, n = hidden[0], len(hidden)
    return d * H + (n - 1) * H * H + H * K + n * H + K
