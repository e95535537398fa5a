"""Different but correct vectorisations: convolution looping only over output positions
(tensordot / einsum over examples, filters and channels), pooling with four loops and a
mask that gives tied maxima all the gradient, im2col by fancy indexing without any loop,
col2im with np.add.at, and the fast layer with einsum."""

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    def out_size(size, window, stride, pad):
        span = size + 2 * pad - window
        if span < 0 or span % stride:
            raise ValueError(f"window {window}, stride {stride}, pad {pad} do not tile {size}")
        return span // stride + 1

    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = out_size(H, HH, s, p), out_size(W, WW, s, p)
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    out = np.empty((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            window = x_pad[:, :, i * s:i * s + HH, j * s:j * s + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x_pad[:, :, i * s:i * s + HH, j * s:j * s + WW]
            dw += np.einsum("nf,nchw->fchw", dout[:, :, i, j], window)
            dx_pad[:, :, i * s:i * s + HH, j * s:j * s + WW] += np.einsum(
                "nf,fchw->nchw", dout[:, :, i, j], w)
    return dx_pad[:, :, p:p + H, p:p + W], dw, np.einsum("nfij->f", dout)


def max_pool_forward_naive(x, pool_param):
    def out_size(size, window, stride, pad):
        span = size + 2 * pad - window
        if span < 0 or span % stride:
            raise ValueError(f"window {window}, stride {stride}, pad {pad} do not tile {size}")
        return span // stride + 1

    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = out_size(H, ph, s, 0), out_size(W, pw, s, 0)
    out = np.empty((N, C, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * s:i * s + ph, j * s:j * s + pw])
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    mask = window == window.max()
                    dx[n, c, i * s:i * s + ph, j * s:j * s + pw] += mask * dout[n, c, i, j]
    return dx


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    spans = (H + 2 * pad - HH, W + 2 * pad - WW)
    if min(spans) < 0 or spans[0] % stride or spans[1] % stride:
        raise ValueError(f"{HH}x{WW} windows, stride {stride}, pad {pad} do not tile {H}x{W}")
    H_out, W_out = spans[0] // stride + 1, spans[1] // stride + 1
    c, a, b, n, i, j = np.ix_(range(C), range(HH), range(WW), range(N), range(H_out),
                              range(W_out))
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return x_pad[n, c, i * stride + a, j * stride + b].reshape(C * HH * WW, N * H_out * W_out)


def col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    shape = (C, HH, WW, N, H_out, W_out)
    c, a, b, n, i, j = np.ix_(range(C), range(HH), range(WW), range(N), range(H_out),
                              range(W_out))
    index = tuple(np.broadcast_to(v, shape) for v in (n, c, i * stride + a, j * stride + b))
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    np.add.at(x_pad, index, cols.reshape(shape))
    return x_pad[:, :, pad:pad + H, pad:pad + W]


def conv_forward_fast(x, w, b, conv_param):
    def out_size(size, window, stride, pad):
        span = size + 2 * pad - window
        if span < 0 or span % stride:
            raise ValueError(f"window {window}, stride {stride}, pad {pad} do not tile {size}")
        return span // stride + 1

    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    cols = im2col(x, HH, WW, s, p)
    H_out, W_out = out_size(H, HH, s, p), out_size(W, WW, s, p)
    out = np.einsum("fk,knij->nfij", w.reshape(F, -1), cols.reshape(-1, N, H_out, W_out))
    return out + b[None, :, None, None], (x, w, b, conv_param, cols)


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    N, _, H_out, W_out = dout.shape
    cols4 = cols.reshape(-1, N, H_out, W_out)
    dw = np.einsum("nfij,knij->fk", dout, cols4).reshape(w.shape)
    dcols = np.einsum("fk,nfij->knij", w.reshape(F, -1), dout).reshape(cols.shape)
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])
    return dx, dw, dout.sum(axis=(0, 2, 3))
