"""Hidden checks for autodiff.ipynb, Part A: the ``Value`` class, its forward values and its
gradients.

``Value``'s graph is the student's, so its backward is judged against the reference gradients;
the numerical gradient of the student's own forward (computed in the sandbox, see
:mod:`solutions.lab4_backprop.sandbox.autodiff`) only says in the hint that the forward is
what is wrong.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check

from ..sandbox.autodiff import value_backward_driver, value_forward_driver


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
    rng = np.random.default_rng(10)
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


CHECKS = {
    "test_value_forward": Check("Value", value_forward_cases, compare_value_forward,
                                driver=value_forward_driver,
                                title="`Value`: the forward value of every gate"),
    "test_value_backward": Check("Value", value_backward_cases, compare_value_backward,
                                 driver=value_backward_driver,
                                 title="`Value`: local gradients and `backward()`"),
}
