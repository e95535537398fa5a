"""Orders the columns by output position first and example last, (i, j, n), instead of
(n, i, j)."""

import numpy as np

BREAKS = "test_im2col"


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    if (H + 2 * pad - HH) % stride or (W + 2 * pad - WW) % stride:
        raise ValueError("the windows do not tile the input")
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((C, HH, WW, H_out, W_out, N), dtype=x.dtype)
    for a in range(HH):
        for b in range(WW):
            patch = x_pad[:, :, a:a + stride * H_out:stride, b:b + stride * W_out:stride]
            cols[:, a, b] = patch.transpose(1, 2, 3, 0)
    return cols.reshape(C * HH * WW, -1)
