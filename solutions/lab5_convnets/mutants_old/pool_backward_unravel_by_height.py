"""Turns the flat argmax into (row, column) with pool_height instead of pool_width (wrong for
non-square windows)."""

import numpy as np

BREAKS = "test_max_pool_backward_naive"


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros((N, C, H + ph, W + pw))
    n, c = np.ogrid[:N, :C]
    for i in range(H_out):
        for j in range(W_out):
            window = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw]
            k = window.reshape(N, C, -1).argmax(axis=2)
            dx[n, c, i * stride + k // ph, j * stride + k % ph] += dout[:, :, i, j]
    return dx[:, :, :H, :W]
