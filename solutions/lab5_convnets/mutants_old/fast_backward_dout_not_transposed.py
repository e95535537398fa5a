"""Reshapes dout (N, F, H_out, W_out) straight to (F, -1) without moving the filter axis
first, so gradients of different filters and examples get mixed up."""

BREAKS = "test_conv_backward_fast"


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    dout_rows = dout.reshape(F, -1)
    db = dout_rows.sum(axis=1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])  # noqa: F821
    return dx, dw, db
