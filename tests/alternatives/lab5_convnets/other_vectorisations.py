"""Different but correct vectorisations: convolution looping only over output positions
(tensordot / einsum over examples, filters and channels), pooling with four loops and a
mask that gives tied maxima all the gradient, im2col by fancy indexing without any loop,
col2im with np.add.at, and the fast layer with einsum."""

import numpy as np


def _out_size(size, window, stride, pad):
    span = size + 2 * pad - window
    if span < 0 or span % stride:
        raise ValueError(f"window {window} with stride {stride} and pad {pad} does not tile {size}")
    return span // stride + 1


def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = _out_size(H, HH, s, p), _out_size(W, WW, s, p)
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
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = _out_size(H, ph, s, 0), _out_size(W, pw, s, 0)
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


def _indices(x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    H_out, W_out = _out_size(H, HH, stride, pad), _out_size(W, WW, stride, pad)
    c, a, b, n, i, j = np.ix_(range(C), range(HH), range(WW), range(N), range(H_out),
                              range(W_out))
    rows, cols = i * stride + a, j * stride + b
    return n, c, rows, cols, H_out, W_out


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    n, c, rows, cols, H_out, W_out = _indices(x.shape, HH, WW, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return x_pad[n, c, rows, cols].reshape(C * HH * WW, N * H_out * W_out)


def col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    n, c, rows, columns, H_out, W_out = _indices(x_shape, HH, WW, stride, pad)
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    shape = (C, HH, WW, N, H_out, W_out)
    np.add.at(x_pad, (np.broadcast_to(n, shape), np.broadcast_to(c, shape),
                      np.broadcast_to(rows, shape), np.broadcast_to(columns, shape)),
              cols.reshape(shape))
    return x_pad[:, :, pad:pad + H, pad:pad + W]


def conv_forward_fast(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    cols = im2col(x, HH, WW, s, p)
    H_out, W_out = _out_size(H, HH, s, p), _out_size(W, WW, s, p)
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
