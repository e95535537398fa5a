"""Numerical gradients of backward passes, and the comparison students use to check analytic
gradients.

The idea is the centred difference

    df/dx_i  ~=  (f(x + h e_i) - f(x - h e_i)) / (2 h)

whose error shrinks like h**2, so with float64 and ``h = 1e-5`` it usually agrees
with a correct analytic gradient to about 1e-8 relative error. Lab 2 has every student write
the centred difference of a scalar function and a sparse check themselves (both are graded),
so this module does not provide them. From Lab 3 on, the labs' checks use
``numerical_gradient_array``, the gradient of ``sum(f(x) * dout)`` that a backward pass
computes. Typical use in a lab::

    dx_num = numerical_gradient_array(lambda x: layer_forward(x)[0], x, dout)
    print("dx relative error:", rel_error(dx_num, dx))

Rules of thumb for ``rel_error`` with float64 data:

* below ~1e-7: the gradient is almost certainly correct;
* 1e-7 to 1e-4: suspicious, unless the function has kinks (ReLU, max, hinge loss)
  close to the evaluated point;
* above ~1e-2: the gradient is wrong.

Functions
---------
rel_error                 -- the largest elementwise relative error between two arrays
numerical_gradient_array  -- gradient of sum(f(x) * dout), for checking backward passes
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["rel_error", "numerical_gradient_array"]


def rel_error(x: Any, y: Any) -> float:
    """Largest elementwise relative error between ``x`` and ``y``.

    Computes ``max |x - y| / max(1e-8, |x| + |y|)`` over all elements. The floor of
    1e-8 keeps entries where both values are (almost) zero from dividing by zero.

    Args:
        x: scalar or array of any shape.
        y: scalar or array with exactly the same shape as ``x``.

    Returns:
        A Python float in [0, 1], or ``inf`` when either input contains NaN or
        infinity. Returning ``inf`` (rather than NaN) on purpose makes a check like
        ``rel_error(a, b) < 1e-7`` fail, since any comparison with NaN is False in a
        way that is easy to misread. Empty arrays give 0.0.

    Raises:
        ValueError: if the shapes differ. Broadcasting is not allowed because a
            shape mismatch (e.g. ``(N,)`` against ``(N, 1)``) is nearly always a bug.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(
            f"rel_error needs two arrays of the same shape, got {x.shape} and {y.shape}."
        )
    if x.size == 0:
        return 0.0
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return float("inf")
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _check_inputs(x: Any, h: float) -> None:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"x must be a NumPy array (it is perturbed in place), got {type(x).__name__}."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"x must have a floating-point dtype, got {x.dtype}: adding h={h} to an "
            "integer array would be rounded away. Use x.astype(np.float64)."
        )
    if not x.flags.writeable:
        raise ValueError("x must be writeable because it is perturbed in place.")
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive finite number, got {h}.")


def _evaluate_around(
    f: Callable[[np.ndarray], Any], x: np.ndarray, idx: tuple[int, ...], h: float
) -> tuple[Any, Any, float]:
    """Return ``(f(x + h e_idx), f(x - h e_idx), actual step)``; ``x`` is always restored."""
    old = x[idx].copy()
    try:
        x[idx] = old + h
        # Read back the stored value: in float32 ``old + h`` is rounded, and dividing
        # by the step actually taken removes most of that rounding error.
        x_plus = float(x[idx])
        f_plus = f(x)
        x[idx] = old - h
        x_minus = float(x[idx])
        f_minus = f(x)
    finally:
        x[idx] = old
    step = x_plus - x_minus
    if step == 0:
        raise ValueError(
            f"h={h} is too small to change x{list(idx)}={float(old)} in {x.dtype}; "
            "use a larger h (about 1e-3 for float32)."
        )
    return f_plus, f_minus, step


def _run_guarded(x: np.ndarray, loop: Callable[[], np.ndarray]) -> np.ndarray:
    """Run ``loop`` and make sure ``f`` did not change ``x`` behind our back."""
    snapshot = x.copy()
    try:
        return loop()
    finally:
        # A forward pass that edits its input (e.g. ``x[x < 0] = 0``) makes every
        # numerical gradient meaningless, so report it instead of returning nonsense.
        if not np.array_equal(x, snapshot, equal_nan=True):
            np.copyto(x, snapshot)
            raise ValueError(
                "f modified x in place, so the numerical gradient cannot be trusted. "
                "Make f work on a copy (e.g. np.maximum(x, 0) instead of x[x < 0] = 0)."
            )


def _centred_differences(f, x: np.ndarray, h: float, difference, verbose: bool) -> np.ndarray:
    """The gradient loop: ``difference(f(x+h), f(x-h)) / 2h`` for every element, with ``x``
    restored however ``f`` behaves."""

    def loop() -> np.ndarray:
        grad = np.zeros(x.shape, dtype=np.float64)
        for idx in np.ndindex(x.shape):
            f_plus, f_minus, step = _evaluate_around(f, x, idx, h)
            grad[idx] = difference(f_plus, f_minus) / step
            if verbose:
                print(f"{idx}: {grad[idx]:.6g}")
        return grad

    return _run_guarded(x, loop)


def numerical_gradient_array(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    dout: Any,
    h: float = 1e-5,
    verbose: bool = False,
) -> np.ndarray:
    """Centred-difference gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    This is what a layer's backward pass computes: given the upstream gradient
    ``dout = dL/dout`` it returns ``dL/dx``. Use it to check ``dx``, ``dw`` and ``db``
    of a layer, e.g. ``numerical_gradient_array(lambda w: affine_forward(x, w, b)[0],
    w, dout)``.

    Args:
        f: function taking ``x`` and returning an array of some shape ``O``.
        x: float array of any shape ``S``; perturbed in place and restored bitwise.
        dout: upstream gradient, array of shape ``O``.
        h: step size. 1e-5 suits float64. float32 keeps only about 7 significant
            digits, so use about ``h = 1e-3`` there and expect relative errors
            around 1e-3 rather than 1e-8.
        verbose: print each index and its gradient as it is computed.

    Returns:
        float64 array of shape ``S``.

    Raises:
        TypeError: ``x`` is not a floating-point array.
        ValueError: ``f(x)`` and ``dout`` have different shapes, ``f`` modifies
            ``x`` itself, or ``h`` is too small for ``x``'s dtype.
    """
    _check_inputs(x, h)
    dout = np.asarray(dout, dtype=np.float64)

    def output(value: Any) -> np.ndarray:
        # Copy: a layer may hand back a view of x or a buffer it reuses on the
        # next call, which would make f(x + h) and f(x - h) the same array.
        out = np.array(value, dtype=np.float64, copy=True)
        if out.shape != dout.shape:
            raise ValueError(
                f"f(x) has shape {out.shape} but dout has shape {dout.shape}; "
                "dout must have the shape of f's output."
            )
        return out

    def f_checked(z: np.ndarray) -> np.ndarray:
        return output(f(z))

    return _centred_differences(
        f_checked, x, h, lambda plus, minus: np.sum((plus - minus) * dout), verbose
    )
