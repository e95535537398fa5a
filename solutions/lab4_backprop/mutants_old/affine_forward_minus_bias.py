"""The bias is subtracted."""
# ruff: noqa: F401, F821, F841


BREAKS = "test_affine_forward"


def affine_forward(x, w, b):
    """Fully connected (affine) layer: out = x_flat @ w - b.

    Inputs:
      x: (N, d_1, ..., d_k) inputs; each example is flattened to a row of D = d_1 * ... * d_k.
      w: (D, M) weights.  b: (M,) biases.
    Returns (out, cache): out (N, M); cache = (x, w, b) for affine_backward.
    """
    out = x.reshape(x.shape[0], -1) @ w - b
    cache = (x, w, b)
    return out, cache
