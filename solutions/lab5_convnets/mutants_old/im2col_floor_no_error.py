"""Rounds the number of windows down instead of refusing settings that do not tile the input."""

import numpy as np

BREAKS = "test_im2col"


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.zeros((C, HH, WW, N, H_out, W_out), dtype=x.dtype)
    for a in range(HH):
        for b in range(WW):
            patch = x_pad[:, :, a:a + stride * H_out:stride, b:b + stride * W_out:stride]
            cols[:, a, b] = patch.transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, -1)
