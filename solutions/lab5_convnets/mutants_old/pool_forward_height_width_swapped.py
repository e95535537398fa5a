"""Uses pool_width for the rows and pool_height for the columns (wrong for non-square windows)."""

import numpy as np

BREAKS = "test_max_pool_forward_naive"


def max_pool_forward_naive(x, pool_param):
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    if (H - ph) % stride or (W - pw) % stride:
        raise ValueError("the windows do not tile the input")
    H_out, W_out = (H - ph) // stride + 1, (W - pw) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + pw,
                                j * stride:j * stride + ph].max(axis=(2, 3))
    return out, (x, pool_param)
