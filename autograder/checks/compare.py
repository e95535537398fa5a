"""Comparisons shared by the labs' checks: shapes, NaN, tolerances that admit float32."""

from __future__ import annotations

import numpy as np


def as_array(got, what: str) -> tuple[np.ndarray | None, str | None]:
    """``got`` as an array, or a message saying why it is not one."""
    if got is None:
        return None, f"{what} returned None: did you forget the return statement?"
    try:
        arr = np.asarray(got)
    except Exception:  # any object numpy cannot take in
        return None, f"{what} should return a numpy array, got {type(got).__name__}"
    if arr.dtype == object:
        return None, f"{what} should return a numeric array, got {type(got).__name__}"
    return arr, None


def shape_problem(expected: np.ndarray, got: np.ndarray, names: str = "") -> str | None:
    if got.shape == expected.shape:
        return None
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return f"the shape is {got.shape} but should be {expected.shape}{names}: axes swapped?"
    return f"the shape is {got.shape} but should be {expected.shape}{names}"


def eps_of(*arrays) -> float:
    """Machine epsilon of the least precise floating array among the arguments."""
    eps = [np.finfo(a.dtype).eps for a in arrays if np.issubdtype(np.asarray(a).dtype, np.floating)]
    return max(eps, default=np.finfo(np.float64).eps)


def first_mismatch(expected: np.ndarray, got: np.ndarray, close: np.ndarray) -> str:
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    where = f"[{', '.join(map(str, index))}]" if index else ""
    return (
        f"{int((~close).sum())} of {close.size} values are wrong; first at {where}: "
        f"expected {expected[index]:.6g}, got {got[index]:.6g}"
    )
