"""Returns one window per row, (N * H_out * W_out, C * HH * WW), instead of per column."""

import numpy as np

BREAKS = "test_im2col"


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    if (H + 2 * pad - HH) % stride or (W + 2 * pad - WW) % stride:
        raise ValueError("the windows do not tile the input")
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (HH, WW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(-1, C * HH * WW)
