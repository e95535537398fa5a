"""count_parameters with an explicit loop over the layers: (inputs + 1 bias) x outputs."""


def count_parameters(layer_sizes):
    total = 0
    for layer in range(1, len(layer_sizes)):
        total += (int(layer_sizes[layer - 1]) + 1) * int(layer_sizes[layer])
    return total
