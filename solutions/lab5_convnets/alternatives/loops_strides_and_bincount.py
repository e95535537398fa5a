"""Correct, written differently: fully looped naive layers with divmod refusals, argmax
routing by np.unravel_index, im2col through as_strided, col2im as one np.bincount, the fast
layer with tensordot, and a convnet that calls the naive layers with a keyword seed."""

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    def _whole(size, window, stride, pad, what):  # only functions travel into a notebook
        steps, rest = divmod(size + 2 * pad - window, stride)
        if rest or steps < 0:
            raise ValueError(f"{what}: ({size} + 2*{pad} - {window}) / {stride} is not whole")
        return steps + 1

    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = _whole(H, HH, s, p, "height"), _whole(W, WW, s, p, "width")
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    patch = x_pad[n, :, i * s:i * s + HH, j * s:j * s + WW]
                    out[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad, dw = np.zeros_like(x_pad, dtype=float), np.zeros_like(w, dtype=float)
    N, _, H_out, W_out = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    g = dout[n, f, i, j]
                    dw[f] += g * x_pad[n, :, i * s:i * s + HH, j * s:j * s + WW]
                    dx_pad[n, :, i * s:i * s + HH, j * s:j * s + WW] += g * w[f]
    H, W = x.shape[2:]
    return dx_pad[:, :, p:p + H, p:p + W], dw, dout.sum(axis=(0, 2, 3))


def max_pool_forward_naive(x, pool_param):
    def _whole(size, window, stride, pad, what):  # only functions travel into a notebook
        steps, rest = divmod(size + 2 * pad - window, stride)
        if rest or steps < 0:
            raise ValueError(f"{what}: ({size} + 2*{pad} - {window}) / {stride} is not whole")
        return steps + 1

    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = _whole(H, ph, s, 0, "height"), _whole(W, pw, s, 0, "width")
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    N, C, H_out, W_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]
    return dx


def im2col(x, HH, WW, stride, pad):
    def _whole(size, window, stride, pad, what):  # only functions travel into a notebook
        steps, rest = divmod(size + 2 * pad - window, stride)
        if rest or steps < 0:
            raise ValueError(f"{what}: ({size} + 2*{pad} - {window}) / {stride} is not whole")
        return steps + 1

    N, C, H, W = x.shape
    H_out = _whole(H, HH, stride, pad, "height")
    W_out = _whole(W, WW, stride, pad, "width")
    x_pad = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))))
    sn, sc, sh, sw = x_pad.strides
    view = np.lib.stride_tricks.as_strided(
        x_pad, shape=(C, HH, WW, N, H_out, W_out),
        strides=(sc, sh, sw, sn, stride * sh, stride * sw), writeable=False)
    return view.reshape(C * HH * WW, N * H_out * W_out)


def col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    H_out, W_out = (Hp - HH) // stride + 1, (Wp - WW) // stride + 1
    c, a, b, n, i, j = np.meshgrid(np.arange(C), np.arange(HH), np.arange(WW), np.arange(N),
                                   np.arange(H_out), np.arange(W_out), indexing="ij")
    flat = ((n * C + c) * Hp + i * stride + a) * Wp + j * stride + b  # index into x_pad
    x_pad = np.bincount(flat.ravel(), weights=cols.ravel().astype(np.float64),
                        minlength=N * C * Hp * Wp).reshape(N, C, Hp, Wp)
    return x_pad[:, :, pad:pad + H, pad:pad + W].astype(cols.dtype)


def conv_forward_fast(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    cols = im2col(x, HH, WW, s, p)
    H_out, W_out = (H + 2 * p - HH) // s + 1, (W + 2 * p - WW) // s + 1
    out = np.tensordot(w.reshape(F, -1), cols, axes=1) + b[:, None]
    out = np.moveaxis(out.reshape(F, N, H_out, W_out), 0, 1)
    return out, (x, w, b, conv_param, cols)


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    d = np.moveaxis(dout, 1, 0).reshape(F, -1)
    dw = np.tensordot(d, cols, axes=(1, 1)).reshape(w.shape)
    dcols = np.tensordot(w.reshape(F, -1), d, axes=(0, 0))
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])
    return dx, dw, d.sum(axis=1)


class ThreeLayerConvNet:
    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0, seed=None):
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {}
        shapes = {"W1": (num_filters, C, filter_size, filter_size),
                  "W2": (num_filters * (H // 2) * (W // 2), hidden_dim),
                  "W3": (hidden_dim, num_classes)}
        for name, shape in shapes.items():
            self.params[name] = rng.normal(0.0, weight_scale, size=shape)
            self.params["b" + name[1]] = np.zeros(shape[0] if name == "W1" else shape[1])

    def loss(self, X, y=None):
        W1, b1, W2, b2, W3, b3 = (self.params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        c, c_cache = conv_forward_naive(X, W1, b1, conv_param)
        r1, r1_cache = relu_forward(c)  # noqa: F821
        pooled, p_cache = max_pool_forward_naive(r1, pool_param)
        a2, a2_cache = affine_forward(pooled, W2, b2)  # noqa: F821
        r2, r2_cache = relu_forward(a2)  # noqa: F821
        scores, s_cache = affine_forward(r2, W3, b3)  # noqa: F821
        if y is None:
            return scores
        loss, d = softmax_loss(scores, y)  # noqa: F821
        loss += self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3))
        grads = {}
        d, grads["W3"], grads["b3"] = affine_backward(d, s_cache)  # noqa: F821
        d, grads["W2"], grads["b2"] = affine_backward(relu_backward(d, r2_cache), a2_cache)  # noqa: F821
        d = relu_backward(max_pool_backward_naive(d, p_cache), r1_cache)  # noqa: F821
        _, grads["W1"], grads["b1"] = conv_backward_naive(d, c_cache)
        for name, W in (("W1", W1), ("W2", W2), ("W3", W3)):
            grads[name] = grads[name] + 2 * self.reg * W
        return loss, grads
