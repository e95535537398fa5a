"""Hidden checks for the layers and losses of layers.ipynb: affine, ReLU, sigmoid and tanh
(forward and backward), dropout, and the softmax and SVM losses.

A layer's backward pass runs on the cache of the student's own forward and passes only when
it matches the reference gradient (:mod:`.common`); where the forward raises, a correct
forward's cache stands in, so a wrong forward costs points on its own test only and nothing
the sandbox computes can stand in for the right answer.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, shape_problem, softmax_not_finite

from ..sandbox.layers import (
    affine_backward_driver,
    dropout_backward_driver,
    dropout_forward_driver,
    quiet_driver,
    relu_backward_driver,
    sigmoid_backward_driver,
    tanh_backward_driver,
)
from .common import array_problem, backward_cases, compare_backward, forward_compare, rtol_for


def affine_forward_cases():
    rng = np.random.default_rng(20)
    yield Case((rng.standard_normal((3, 4)), rng.standard_normal((4, 5)),
                rng.standard_normal(5)), hint="x (3, 4), w (4, 5)")
    yield Case((rng.standard_normal((2, 3, 4)), rng.standard_normal((12, 3)),
                rng.standard_normal(3)), hint="x (2, 3, 4): flatten each example to 12 numbers")
    yield Case((rng.standard_normal((4, 2, 3, 2)), rng.standard_normal((12, 6)),
                rng.standard_normal(6)), hint="images x (4, 2, 3, 2)")
    yield Case((rng.standard_normal((1, 7)), rng.standard_normal((7, 1)),
                rng.standard_normal(1)), hint="a single example and a single output")
    yield Case(tuple(a.astype(np.float32) for a in (
        rng.standard_normal((5, 3, 2)), rng.standard_normal((6, 4)), rng.standard_normal(4))),
        hint="float32 input")


def _compare_affine_forward(expected, got, case: Case) -> str | None:
    problem = forward_compare("out")(expected, got, case)
    if problem is None:
        return None
    x, w, b = (np.asarray(a, dtype=np.float64) for a in case.args)
    out = np.asarray(got[0], dtype=np.float64) if isinstance(got, tuple | list) else None
    if out is not None and out.shape == expected[0].shape:
        if np.allclose(out, expected[0] - b, rtol=1e-5, atol=1e-6):
            return problem + ". The bias b is missing: out = x_flat @ w + b"
        if np.allclose(out, expected[0] - 2 * b, rtol=1e-5, atol=1e-6):
            return problem + ". The bias should be added, not subtracted"
        if x.ndim > 2:
            return (problem + ". Flatten each example in C order with "
                    "x.reshape(x.shape[0], -1), so row i holds example i")
    return problem


def affine_backward_cases():
    rng = np.random.default_rng(21)
    for shape, m in [((3, 4), 5), ((2, 3, 4), 3), ((4, 2, 3, 2), 6), ((1, 5), 1)]:
        d = int(np.prod(shape[1:]))
        args = (rng.standard_normal(shape), rng.standard_normal((d, m)), rng.standard_normal(m))
        yield Case((args, rng.standard_normal((shape[0], m))), hint=f"x of shape {shape}")
    args = tuple(a.astype(np.float32) for a in (
        rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 3)), rng.standard_normal(3)))
    yield Case((args, rng.standard_normal((3, 3)).astype(np.float32)), hint="float32 input")


_AFFINE_HINTS = {
    "dx": "dx = dout @ w.T, reshaped to x.shape (x may have more than two axes)",
    "dw": "dw = x_flat.T @ dout with x_flat = x.reshape(N, -1)",
    "db": "db sums dout over the examples (axis 0)",
}


def relu_cases(seed: int, with_dout: bool):
    rng = np.random.default_rng(seed)
    for shape in [(4, 5), (2, 3, 4), (7,)]:
        x = rng.standard_normal(shape)
        x[np.abs(x) < 1e-3] = 0.5  # stay away from the kink for numerical gradients
        yield Case(((x,), rng.standard_normal(shape)) if with_dout else (x,),
                   hint=f"x of shape {shape}")
    x = np.array([[-2.0, -0.5, 0.25, 3.0]])
    yield Case(((x,), np.array([[1.0, 2.0, 3.0, 4.0]])) if with_dout else (x,),
               hint="x = [[-2, -0.5, 0.25, 3]]")
    x32 = rng.standard_normal((3, 4)).astype(np.float32) + np.float32(0.01)
    yield Case(((x32,), rng.standard_normal((3, 4)).astype(np.float32)) if with_dout else (x32,),
               hint="float32 input")


def _compare_relu_forward(expected, got, case: Case) -> str | None:
    problem = forward_compare("out")(expected, got, case)
    if problem and isinstance(got, tuple | list):
        x = case.args[0]
        if np.allclose(np.asarray(got[0], dtype=float), np.abs(x)):
            return problem + ". That is |x|: ReLU sets negative inputs to 0"
        return problem + ". ReLU keeps positive inputs and sets negative ones to exactly 0"
    return problem


def smooth_cases(seed: int, with_dout: bool, extreme: bool):
    rng = np.random.default_rng(seed)
    for shape, scale in [((4, 5), 1.0), ((2, 3, 4), 3.0), ((6,), 0.5)]:
        x = rng.standard_normal(shape) * scale
        yield Case(((x,), rng.standard_normal(shape)) if with_dout else (x,),
                   hint=f"x of shape {shape}")
    x32 = rng.standard_normal((3, 4)).astype(np.float32)
    yield Case(((x32,), rng.standard_normal((3, 4)).astype(np.float32)) if with_dout else (x32,),
               hint="float32 input")
    if extreme:
        yield Case((np.array([-1000.0, -800.0, -30.0, 0.0, 30.0, 800.0, 1000.0]),),
                   hint="very large inputs such as -1000 and 1000, where np.exp overflows to inf "
                     "(inf / inf is NaN)")


def dropout_forward_cases():
    rng = np.random.default_rng(30)
    for p, shape in [(0.8, (200, 100)), (0.5, (50, 40, 10)), (0.3, (400, 50))]:
        x = rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)
        yield Case((x, {"mode": "train", "p": p, "seed": 1}), hint=f"train mode, keep p={p}")
        yield Case((x, {"mode": "test", "p": p}), hint=f"test mode, keep p={p}")
    x = rng.uniform(0.5, 2.0, (100, 30))
    yield Case((x, {"mode": "train", "p": 1.0, "seed": 2}), hint="train mode with p = 1")
    yield Case((x.astype(np.float32), {"mode": "train", "p": 0.7, "seed": 3}),
               hint="float32 input, train mode")


def compare_dropout_forward(expected, got, case: Case) -> str | None:
    x, param = case.args
    p, mode = param["p"], param["mode"]
    out, problem = as_array(got["out"], "dropout_forward's out")
    if problem:
        return problem
    if out.shape != x.shape:
        return f"out has shape {out.shape} but should have the shape of x, {x.shape}"
    if mode == "test":
        if np.allclose(out, x, rtol=1e-6):
            return None
        if np.mean(out == 0) > 0.01:
            return ("in test mode nothing is dropped: out must equal x (inverted dropout does "
                    "all the scaling during training)")
        return "in test mode out must equal x, unchanged (no scaling at test time)"
    kept = out != 0
    if not np.allclose(got["again"], out):
        return ("two calls with the same dropout_param['seed'] gave different masks: draw the "
                "mask from np.random.default_rng(dropout_param['seed'])")
    fraction = kept.mean()
    tolerance = 4 * np.sqrt(p * (1 - p) / x.size) + 1e-9
    if abs(fraction - p) > tolerance:
        hint = ""
        if abs(fraction - (1 - p)) <= tolerance:
            hint = ": p is the probability to KEEP a unit, not to drop it"
        return (f"train mode with p={p} kept {fraction:.1%} of the units, expected about "
                f"{p:.0%}{hint}")
    rtol = rtol_for(x)
    if np.allclose(out[kept], x[kept] / p, rtol=max(rtol, 1e-6)):
        return None
    if np.allclose(out[kept], x[kept], rtol=1e-6):
        return (f"the kept units are not rescaled: inverted dropout divides them by p={p} "
                "during training, so the expected output stays x")
    if np.allclose(out[kept], x[kept] * p, rtol=1e-6):
        return f"the kept units should be divided by p={p}, not multiplied by it"
    return f"the kept units should equal x / p with p={p}"


def dropout_backward_cases():
    from .answers import dropout_caches  # grader side only

    rng = np.random.default_rng(31)
    for p, shape in [(0.8, (20, 10)), (0.5, (4, 5, 6)), (0.3, (30, 7))]:
        x = rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)
        dout = rng.standard_normal(shape)
        for mode in ("train", "test"):
            param = {"mode": mode, "p": p, **({"seed": 4} if mode == "train" else {})}
            # The caches of a correct forward pass, for when the student's is not one.
            yield Case(((x, param), dout), {"caches": dropout_caches(x, param)},
                       hint=f"{mode} mode, p={p}")


def _dropout_output_valid(out, x, p) -> bool:
    """Whether ``out`` is an inverted-dropout output of x: each unit 0 or x / p, about a
    fraction p of them kept. Only then does its mask define the right gradient."""
    if not isinstance(out, np.ndarray) or out.shape != x.shape or not np.isfinite(out).all():
        return False
    kept = out != 0
    tolerance = 4 * np.sqrt(p * (1 - p) / x.size) + 1e-9
    return bool(abs(kept.mean() - p) <= tolerance
                and np.allclose(out[kept], x[kept] / p, rtol=max(rtol_for(x), 1e-6)))


def compare_dropout_backward(expected, got, case: Case) -> str | None:
    (x, param), dout = case.args
    p, caches = param["p"], case.kwargs["caches"]
    own = "forward_failed" not in got and (
        param["mode"] == "test" or _dropout_output_valid(got.get("out"), x, p))
    if own:  # the right gradient for the student's own mask, from its output
        right = dout if param["mode"] == "test" else dout * (got["out"] != 0) / p
        kept = None if param["mode"] == "test" else (got["out"] != 0)
        candidates = [got["dx"]]
    else:  # the student's forward is wrong: judge the backward on the case's caches
        right = dout if caches[-1][1] is None else dout * caches[-1][1] / p
        kept = None if caches[-1][1] is None else caches[-1][1] != 0
        candidates = got["given"]
    arrays = []
    for dx in candidates:
        array, problem = as_array(dx, "dropout_backward")
        if problem:
            return problem
        if array.shape != x.shape:
            return f"dx has shape {array.shape} but should have the shape of x, {x.shape}"
        arrays.append(array)
    # The mask layout of a correct forward's cache is open: right on either one is right.
    if any(np.allclose(dx, right, rtol=1e-6, atol=1e-9) for dx in arrays):
        return None
    note = "" if own else (got.get("forward_failed") or "your dropout_forward's output is not "
                           "an inverted-dropout output, so this case used the caches of a "
                           "correct dropout_forward") + "; "
    if param["mode"] == "test":
        return note + "in test mode dropout does nothing, so dx = dout"
    if any(np.allclose(dx, dout * kept, rtol=1e-6) for dx in arrays):
        return note + f"dx must be rescaled like the forward pass: dout * mask / p with p={p}"
    if any(np.allclose(dx, dout, rtol=1e-6) for dx in arrays):
        return note + "dx = dout ignores the mask: dropped units get no gradient"
    return note + f"dx should be dout * mask / p (p={p}), with the mask of the forward pass"


def loss_cases(seed: int):
    rng = np.random.default_rng(seed)
    yield Case((rng.standard_normal((5, 4)), rng.integers(0, 4, 5)), hint="5 examples, 4 classes")
    yield Case((rng.standard_normal((1, 3)) * 2, np.array([2])), hint="a single example")
    yield Case((rng.standard_normal((40, 10)) * 3, rng.integers(0, 10, 40)),
               hint="40 examples, 10 classes")
    yield Case((rng.standard_normal((6, 5)).astype(np.float32), rng.integers(0, 5, 6)),
               hint="float32 scores")
    big = rng.standard_normal((4, 3)) * 1e4
    yield Case((big, np.array([0, 1, 2, 0])),
               hint="scores of size 1e4, up to 2e4 apart within a row (max shift and log-sum-exp)",
               group="edge")
    offsets = rng.standard_normal((5, 4)) + np.array([[-900.0], [-300.0], [0.0], [400.0], [900.0]])
    yield Case((offsets, np.array([0, 1, 2, 3, 0])),
               hint="rows of scores at offsets from -900 to +900, a few units apart within a row",
               group="edge")


def _loss_compare(kind: str):
    def compare(expected, got, case: Case) -> str | None:
        if not isinstance(got, tuple | list) or len(got) != 2:
            return f"{kind} should return a tuple (loss, dx)"
        x, y = case.args
        n = x.shape[0]
        try:
            loss = float(got[0])
        except (TypeError, ValueError):
            return f"the loss should be a number, got {type(got[0]).__name__}"
        rtol = max(rtol_for(x), 1e-7)
        if not np.isfinite(loss):
            if kind != "softmax_loss":
                return "the loss is not finite"
            row_max = np.asarray(x, np.float64).max(axis=1)
            if row_max.max() - row_max.min() > 700:
                return (f"the loss ({loss}) is not finite. The rows' largest scores range from "
                        f"{row_max.min():.0f} to {row_max.max():.0f}: subtracting one maximum "
                        "of the whole array leaves some rows far below 0, where np.exp gives 0 "
                        "for every class. Subtract each row's own maximum, "
                        "x.max(axis=1, keepdims=True)")
            return softmax_not_finite(f"the loss ({loss})", x)
        if not np.isclose(loss, expected[0], rtol=rtol, atol=1e-8):
            why = ""
            if n > 1 and np.isclose(loss, n * expected[0], rtol=1e-4):
                why = ": that is the sum over the examples; average it (divide by N)"
            elif kind == "svm_loss" and np.isclose(loss, expected[0] + 1, rtol=1e-4):
                why = (": that counts the correct class, whose margin is always 1; "
                       "sum over j != y_i only")
            elif kind == "svm_loss":
                why = ": sum max(0, x[i, j] - x[i, y_i] + 1) over j != y_i (margin 1), mean over i"
            return f"the loss should be {expected[0]:.6g}, got {loss:.6g}{why}"
        dx, problem = as_array(got[1], "dx")
        if problem:
            return problem
        problem = shape_problem(expected[1], dx, " (N, C), like x")
        if problem:
            return problem
        if n > 1 and np.allclose(dx, n * expected[1], rtol=1e-4, atol=1e-9):
            return "dx is N times too large: the loss is an average, so divide the gradient by N"
        hint = ("the correct class's column gets minus the number of classes with a positive "
                "margin" if kind == "svm_loss" else
                "dx = (softmax probabilities - one-hot labels) / N")
        return array_problem(expected[1], dx, "dx", rtol, hint)

    return compare


def _smooth_backward(name: str, seed: int, driver, hint: str) -> Check:
    """The check of sigmoid's or tanh's backward pass (``name``), on smooth_cases(seed)."""
    return Check(f"{name}_backward",
                 lambda: backward_cases(f"{name}_forward", smooth_cases(seed, True, False)),
                 compare_backward(("dx",), {"dx": hint}), driver=driver)


CHECKS = {
    "test_affine_forward": Check("affine_forward", affine_forward_cases,
                                 _compare_affine_forward),
    "test_affine_backward": Check("affine_backward",
                                  lambda: backward_cases("affine_forward",
                                                          affine_backward_cases()),
                                  compare_backward(("dx", "dw", "db"), _AFFINE_HINTS),
                                  driver=affine_backward_driver),
    "test_relu_forward": Check("relu_forward", lambda: relu_cases(22, False),
                               _compare_relu_forward),
    "test_relu_backward": Check("relu_backward",
                                lambda: backward_cases("relu_forward", relu_cases(23, True)),
                                compare_backward(("dx",), {"dx": "dx = dout where the input x "
                                                            "was positive, 0 elsewhere"}),
                                driver=relu_backward_driver),
    "test_sigmoid_forward": Check("sigmoid_forward", lambda: smooth_cases(24, False, True),
                                  forward_compare("out", "sigmoid(x) = 1 / (1 + exp(-x))"),
                                  driver=quiet_driver),
    "test_sigmoid_backward": _smooth_backward(
        "sigmoid", 61, sigmoid_backward_driver,
        "dx = dout * s * (1 - s) with s the sigmoid's OUTPUT (cache it in the forward pass)"),
    "test_tanh_forward": Check("tanh_forward", lambda: smooth_cases(25, False, True),
                               forward_compare("out", "use np.tanh(x)"),
                               driver=quiet_driver),
    "test_tanh_backward": _smooth_backward(
        "tanh", 62, tanh_backward_driver,
        "dx = dout * (1 - t ** 2) with t = tanh(x), the OUTPUT"),
    "test_dropout_forward": Check("dropout_forward", dropout_forward_cases,
                                  compare_dropout_forward, driver=dropout_forward_driver),
    "test_dropout_backward": Check("dropout_backward", dropout_backward_cases,
                                   compare_dropout_backward, driver=dropout_backward_driver),
    "test_softmax_loss": Check("softmax_loss", lambda: loss_cases(26),
                               _loss_compare("softmax_loss"),
                               groups={"main": 0.5, "edge": 0.5}),  # edge: large scores
    "test_svm_loss": Check("svm_loss", lambda: loss_cases(27), _loss_compare("svm_loss"),
                           groups={"main": 0.5, "edge": 0.5}),
}
