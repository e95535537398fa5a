"""dx computed with w instead of w.T in the wrong order (dout @ w.T replaced by a product with the
wrong factor)."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_affine_backward"


def affine_backward(dout, cache):
    """Backward pass of affine_forward.

    Inputs:
      dout: (N, M) upstream gradient dL/dout.  cache: what affine_forward returned.
    Returns (dx, dw, db): dx shaped like x, (N, d_1, ..., d_k); dw (D, M); db (M,).
    """
    x, w, b = cache
    dx = (dout @ w.T * 2).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
