"""count_parameters as np.dot of consecutive sizes plus the biases, returned as an int."""

import numpy as np


def count_parameters(layer_sizes):
    sizes = np.asarray(layer_sizes, dtype=np.int64)
    return int(np.dot(sizes[:-1], sizes[1:]) + sizes[1:].sum())
