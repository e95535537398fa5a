"""dw multiplies dout by x with its rows scaled by 1/N (a stray mean)."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_affine_backward"


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Inputs:
      dout: (N, M) upstream gradient dL/dout.  cache: what affine_forward returned.
    Returns (dx, dw, db): dx shaped like x, (N, d_1, ..., d_k); dw (D, M); db (M,).
    """
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout / x.shape[0]
    db = dout.sum(axis=0)
    return dx, dw, db
