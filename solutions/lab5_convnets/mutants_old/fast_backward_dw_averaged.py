"""Divides dw by the number of examples, as if the layer had to average (the loss already
does that; a layer's backward pass only applies the chain rule)."""

BREAKS = "test_conv_backward_fast"


def conv_backward_fast(dout, cache):
    x, w, b, conv_param, cols = cache
    F, _, HH, WW = w.shape
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    db = dout_rows.sum(axis=1)
    dw = (dout_rows @ cols.T).reshape(w.shape) / x.shape[0]
    dcols = w.reshape(F, -1).T @ dout_rows
    dx = col2im(dcols, x.shape, HH, WW, conv_param["stride"], conv_param["pad"])  # noqa: F821
    return dx, dw, db
