"""Drivers for Part A of autodiff.ipynb, ``Value``: the expressions the cases name, built
from the student's Value class, run forward and backward.

The numerical gradient of the student's own forward travels back with the gradients: the
grader uses it only to say in the hint that the forward is what is wrong, never as the
answer (a constant forward has zero numerical gradients too).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case
from course_utils.gradcheck import numerical_gradient

# Expressions on Values (or plain numbers mixed in). Each takes the leaves as arguments.
EXPRESSIONS = {
    "add": lambda a, b: a + b,
    "radd": lambda a: 2.5 + a,
    "mul": lambda a, b: a * b,
    "rmul": lambda a: -3.0 * a,
    "sub": lambda a, b: a - b,
    "rsub": lambda a: 1.0 - a,
    "neg": lambda a: -a,
    "div": lambda a, b: a / b,
    "rdiv": lambda a: 2.0 / a,
    "pow2": lambda a: a**2,
    "pow3": lambda a: a**3,
    "pow_half": lambda a: a**0.5,
    "pow_neg": lambda a: a**-2,
    "exp": lambda a: a.exp(),
    "tanh": lambda a: a.tanh(),
    "relu": lambda a: a.relu(),
    "sigmoid": lambda a: a.sigmoid(),
    "worked_example": lambda x, y, z: (x + y) * z,
    "neuron_gates": lambda w0, x0, w1, x1, w2: 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp()),
    "neuron_sigmoid": lambda w0, x0, w1, x1, w2: (w0 * x0 + w1 * x1 + w2).sigmoid(),
    "square_by_mul": lambda a: a * a,
    "double_by_add": lambda a: a + a,
    "reuse": lambda a: a * a + a,
    "diamond": lambda a, b: (lambda c: (c * a + c.tanh()) * (c + b))(a * b + 1.0),
    "deep_chain": lambda a: _chain(a, 30),
    "mlp": lambda x0, x1, w0, w1, w2, w3, v0, v1: (
        v0 * (w0 * x0 + w1 * x1).tanh() + v1 * (w2 * x0 + w3 * x1).relu()
    ).sigmoid(),
    "mixed": lambda a, b: ((a - b) ** 2 / (1 + b.exp()) + (a * b).relu() - a.sigmoid()) * 0.5,
}


def _chain(a, n):
    h = a
    for _ in range(n):
        h = (h * 0.9 + a * 0.1).tanh() * 1.5  # h used once per step: no exponential replay
    return h


def _leaves(V, inputs):
    return [V(float(v)) for v in inputs]


def evaluate(V, name, inputs):
    """The ``.data`` of expression ``name`` built from ``V`` leaves holding ``inputs``."""
    out = EXPRESSIONS[name](*_leaves(V, inputs))
    if not hasattr(out, "data"):
        raise TypeError(f"the result is a {type(out).__name__}, not a Value with .data")
    return float(out.data)



def value_forward_driver(V, case: Case):
    """The forward value of the case's expression, built from the student's ``Value``."""
    name, inputs = case.args
    return evaluate(V, name, inputs)



def value_backward_driver(V, case: Case):
    """The leaves' gradients after ``backward()``, and (for the hint only) the numerical
    gradient of the student's own forward."""
    name, inputs = case.args
    leaves = _leaves(V, inputs)
    out = EXPRESSIONS[name](*leaves)
    out.backward()
    analytic = np.array([float(leaf.grad) for leaf in leaves])
    numeric = numerical_gradient(lambda point: evaluate(V, name, point),
                                 np.array(inputs, dtype=np.float64), h=1e-6)
    return {"grads": analytic, "numeric": numeric}
