"""Computes dw as cols @ dout_rows.T, shape (C*HH*WW, F), and reshapes that to w's shape
without transposing."""

BREAKS = "test_conv_backward_fast"


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    db = dout_rows.sum(axis=1)
    dw = (cols @ dout_rows.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])  # noqa: F821
    return dx, dw, db
