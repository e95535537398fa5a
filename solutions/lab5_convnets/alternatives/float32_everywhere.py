"""Every layer computes in float32, whatever the input dtype (half the memory, same answers
within float32 precision)."""

import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if (H + 2 * pad - HH) % stride or (W + 2 * pad - WW) % stride:
        raise ValueError(f"a {HH}x{WW} filter with stride {stride}, pad {pad} does not tile "
                         f"{H}x{W}")
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x.astype(np.float32), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w32, b32 = w.astype(np.float32), b.astype(np.float32)
    out = np.zeros((N, F, H_out, W_out), dtype=np.float32)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w32[f]) + b32[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    dout, w32 = dout.astype(np.float32), w.astype(np.float32)
    x_pad = np.pad(x.astype(np.float32), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w32)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    r, c = i * stride, j * stride
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, r:r + HH, c:c + WW]
                    dx_pad[n, :, r:r + HH, c:c + WW] += dout[n, f, i, j] * w32[f]
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    if (H - ph) % s or (W - pw) % s:
        raise ValueError(f"{ph}x{pw} windows with stride {s} do not tile {H}x{W}")
    x32 = x.astype(np.float32)
    out = np.zeros((N, C, (H - ph) // s + 1, (W - pw) // s + 1), dtype=np.float32)
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x32[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    dx = np.zeros((N, C, H, W), dtype=np.float32)
    for n in range(N):
        for c in range(C):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + a, j * s + b] += np.float32(dout[n, c, i, j])
    return dx


def im2col(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    if (H + 2 * pad - HH) % stride or (W + 2 * pad - WW) % stride:
        raise ValueError("the windows do not tile the input")
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    x_pad = np.pad(x.astype(np.float32), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    cols = np.empty((C, HH, WW, N, H_out, W_out), dtype=np.float32)
    for a in range(HH):
        for b in range(WW):
            block = x_pad[:, :, a:a + stride * H_out:stride, b:b + stride * W_out:stride]
            cols[:, a, b] = block.transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, N * H_out * W_out)


def col2im(cols, x_shape, HH, WW, stride, pad):
    N, C, H, W = x_shape
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    blocks = cols.astype(np.float32).reshape(C, HH, WW, N, H_out, W_out)
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=np.float32)
    for a in range(HH):
        for b in range(WW):
            x_pad[:, :, a:a + stride * H_out:stride, b:b + stride * W_out:stride] += \
                blocks[:, a, b].transpose(1, 0, 2, 3)
    return x_pad[:, :, pad:pad + H, pad:pad + W]


def conv_forward_fast(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    cols = im2col(x, HH, WW, stride, pad)
    H_out, W_out = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    w_rows = w.astype(np.float32).reshape(F, -1)
    rows = w_rows @ cols.astype(np.float32) + b.astype(np.float32)[:, None]
    return rows.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3), (x, w, b, conv_param, cols)


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    rows = dout.astype(np.float32).transpose(1, 0, 2, 3).reshape(F, -1)
    dw = (rows @ cols.astype(np.float32).T).reshape(w.shape)
    dcols = w.astype(np.float32).reshape(F, -1).T @ rows
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])
    return dx, dw, rows.sum(axis=1)


class ThreeLayerConvNet:
    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0, seed=None):
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        shapes = {"W1": (num_filters, C, filter_size, filter_size), "b1": (num_filters,),
                  "W2": (num_filters * (H // 2) * (W // 2), hidden_dim), "b2": (hidden_dim,),
                  "W3": (hidden_dim, num_classes), "b3": (num_classes,)}
        self.params = {name: (weight_scale * rng.standard_normal(shape)).astype(np.float32)
                       if name[0] == "W" else np.zeros(shape, dtype=np.float32)
                       for name, shape in shapes.items()}
        self.reg = reg

    def loss(self, X, y=None):
        p = {name: value.astype(np.float32) for name, value in self.params.items()}
        pad = (p["W1"].shape[2] - 1) // 2
        conv_param = {"stride": 1, "pad": pad}
        conv, c1 = conv_forward_fast(X.astype(np.float32), p["W1"], p["b1"], conv_param)
        relu1, c2 = relu_forward(conv)  # noqa: F821
        pooled, c3 = max_pool_forward_naive(relu1, {"pool_height": 2, "pool_width": 2,
                                                    "stride": 2})
        hidden, c4 = affine_forward(pooled, p["W2"], p["b2"])  # noqa: F821
        relu2, c5 = relu_forward(hidden)  # noqa: F821
        scores, c6 = affine_forward(relu2, p["W3"], p["b3"])  # noqa: F821
        if y is None:
            return scores
        loss, d = softmax_loss(scores, y)  # noqa: F821
        loss += self.reg * sum(float(np.sum(p[k] * p[k])) for k in ("W1", "W2", "W3"))
        grads = {}
        d, grads["W3"], grads["b3"] = affine_backward(d, c6)  # noqa: F821
        d, grads["W2"], grads["b2"] = affine_backward(relu_backward(d, c5), c4)  # noqa: F821
        d = relu_backward(max_pool_backward_naive(d, c3), c2)  # noqa: F821
        _, grads["W1"], grads["b1"] = conv_backward_fast(d, c1)
        for k in ("W1", "W2", "W3"):
            grads[k] = grads[k] + np.float32(2 * self.reg) * p[k]
        return loss, grads
