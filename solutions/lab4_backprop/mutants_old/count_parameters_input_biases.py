"""Gives the input layer biases too (a bias for every size, inputs included)."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_count_parameters"


def count_parameters(layer_sizes):
    weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    return weights + sum(layer_sizes)
