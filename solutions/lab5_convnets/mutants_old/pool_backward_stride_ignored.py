"""The backward pass looks for window (i, j) at (i, j) instead of (i * stride, j * stride)."""

import numpy as np

BREAKS = "test_max_pool_backward_naive"


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw = pool_param["pool_height"], pool_param["pool_width"]
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    n, c = np.ogrid[:N, :C]
    for i in range(H_out):
        for j in range(W_out):
            k = x[:, :, i:i + ph, j:j + pw].reshape(N, C, -1).argmax(axis=2)
            dx[n, c, i + k // pw, j + k % pw] += dout[:, :, i, j]
    return dx
