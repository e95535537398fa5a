"""Hidden checks for Lab 4, backpropagation: Value (autodiff), layers, losses, the fully
connected net, update rules and the Trainer.

Two principles keep a mistake costing points once:

* A layer's backward pass is run on a cache the grader builds (the layout each docstring
  fixes, made by a correct forward pass in :mod:`.grader_only.lab4_backprop`) and passes only
  when it matches the reference gradient. A wrong forward is then penalised on its own test
  only, and nothing the sandbox computes can stand in for the right answer. ``Value``'s
  graph is the student's, so its backward is judged against the reference gradients; the
  numerical gradient of the student's own forward only says in the hint that the forward is
  what is wrong.
* The net and the Trainer run with the reference layers and update rules
  (``use_reference_for``); the Trainer is exercised with a scripted stand-in model and, where
  a case hands it an update rule as a function, scripted sign-based rules (no lab answer).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import (
    as_array,
    first_mismatch,
    question_eps,
    shape_problem,
    softmax_not_finite,
)

from ..sandbox.autodiff import value_backward_driver, value_forward_driver
from ..sandbox.layers import (
    affine_backward_driver,
    dropout_backward_driver,
    dropout_forward_driver,
    quiet_driver,
    relu_backward_driver,
    sigmoid_backward_driver,
    tanh_backward_driver,
)
from ..sandbox.networks import fc_init_driver, fc_loss_driver
from ..sandbox.optim import trainer_driver, update_driver

# --------------------------------------------------------------------------- shared helpers


def _close(expected, got, rtol: float) -> np.ndarray:
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-12)
    return np.abs(got - expected) <= rtol * (np.abs(expected) + scale)


def _rtol(*arrays) -> float:
    # A few hundred float32 eps (compare.question_eps): any summation order, float32 admitted.
    return max(1e-9, 400 * question_eps(*arrays))


def _array_problem(expected, got, what: str, rtol: float, hint: str = "") -> str | None:
    arr, problem = as_array(got, what)
    if problem:
        return problem
    expected = np.asarray(expected)
    problem = shape_problem(expected, arr, f" for {what}")
    if problem:
        return problem + (f". {hint}" if hint else "")
    if not np.isfinite(arr).all():
        return f"{what} contains NaN or inf" + (f". {hint}" if hint else "")
    close = _close(expected, arr, rtol)
    if close.all():
        return None
    return f"{what}: " + first_mismatch(expected, arr, close) + (f". {hint}" if hint else "")


def _rng(seed):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------------- Part A: Value


def value_forward_cases():
    yield Case(("add", (3.0, -2.0)), hint="a + b")
    yield Case(("radd", (1.5,)), hint="2.5 + a (a number on the left)")
    yield Case(("mul", (3.0, -2.0)), hint="a * b")
    yield Case(("rmul", (1.5,)), hint="-3 * a (a number on the left)")
    yield Case(("sub", (3.0, -2.0)), hint="a - b")
    yield Case(("rsub", (4.0,)), hint="1 - a (a number on the left)")
    yield Case(("neg", (-1.25,)), hint="-a")
    yield Case(("div", (3.0, -2.0)), hint="a / b")
    yield Case(("rdiv", (8.0,)), hint="2 / a (a number on the left)")
    for name, x in [("pow2", -1.5), ("pow3", 2.0), ("pow_half", 6.25), ("pow_neg", 0.5)]:
        yield Case((name, (x,)), hint=f"a ** n with a number n ({name})")
    yield Case(("exp", (-0.7,)), hint="a.exp()")
    yield Case(("tanh", (0.8,)), hint="a.tanh()")
    yield Case(("relu", (-2.0,)), hint="a.relu() of a negative number")
    yield Case(("relu", (1.5,)), hint="a.relu() of a positive number")
    yield Case(("sigmoid", (0.3,)), hint="a.sigmoid()")
    yield Case(("sigmoid", (-800.0,)), hint="sigmoid of -800: exp(800) overflows a float")
    yield Case(("sigmoid", (800.0,)), hint="sigmoid of 800")
    yield Case(("worked_example", (-2.0, 5.0, -4.0)), hint="(x + y) z at x=-2, y=5, z=-4")
    yield Case(("mixed", (1.3, -0.4)), hint="a mix of every gate")


_FORWARD_HINTS = {
    "sub": "a - b is a + (-b)",
    "rsub": "Python calls a.__rsub__(1) for 1 - a: return 1 - a, not a - 1",
    "div": "a / b is a * b ** -1",
    "rdiv": "Python calls a.__rtruediv__(2) for 2 / a: return 2 / a, not a / 2",
    "neg": "-a is a * -1",
    "sigmoid": "for x < 0 compute exp(x) / (1 + exp(x)), which cannot overflow",
}


def compare_value_forward(expected, got, case: Case) -> str | None:
    name, inputs = case.args
    try:
        got = float(got)
    except (TypeError, ValueError):
        return f"the result's .data should be a number, got {type(got).__name__}"
    if np.isclose(got, expected, rtol=1e-9, atol=1e-12):
        return None
    hint = _FORWARD_HINTS.get(name, "")
    return (f"with inputs {list(inputs)} the result's .data should be {expected:.6g}, got "
            f"{got:.6g}" + (f". {hint}" if hint else ""))


def value_backward_cases():
    rng = _rng(10)
    for name, x in [("pow2", -1.5), ("pow3", 1.2), ("pow_half", 2.0), ("pow_neg", 0.8),
                    ("exp", 0.4), ("tanh", -0.6), ("relu", 1.1), ("relu", -0.9),
                    ("sigmoid", 0.7), ("sigmoid", -2.5)]:
        yield Case((name, (x,)), hint=f"a single gate: {name} at {x}")
    for name in ("add", "mul", "sub", "div"):
        yield Case((name, (1.7, -0.6)), hint=f"a single gate: {name}")
    for name, x in [("radd", 0.3), ("rmul", 0.3), ("rsub", 0.3), ("rdiv", 0.6), ("neg", 0.3)]:
        yield Case((name, (x,)), hint=f"a number and a Value: {name}")
    yield Case(("worked_example", (-2.0, 5.0, -4.0)), hint="the lecture's (x + y) z")
    yield Case(("neuron_gates", (2.0, -1.0, -3.0, -2.0, -3.0)),
               hint="the lecture's sigmoid neuron, built gate by gate")
    yield Case(("neuron_sigmoid", (2.0, -1.0, -3.0, -2.0, -3.0)),
               hint="the sigmoid neuron with one sigmoid gate")
    yield Case(("square_by_mul", (1.5,)), hint="a * a: one node used twice by one gate")
    yield Case(("double_by_add", (1.5,)), hint="a + a: one node used twice by one gate")
    yield Case(("reuse", (3.0,)), hint="a * a + a: a node used by two gates")
    yield Case(("diamond", (0.7, -1.2)),
               hint="an intermediate node used by several gates (a diamond-shaped graph)")
    yield Case(("deep_chain", (0.3,)), hint="a 30-step chain that uses the input at every step")
    yield Case(("mlp", tuple(rng.uniform(-1.5, 1.5, 8))), hint="a tiny two-unit network")
    yield Case(("mixed", (1.3, -0.4)), hint="a mix of every gate")


_BACKWARD_HINTS = {
    "square_by_mul": "both inputs of the gate are the same node, so its gradient gets two "
    "contributions: every _backward must add with +=, never overwrite with =",
    "double_by_add": "both inputs of the gate are the same node, so its gradient gets two "
    "contributions: every _backward must add with +=, never overwrite with =",
    "reuse": "a node used by two gates collects the gradient of both: use += in every "
    "_backward, never =",
    "diamond": "call every node's _backward exactly once, in reverse topological order (each "
    "node after every node that uses it); a plain recursive walk passes gradients on too "
    "early or twice",
    "deep_chain": "visit every node once, in reverse topological order, and accumulate with +=",
    "sigmoid": "the local gradient is s * (1 - s) with s the OUTPUT of the sigmoid, not its input",
    "tanh": "the local gradient is 1 - t ** 2 with t the OUTPUT tanh(x), not the input x",
    "relu": "the local gradient is 1 where the input is positive and 0 elsewhere",
    "pow2": "the local gradient of x ** n is n * x ** (n - 1)",
    "pow3": "the local gradient of x ** n is n * x ** (n - 1)",
    "pow_half": "the local gradient of x ** n is n * x ** (n - 1)",
    "pow_neg": "the local gradient of x ** n is n * x ** (n - 1)",
    "exp": "the local gradient of exp is exp(x), the output",
    "mul": "the multiply gate swaps: a gets b * upstream, b gets a * upstream",
}


def compare_value_backward(expected, got, case: Case) -> str | None:
    name, inputs = case.args
    grads, numeric = np.asarray(got["grads"]), np.asarray(got["numeric"])
    if not np.all(np.isfinite(grads)):
        return f"the gradients {grads.tolist()} are not finite"
    if np.allclose(grads, expected["grads"], rtol=1e-5, atol=1e-7):
        return None
    # "numeric" was computed in the sandbox from the student's own forward, so it may only
    # shape the hint: a constant forward has zero numerical gradients too.
    if numeric.shape == grads.shape and np.allclose(grads, numeric, rtol=1e-5, atol=1e-7):
        return (f"with inputs {np.round(inputs, 4).tolist()} the gradients of the inputs should "
                f"be {np.round(expected['grads'], 6).tolist()}, got "
                f"{np.round(grads, 6).tolist()}. They match the numerical gradient of your own "
                "forward pass: backward is consistent with a forward that is wrong, so fix the "
                "forward values first (test_value_forward)")
    if np.allclose(grads, 0):
        return ("every gradient is 0 after backward(): did backward() set the output's grad to "
                "1 and call the _backward of every node?")
    hint = _BACKWARD_HINTS.get(name, "each gate's _backward adds local gradient times "
                               "out.grad to its inputs, and backward() must call them in "
                               "reverse topological order (the output's first)")
    return (f"with inputs {np.round(inputs, 4).tolist()} the gradients of the inputs should be "
            f"{np.round(expected['grads'], 6).tolist()}, got {np.round(grads, 6).tolist()}"
            + (f". {hint}" if hint else ""))


# ------------------------------------------------------------------------------ Part B: layers


def _backward_cases(forward_name: str, cases):
    """The cases ``((forward args), dout)``, each carrying the cache a correct forward pass
    makes (``kwargs["cache"]``, built by the grader): used only when the student's own
    forward raises, so that mistake is graded on the forward's test alone."""
    from .answers import layer_cache  # grader side only

    for case in cases:
        fwd_args, _ = case.args
        yield Case(case.args, {"cache": layer_cache(forward_name, fwd_args)}, hint=case.hint,
                   group=case.group)


def _compare_backward(names: tuple[str, ...], hints: dict[str, str] | None = None):
    def compare(expected, got, case: Case) -> str | None:
        if got.get("dout_changed"):
            return ("the backward pass changed dout in place (for example dx = dout followed "
                    "by dx[x <= 0] = 0 writes into dout): the caller may still need dout, so "
                    "build dx as a new array, e.g. dx = dout * (x > 0) or dx = dout.copy()")
        if got.get("forward_failed"):
            problem = compare(expected, {**got, "forward_failed": None}, case)
            return problem and f"{got['forward_failed']}; {problem}"
        result = got["result"]
        if len(names) > 1:
            if not isinstance(result, tuple | list) or len(result) != len(names):
                return f"the backward pass should return a tuple ({', '.join(names)})"
        else:
            result = (result,)
        want = expected["result"] if len(names) > 1 else (expected["result"],)
        fwd_args, dout = case.args
        rtol = _rtol(*[a for a in fwd_args if isinstance(a, np.ndarray)], dout)
        for name, exp, mine in zip(names, want, result, strict=True):
            problem = _array_problem(exp, mine, name, max(rtol, 1e-6), (hints or {}).get(name, ""))
            if problem:
                return problem
        return None

    return compare


def _forward_compare(what: str, hint: str = ""):
    def compare(expected, got, case: Case) -> str | None:
        if not isinstance(got, tuple | list) or len(got) != 2:
            return "the forward pass should return a tuple (out, cache)"
        rtol = _rtol(*[a for a in case.args if isinstance(a, np.ndarray)])
        return _array_problem(expected[0], got[0], what, rtol, hint)

    return compare


def affine_forward_cases():
    rng = _rng(20)
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
    problem = _forward_compare("out")(expected, got, case)
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
    rng = _rng(21)
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
    rng = _rng(seed)
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
    problem = _forward_compare("out")(expected, got, case)
    if problem and isinstance(got, tuple | list):
        x = case.args[0]
        if np.allclose(np.asarray(got[0], dtype=float), np.abs(x)):
            return problem + ". That is |x|: ReLU sets negative inputs to 0"
        return problem + ". ReLU keeps positive inputs and sets negative ones to exactly 0"
    return problem


def smooth_cases(seed: int, with_dout: bool, extreme: bool):
    rng = _rng(seed)
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


def _smooth_forward_compare(name: str, hint: str):
    base = _forward_compare("out", hint)

    def compare(expected, got, case: Case) -> str | None:
        return base(expected, got, case)

    compare.__name__ = f"compare_{name}"
    return compare


def dropout_forward_cases():
    rng = _rng(30)
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
    rtol = _rtol(x)
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

    rng = _rng(31)
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
                and np.allclose(out[kept], x[kept] / p, rtol=max(_rtol(x), 1e-6)))


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
    rng = _rng(seed)
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
        rtol = max(_rtol(x), 1e-7)
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
        return _array_problem(expected[1], dx, "dx", rtol, hint)

    return compare


# ------------------------------------------------------------------- the fully connected net

_LAYERS = ("affine_forward", "affine_backward", "relu_forward", "relu_backward",
           "sigmoid_forward", "sigmoid_backward", "tanh_forward", "tanh_backward",
           "dropout_forward", "dropout_backward", "softmax_loss")


def fc_init_cases():
    yield Case(([4], 3, 2), {"weight_scale": 0.1, "seed": 0},
               hint="the lecture's 3-4-2 network (26 parameters)")
    yield Case(([4, 4], 3, 1), {"seed": 1}, hint="the lecture's 3-4-4-1 network (41 parameters)")
    yield Case(([300, 100], 200, 10), {"weight_scale": 0.05, "seed": 2},
               hint="200-300-100-10, weight_scale 0.05")
    yield Case(([400, 200], 300, 10), {"weight_scale": "fan_in", "seed": 3},
               hint='weight_scale="fan_in": standard deviation 1/sqrt(fan-in) per layer')
    yield Case(([], 500, 20), {"weight_scale": 2.0, "seed": 4},
               hint="no hidden layer: a linear classifier")


def compare_fc_init(expected, got, case: Case) -> str | None:
    if got["keys"] != expected["keys"]:
        return f"params should have the keys {expected['keys']}, got {got['keys']}"
    for key, shape in expected["shapes"].items():
        if tuple(got["shapes"][key]) != tuple(shape):
            return (f"params['{key}'] should have shape {shape}, got {got['shapes'][key]}: "
                    "W_l is (inputs of layer l, outputs of layer l) and b_l is (outputs,)")
    if got["num_layers"] != expected["num_layers"]:
        return f"num_layers should be {expected['num_layers']}, got {got['num_layers']}"
    for key in expected["keys"]:
        if key.startswith("b") and got["max_abs"][key] != 0:
            return f"params['{key}'] should start as zeros"
    scale = case.kwargs.get("weight_scale", 1e-2)
    for key in expected["keys"]:
        if not key.startswith("W"):
            continue
        n = int(np.prod(expected["shapes"][key]))
        want = expected["std"][key]
        slack = 0.1 + 4 / np.sqrt(2 * n)  # sampling error of a standard deviation
        if abs(got["std"][key] - want) > slack * want:
            detail = ("1/sqrt(fan-in), fan-in = the number of rows of W" if scale == "fan_in"
                      else f"weight_scale = {scale}")
            return (f"params['{key}'] should be drawn with standard deviation {want:.3g} "
                    f"({detail}), got {got['std'][key]:.3g}. Multiply standard normal draws "
                    "by the standard deviation")
        if abs(got["mean"][key]) > 0.1 * want + 4 * want / np.sqrt(n):
            return (f"params['{key}'] should have mean about 0, got {got['mean'][key]:.3g}: "
                    "use a normal distribution (rng.standard_normal), not uniform [0, 1)")
    if not got["same_seed"]:
        return ("two nets built with the same seed have different weights: draw them from "
                "np.random.default_rng(seed)")
    if not got["other_seed"]:
        return "nets built with different seeds have the same weights: use the seed"
    return None


def _net_params(rng, dims, scale):
    params = {}
    for layer, (a, b) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
        params[f"W{layer}"] = rng.standard_normal((a, b)) * scale / np.sqrt(a)
        params[f"b{layer}"] = rng.standard_normal(b) * 0.1
    return params


def fc_loss_cases():
    rng = _rng(40)
    settings = [
        ([], (5, 6), 4, {}, "no hidden layer (softmax classifier)"),
        ([7], (4, 6), 3, {}, "one ReLU hidden layer"),
        ([6, 5, 4], (5, 8), 3, {"reg": 0.3}, "three ReLU hidden layers with reg=0.3"),
        ([5, 4], (4, 6), 3, {"activation": "tanh", "reg": 0.1}, "tanh hidden layers, reg=0.1"),
        ([5, 4], (4, 6), 3, {"activation": "sigmoid"}, "sigmoid hidden layers"),
        ([6, 6], (6, 2, 2, 3), 4, {"reg": 0.05}, "image-shaped input (N, 2, 2, 3)"),
        ([8, 7], (10, 5), 3, {"dropout_keep": 0.6, "reg": 0.1}, "dropout keep 0.6 with a seed"),
    ]
    for hidden, xshape, classes, kwargs, hint in settings:
        dims = [int(np.prod(xshape[1:])), *hidden, classes]
        params = _net_params(rng, dims, 2.0)
        X = rng.standard_normal(xshape)
        y = rng.integers(0, classes, xshape[0])
        yield Case((hidden, dims[0], classes, params, X, y), {**kwargs, "seed": 7}, hint=hint)


def compare_fc_loss(expected, got, case: Case) -> str | None:
    hidden, input_dim, classes, params, X, y = case.args
    reg = case.kwargs.get("reg", 0.0)
    dropout = case.kwargs.get("dropout_keep", 1.0) < 1
    rtol = _rtol(X, *params.values())  # float32 admitted, as everywhere (compare.py)
    problem = _array_problem(expected["scores"], got["scores"], "the scores (y=None)", rtol,
                             "scores come from the forward pass in test mode: affine - "
                             "activation for each hidden layer, then a last affine layer "
                             "with no activation" + (" and no dropout" if dropout else ""))
    if problem:
        return problem
    if not np.allclose(got["scores_again"], expected["scores"], rtol=rtol):
        return ("the scores changed after a training call: loss(X) with y=None must run the "
                "dropout layers in test mode (set dropout_param['mode'] every call)")
    data_loss = expected["loss"] - reg * sum(np.sum(v * v) for k, v in params.items()
                                             if k.startswith("W"))
    if not np.isclose(got["loss"], expected["loss"], rtol=rtol):
        why = ""
        if reg and np.isclose(got["loss"], data_loss, rtol=rtol):
            why = ": the L2 term reg * sum(W * W) over every weight matrix is missing"
        elif dropout:
            why = (": with y given, dropout runs in train mode with dropout_param (which holds "
                   "the seed) after every hidden activation")
        return f"the loss should be {expected['loss']:.6g}, got {got['loss']:.6g}{why}"
    grads = got["grads"]
    if sorted(grads) != sorted(expected["grads"]):
        return f"grads should have the keys {sorted(expected['grads'])}, got {sorted(grads)}"
    for key in sorted(expected["grads"], key=lambda k: (int(k[1:]), k[0])):
        want, mine = expected["grads"][key], np.asarray(grads[key], dtype=np.float64)
        if mine.shape == want.shape and key.startswith("W") and reg:
            diff = mine - want
            for factor, why in [(-2 * reg, "the regularisation gradient 2 * reg * W is missing"),
                                (-reg, "the regularisation gradient is 2 * reg * W, not "
                                 "reg * W"),
                                (2 * reg, "the regularisation gradient is counted twice")]:
                if np.allclose(diff, factor * params[key], rtol=1e-6, atol=1e-10):
                    return f"grads['{key}'] is wrong: {why}"
        problem = _array_problem(want, mine, f"grads['{key}']", max(rtol, 1e-6),
                                 "backpropagate through the layers in reverse order, each "
                                 "backward with the cache of its own forward")
        if problem:
            return problem
    return None


# ---------------------------------------------------------------------------- update rules


def _update_cases(rule: str):
    rng = _rng({"sgd": 50, "sgd_momentum": 51, "adam": 52}[rule])
    w = rng.standard_normal((3, 4))
    steps = [rng.standard_normal((3, 4)) for _ in range(5)]
    yield Case((w, steps, None), hint="default settings (config=None), five steps")
    settings = {"sgd": {"learning_rate": 0.3},
                "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.5},
                "adam": {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99}}[rule]
    yield Case((w, steps, settings), hint=f"config {settings}, five steps")
    small = [rng.standard_normal(6) * 1e-3 for _ in range(5)]
    yield Case((rng.standard_normal(6), small, dict(settings)), hint="small gradients, a vector")
    yield Case((w.astype(np.float32), [s.astype(np.float32) for s in steps], dict(settings)),
               hint="float32 weights")


def _update_compare(rule: str):
    hints = {
        "sgd": "next_w = w - learning_rate * dw, with the learning rate from config",
        "sgd_momentum": "v = momentum * v - learning_rate * dw, next_w = w + v, and store v "
                        "in config['velocity'] for the next step",
        "adam": "see the formulas in the docstring; store m, v and t in config",
    }

    def compare(expected, got, case: Case) -> str | None:
        w, steps, config = case.args
        got_arr, problem = as_array(got, "the weights after each step")
        if problem:
            return problem
        if got_arr.shape != expected.shape:
            return f"next_w should have the shape of w, {w.shape}"
        rtol = max(_rtol(w), 1e-9)
        start = np.asarray(w, dtype=np.float64)
        for i in range(len(steps)):
            prev_e = start if i == 0 else expected[i - 1]
            prev_g = start if i == 0 else got_arr[i - 1]
            step_e, step_g = expected[i] - prev_e, got_arr[i] - prev_g
            # Adam's epsilon may sit inside or outside the bias correction (the paper's
            # efficient form): allow that much, far below what any real mistake changes.
            step_rtol = 1e-3 if rule == "adam" else max(rtol * 100, 1e-6)
            # A step is the difference of two weight vectors, so it carries their rounding.
            weights_eps = 8 * question_eps(w) * float(np.abs(prev_e).max(initial=0.0))
            if np.allclose(step_g, step_e, rtol=step_rtol, atol=max(weights_eps, 1e-12)):
                continue
            where = f"step {i + 1}" + (" (the first)" if i == 0 else "")
            if np.allclose(step_g, -step_e, rtol=1e-5):
                return f"{where} moves the weights the wrong way (a sign error). {hints[rule]}"
            if rule == "sgd_momentum" and i > 0 and np.allclose(
                    step_g, -(config or {}).get("learning_rate", 1e-2) * steps[i], rtol=1e-5):
                return (f"{where} ignores the earlier steps: the velocity must be kept in "
                        "config['velocity'] and reused")
            if rule == "adam" and i == 0:
                return (f"{where} is wrong. At t = 1 bias correction makes m_hat / sqrt(v_hat) "
                        "= dw / |dw|, so each weight moves by about learning_rate; without "
                        "dividing by (1 - beta1**t) and (1 - beta2**t) the step is off")
            if rule == "adam":
                return (f"{where} is wrong (the first steps were right): count t from 1 and "
                        "keep m, v and t in config between steps, with bias correction at "
                        "every step")
            return f"{where} is wrong. {hints[rule]}"
        return None

    return compare


# ------------------------------------------------------------------------------ the Trainer


def trainer_cases():
    yield Case(([0.3, 0.5, 0.4, 0.45, 0.6, 0.2], 50, 10),
               {"update_rule": "@sgd", "optim_config": {"learning_rate": 0.1},
                "num_epochs": 6, "batch_size": 10, "seed": 0},
               hint="6 epochs of plain SGD, no decay; the best validation accuracy is epoch 5")
    yield Case(([0.3, 0.5, 0.4, 0.45, 0.6, 0.2], 50, 10),
               {"update_rule": "@sgd", "optim_config": {"learning_rate": 0.1}, "lr_decay": 0.5,
                "num_epochs": 6, "batch_size": 10, "seed": 0},
               hint="learning-rate decay 0.5 after every epoch")
    yield Case(([0.3, 0.5, 0.4, 0.45, 0.6, 0.7, 0.2], 40, 8),
               {"update_rule": "@sgd", "optim_config": {"learning_rate": 1.0}, "patience": 2,
                "num_epochs": 7, "batch_size": 8, "seed": 1},
               hint="patience 2: epochs 3 and 4 bring no new best, so training stops "
                    "after epoch 4 and keeps the parameters of epoch 2")
    yield Case(([0.2, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5], 30, 10),
               {"update_rule": "@sgd", "optim_config": {"learning_rate": 0.2}, "patience": 3,
                "lr_decay": 0.9, "num_epochs": 7, "batch_size": 10, "seed": 2},
               hint="patience 3 with decay 0.9: a tie is not an improvement")
    yield Case(([0.5, 0.6, 0.7], 30, 10),
               {"update_rule": "@momentum",
                "optim_config": {"learning_rate": 0.1, "momentum": 0.9},
                "num_epochs": 3, "batch_size": 10, "seed": 3},
               hint="a momentum update rule given as a function: parameters w (3,) and b (2,) "
                    "each need their own copy of optim_config for their own velocity")
    yield Case(([0.5, 0.6], 60, 50),
               {"update_rule": "adam", "optim_config": {"learning_rate": 0.01},
                "num_epochs": 2, "batch_size": 50, "seed": 4},
               hint='update_rule="adam" and a batch larger than the training set '
                    "(one update per epoch)")


def compare_trainer(expected, got, case: Case) -> str | None:
    script, n_train, _ = case.args
    batch = case.kwargs["batch_size"]
    per_epoch = max(n_train // batch, 1)
    epochs = len(expected["val_acc"])
    if got["steps"] != expected["steps"]:
        return (f"the model was trained for {got['steps']} updates, expected {expected['steps']}"
                f" ({epochs} epochs of max(N // batch_size, 1) = {per_epoch} updates"
                + (", stopping early when patience runs out" if case.kwargs.get("patience")
                   else "") + ")")
    if not np.all(got["batch_sizes"] == batch):
        return f"every update should use batch_size = {batch} examples"
    if not got["ids_in_range"] or (per_epoch > 2 and got["distinct_batches"] < 2):
        return "the mini-batches should be drawn at random from the training set"
    if not np.allclose(got["val_acc"], expected["val_acc"]):
        return (f"val_acc should be {expected['val_acc'].tolist()} (one value per epoch run, "
                f"measured after the epoch on all of X_val), got {got['val_acc'].tolist()}")
    if got["loss_len"] != expected["loss_len"]:
        return f"history['loss'] should hold one loss per update ({expected['loss_len']})"
    if not np.isclose(got["best_val_acc"], expected["best_val_acc"]):
        return f"best_val_acc should be {expected['best_val_acc']}, got {got['best_val_acc']}"
    if not np.allclose(got["w_at_eval"], expected["w_at_eval"], rtol=1e-9):
        decay = case.kwargs.get("lr_decay", 1.0)
        return ("the parameters at the end of each epoch differ from the expected "
                f"{np.round(expected['w_at_eval'], 6).tolist()}, got "
                f"{np.round(got['w_at_eval'], 6).tolist()}: give every parameter its own copy of "
                "optim_config and multiply each learning_rate by lr_decay "
                f"(= {decay}) once after every epoch, not after every update")
    if not np.allclose(got["final_w"], expected["final_w"], rtol=1e-9) or not np.allclose(
            got["final_b"], expected["final_b"], rtol=1e-9):
        return ("after train() the model should hold a copy of the parameters of the best "
                "validation epoch (copy the arrays when you save them, and put them back in "
                "model.params at the end)")
    return None


# ------------------------------------------------------------------------------------ CHECKS


def _smooth_backward(name):
    return Check(f"{name}_backward", lambda: _backward_cases(
                     f"{name}_forward", smooth_cases(61 if name == "sigmoid" else 62, True, False)),
                 _compare_backward(("dx",), {"dx": {
                     "sigmoid": "dx = dout * s * (1 - s) with s the sigmoid's OUTPUT (cache it "
                                "in the forward pass)",
                     "tanh": "dx = dout * (1 - t ** 2) with t = tanh(x), the OUTPUT"}[name]}),
                 driver=sigmoid_backward_driver if name == "sigmoid" else tanh_backward_driver)


CHECKS = {
    "test_value_forward": Check("Value", value_forward_cases, compare_value_forward,
                                driver=value_forward_driver,
                                title="`Value`: the forward value of every gate"),
    "test_value_backward": Check("Value", value_backward_cases, compare_value_backward,
                                 driver=value_backward_driver,
                                 title="`Value`: local gradients and `backward()`"),
    "test_affine_forward": Check("affine_forward", affine_forward_cases,
                                 _compare_affine_forward),
    "test_affine_backward": Check("affine_backward",
                                  lambda: _backward_cases("affine_forward",
                                                          affine_backward_cases()),
                                  _compare_backward(("dx", "dw", "db"), _AFFINE_HINTS),
                                  driver=affine_backward_driver),
    "test_relu_forward": Check("relu_forward", lambda: relu_cases(22, False),
                               _compare_relu_forward),
    "test_relu_backward": Check("relu_backward",
                                lambda: _backward_cases("relu_forward", relu_cases(23, True)),
                                _compare_backward(("dx",), {"dx": "dx = dout where the input x "
                                                            "was positive, 0 elsewhere"}),
                                driver=relu_backward_driver),
    "test_sigmoid_forward": Check("sigmoid_forward", lambda: smooth_cases(24, False, True),
                                  _smooth_forward_compare(
                                      "sigmoid", "sigmoid(x) = 1 / (1 + exp(-x))"),
                                  driver=quiet_driver),
    "test_sigmoid_backward": _smooth_backward("sigmoid"),
    "test_tanh_forward": Check("tanh_forward", lambda: smooth_cases(25, False, True),
                               _smooth_forward_compare("tanh", "use np.tanh(x)"),
                               driver=quiet_driver),
    "test_tanh_backward": _smooth_backward("tanh"),
    "test_dropout_forward": Check("dropout_forward", dropout_forward_cases,
                                  compare_dropout_forward, driver=dropout_forward_driver),
    "test_dropout_backward": Check("dropout_backward", dropout_backward_cases,
                                   compare_dropout_backward, driver=dropout_backward_driver),
    "test_softmax_loss": Check("softmax_loss", lambda: loss_cases(26),
                               _loss_compare("softmax_loss"),
                               groups={"main": 0.5, "edge": 0.5}),  # edge: large scores
    "test_svm_loss": Check("svm_loss", lambda: loss_cases(27), _loss_compare("svm_loss"),
                           groups={"main": 0.5, "edge": 0.5}),
    "test_fc_net_init": Check("FullyConnectedNet", fc_init_cases, compare_fc_init,
                              driver=fc_init_driver,
                              title="`FullyConnectedNet`: initialisation"),
    "test_fc_net_loss": Check("FullyConnectedNet", fc_loss_cases, compare_fc_loss,
                              driver=fc_loss_driver, use_reference_for=_LAYERS,
                              title="`FullyConnectedNet.loss`"),
    "test_sgd": Check("sgd", lambda: _update_cases("sgd"), _update_compare("sgd"),
                      driver=update_driver),
    "test_sgd_momentum": Check("sgd_momentum", lambda: _update_cases("sgd_momentum"),
                               _update_compare("sgd_momentum"), driver=update_driver),
    "test_adam": Check("adam", lambda: _update_cases("adam"), _update_compare("adam"),
                       driver=update_driver),
    "test_trainer": Check("Trainer", trainer_cases, compare_trainer, driver=trainer_driver,
                          use_reference_for=("sgd", "sgd_momentum", "adam")),
}

from .normalization import CHECKS as NORMALIZATION_CHECKS  # noqa: E402 (normalization.ipynb)

CHECKS.update(NORMALIZATION_CHECKS)
