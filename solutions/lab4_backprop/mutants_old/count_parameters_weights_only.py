"""Counts the weights only, no biases."""
# ruff: noqa: F401, F821, F841

import numpy as np

BREAKS = "test_count_parameters"


def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
