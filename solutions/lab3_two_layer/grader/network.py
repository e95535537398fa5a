"""Hidden checks of ``TwoLayerNet.loss`` and ``TwoLayerNet.predict`` (``two_layer_net.ipynb``,
parts 1-3): the forward pass, the softmax loss, the gradients and prediction.

``TwoLayerNet`` is one class graded by several tests, and each test isolates the part it
grades, so one slip costs points once:

* ``test_loss`` accepts a loss that is right for the student's *own* scores (the grader
  computes that cross-entropy itself), so a slip in the forward pass costs points on
  ``test_forward_scores`` and not twice. ``test_backward`` is judged on the reference
  gradients only: the numerical gradient of the student's own loss, computed in the sandbox,
  only says in the hint that the loss, not the backward pass, is what is wrong.
* ``test_predict`` runs the student's ``predict`` in a subclass whose ``loss(X)`` returns the
  case's right scores (:func:`~solutions.lab3_two_layer.sandbox.drivers.with_known_forward`),
  so predict is graded on its own.

The cases and the drivers' settings (``spec``) are shared with :mod:`.svm` and
:mod:`.training`; the answer code (forward pass, softmax, cross-entropy) is in :mod:`.answers`.
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

from ..sandbox.drivers import KEYS, drive_backward, drive_forward, drive_loss, drive_predict
from .answers import _cross_entropy, _forward_variant, _scores, _softmax


def random_params(rng, D, H, C, dtype=np.float64, scale=1.0):
    """A D-H-C network's parameters, weights scaled by 1 / sqrt(fan-in) times ``scale``."""
    return {
        "W1": (scale * rng.standard_normal((D, H)) / np.sqrt(D)).astype(dtype),
        "b1": (0.1 * rng.standard_normal(H)).astype(dtype),
        "W2": (scale * rng.standard_normal((H, C)) / np.sqrt(H)).astype(dtype),
        "b2": (0.1 * rng.standard_normal(C)).astype(dtype),
    }


def _net_case(rng, N, D, H, C, activation, hint, *, reg=0.0, dtype=np.float64, scale=1.0,
              numeric=True):
    X = rng.standard_normal((N, D)).astype(dtype)
    y = rng.integers(0, C, N)
    spec = {
        "sizes": (D, H, C), "activation": activation, "reg": reg,
        "params": random_params(rng, D, H, C, dtype, scale),
        "numeric": numeric,
    }
    return Case((X, y), {"spec": spec}, hint=hint)


def _worked_example_case():
    """The lecture's example: 4 pixel values, 4 hidden ReLU units, 3 classes (cat, dog, bird)."""
    X = np.array([[56.0, 231.0, 24.0, 2.0]])
    params = {
        "W1": np.array([[0.2, -0.5, 0.1, 2.0], [-0.2, 0.0, 0.4, 1.3],
                        [1.1, 0.7, -0.9, -0.2], [-1.9, 1.0, 0.9, 2.1]]).T,
        "b1": np.array([9.1, 7.3, -27.0, 2.1]),
        "W2": np.array([[0.8, 0.9, 0.0, 1.4], [0.3, -0.3, 2.2, -1.2],
                        [0.6, 0.7, -0.1, -0.6]]).T,
        "b2": np.array([-32.0, 14.0, 19.0]),
    }
    spec = {"sizes": (4, 4, 3), "activation": "relu", "reg": 0.0, "params": params,
            "numeric": False}
    return Case((X, np.array([0])), {"spec": spec},
                hint="the lecture's worked example, scores 188.97, 211.97, -84.12")


def forward_cases():
    rng = np.random.default_rng(30)
    yield _worked_example_case()
    yield _net_case(rng, 7, 6, 5, 4, "relu", "ReLU, 7 examples, D=6, H=5, C=4")
    yield _net_case(rng, 7, 6, 5, 4, "sigmoid", "sigmoid hidden layer")
    yield _net_case(rng, 7, 6, 5, 4, "tanh", "tanh hidden layer")
    yield _net_case(rng, 1, 3, 8, 2, "relu", "a single example")
    yield _net_case(rng, 5, 4, 3, 1, "tanh", "one output (C=1)")
    yield _net_case(rng, 9, 10, 6, 5, "relu", "float32 input", dtype=np.float32)


def loss_cases():
    rng = np.random.default_rng(31)
    yield _worked_example_case()
    yield _net_case(rng, 8, 6, 5, 4, "relu", "ReLU, no regularisation")
    yield _net_case(rng, 8, 6, 5, 4, "relu", "ReLU, reg=0.1", reg=0.1)
    yield _net_case(rng, 8, 6, 5, 4, "tanh", "tanh, reg=0.05", reg=0.05)
    yield _net_case(rng, 6, 5, 4, 3, "sigmoid", "sigmoid, reg=0.2", reg=0.2)
    # Large scores, their real magnitudes in the hints: overflow alone (all classes near
    # 1000, a few apart), then gaps of about 1e5 within a row (log-sum-exp, taught in part 3).
    shifted = _net_case(rng, 10, 6, 5, 4, "relu", "", scale=1.0)
    shifted.kwargs["spec"]["params"]["b2"] += 1000.0
    yield _with_magnitudes(shifted, "exp overflows unless each row's maximum is subtracted")
    yield _with_magnitudes(_net_case(rng, 10, 6, 5, 4, "relu", "", scale=300.0),
                           "needs the max shift and the log-sum-exp form")
    yield _net_case(rng, 9, 10, 6, 5, "relu", "float32 input, reg=0.1", reg=0.1,
                    dtype=np.float32)


def _with_magnitudes(case: Case, what: str) -> Case:
    """``case`` with a hint stating how large its scores and their gaps within a row are."""
    spec = case.kwargs["spec"]
    scores = _scores(spec["params"], case.args[0], spec["activation"])
    gap = float((scores.max(axis=1) - scores.min(axis=1)).max())
    case.group = "edge"
    case.hint = (f"scores up to {np.abs(scores).max():.2g} in size and up to {gap:.2g} apart "
                 f"within a row: {what}")
    return case


def backward_cases():
    rng = np.random.default_rng(32)
    yield _net_case(rng, 8, 6, 5, 4, "relu", "ReLU, reg=0.1", reg=0.1)
    yield _net_case(rng, 8, 6, 5, 4, "relu", "ReLU, no regularisation")
    yield _net_case(rng, 7, 5, 6, 3, "sigmoid", "sigmoid, reg=0.05", reg=0.05)
    yield _net_case(rng, 7, 5, 6, 3, "tanh", "tanh, reg=0.05", reg=0.05)
    yield _net_case(rng, 1, 4, 3, 3, "relu", "a single example, reg=0.2", reg=0.2)
    yield _net_case(rng, 9, 10, 6, 5, "relu", "float32 input, reg=0.1", reg=0.1,
                    dtype=np.float32)


def predict_cases():
    rng = np.random.default_rng(33)
    cases = [_net_case(rng, 12, 6, 5, 4, "relu", "ReLU, 12 examples, 4 classes"),
             _net_case(rng, 12, 6, 5, 4, "tanh", "tanh hidden layer"),
             _net_case(rng, 9, 6, 5, 7, "sigmoid", "sigmoid hidden layer, 7 classes"),
             _net_case(rng, 1, 3, 4, 3, "relu", "a single example"),
             _net_case(rng, 9, 10, 6, 5, "relu", "float32 input", dtype=np.float32)]
    for case in cases:
        # The case carries the right scores of its inputs (data, computed here), so predict is
        # graded on its own whether it calls self.loss(X) or a forward helper of its own.
        spec = case.kwargs["spec"]
        spec["scores"] = _scores(spec["params"], case.args[0], spec["activation"])
        yield case


# The tolerances these take are multiples of compare.question_eps (the course's one policy).


def relative_difference(a, b) -> float:
    """||a - b|| / ||b||, in float64: how far a gradient is from the reference ``b``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))


def close_values(a, b, tol) -> bool:
    """Whether ``a`` is within ``tol`` of ``b``, relative to ``|b|`` and absolute near 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return bool(np.all(np.abs(a - b) <= tol * (np.abs(b) + 1.0)))


def penalties(params):
    """sum(p**2) of each parameter (biases too, to name the mistake of penalising them)."""
    return {k: float(np.sum(np.asarray(params[k], dtype=np.float64) ** 2)) for k in KEYS}


def compare_scores(expected, got, case: Case) -> str | None:
    if isinstance(got, tuple):
        return ("loss(X) with y=None should return only the scores array, not a tuple; "
                "return the scores before computing the loss")
    got, problem = as_array(got, "loss(X) with y=None")
    if problem:
        return problem
    problem = shape_problem(expected, got, " = (N, C): one row of class scores per example")
    if problem:
        return problem
    X = case.args[0]
    tol = 1e3 * question_eps(X, expected)
    close = np.abs(got - expected) <= tol * (np.abs(expected) + np.abs(expected).max() + 1)
    if close.all():
        return None
    activation = case.kwargs["spec"]["activation"]
    if np.allclose(got, _softmax(expected), rtol=1e-4, atol=1e-7):
        return ("these are softmax probabilities; with y=None return the raw scores "
                "h W2 + b2 (the probabilities belong to the loss)")
    for other in ("none", "relu", "sigmoid", "tanh"):
        if other != activation and np.allclose(got, _forward_variant(case, other), rtol=1e-4):
            if other == "none":
                return (f"these are the scores of a network without its {activation} "
                        "activation: apply it to X W1 + b1 before the second layer")
            return (f"these are the scores with a {other} hidden layer, but the network was "
                    f"built with activation={activation!r}: use self.activation "
                    "(sigmoid(z) = 1 / (1 + exp(-z)))")
    for bias, variant in (("b1", _forward_variant(case, activation, use_b1=False)),
                          ("b2", _forward_variant(case, activation, use_b2=False))):
        if np.allclose(got, variant, rtol=1e-4):
            return f"these scores leave out the bias {bias}: add it after the matrix product"
    return "the scores are wrong: " + first_mismatch(expected, got, close)


def loss_value(out, what="loss(X, y, reg)"):
    """``(loss as a float, None)`` from a ``(loss, grads)`` pair, or ``(None, why not)``."""
    if not (isinstance(out, tuple | list) and len(out) == 2):
        return None, (f"{what} should return a pair (loss, grads), got "
                      f"{type(out).__name__}")
    value = np.asarray(out[0])
    if value.dtype == object or value.size != 1:
        return None, f"the loss should be a single number, got an array of shape {value.shape}"
    return float(value.reshape(())), None


def compare_loss(expected, got, case: Case) -> str | None:
    value, problem = loss_value(got["out"])
    if problem:
        return problem
    if not np.isfinite(value):
        spec = case.kwargs["spec"]
        return softmax_not_finite(f"the loss ({value})",
                                  _scores(spec["params"], case.args[0], spec["activation"]))
    reference, _ = loss_value(expected["out"])
    X, y = case.args
    tol = 1e3 * question_eps(X, expected["out"])
    if close_values(value, reference, tol):
        return None
    reg = case.kwargs["spec"]["reg"]
    pen = penalties(case.kwargs["spec"]["params"])
    penalty = reg * (pen["W1"] + pen["W2"])
    data_losses = [reference - penalty]
    own_scores, _ = as_array(got["scores"], "scores")
    if own_scores is not None and own_scores.shape == (len(y), expected["scores"].shape[1]) \
            and np.isfinite(own_scores).all():
        own = _cross_entropy(own_scores, y)
        if close_values(value, own + penalty, tol):
            return None  # right for the student's own scores: a forward slip is graded there
        data_losses.append(own)
    for data in data_losses:
        n = len(y)
        named = {
            "the loss is summed over the examples: average it (divide by N)":
                data * n + penalty,
            "the L2 penalty reg * (sum(W1**2) + sum(W2**2)) is missing": data,
            "the penalty on W2 is missing: regularise both weight matrices":
                data + reg * pen["W1"],
            "the penalty on W1 is missing: regularise both weight matrices":
                data + reg * pen["W2"],
            "the penalty has a factor 1/2 here; this lab uses reg * sum(W**2)":
                data + 0.5 * penalty,
            "the biases are regularised too; penalise only W1 and W2":
                data + reg * sum(pen.values()),
        }
        for message, candidate in named.items():
            if penalty == 0 and "penalty" in message:
                continue
            if close_values(value, candidate, max(tol, 1e-9)):
                return f"loss {value:.6g}, expected {reference:.6g}: {message}"
    return (f"loss {value:.6g}, expected {reference:.6g} (the mean of -log softmax "
            "probability of the right class, plus the penalty)")


def compare_grads(expected, got, case: Case) -> str | None:
    _, problem = loss_value(got["out"])
    if problem:
        return problem
    grads, ref = got["out"][1], expected["out"][1]
    if grads is None:
        return ("the backward pass is not implemented yet (loss returned grads = None): write "
                "the part under '# Backward pass'")
    if not isinstance(grads, dict):
        return f"grads should be a dict keyed W1, b1, W2, b2, got {type(grads).__name__}"
    missing = [k for k in KEYS if k not in grads]
    if missing:
        return f"grads has no entry for {', '.join(missing)}; it needs the keys of self.params"
    arrays = {}
    for key in KEYS:
        g, problem = as_array(grads[key], f"grads[{key!r}]")
        if problem:
            return problem
        if g.shape != ref[key].shape:
            why = (": sum over axis 0 (the examples), one entry per unit" if key[0] == "b"
                   else ", the shape of the parameter")
            return f"grads[{key!r}] has shape {g.shape} but should be {ref[key].shape}{why}"
        if not np.isfinite(g).all():
            return f"grads[{key!r}] contains NaN or inf"
        arrays[key] = g
    X = case.args[0]
    tol = 1e4 * question_eps(X, *ref.values())
    wrong = [k for k in KEYS if relative_difference(arrays[k], ref[k]) > tol]
    if not wrong:
        return None
    # The sandbox computed "numeric" from the student's own loss, so it only shapes the hint:
    # points come from the reference gradients alone (a constant loss has zero derivatives).
    numeric = got.get("numeric")
    if isinstance(numeric, dict) and all(
            np.shape(numeric.get(k)) == arrays[k].shape
            and relative_difference(arrays[k], numeric[k]) < max(1e-6, 1e3 * question_eps(X))
            for k in KEYS):
        return (f"grads[{wrong[0]!r}] differs from the gradient of the correct loss, but every "
                "gradient matches the numerical derivative of your own loss: the backward pass "
                "is consistent with a loss that is wrong, so fix the loss (test_loss) first")
    return _explain_gradient(wrong[0], arrays, ref, wrong, case)


def _explain_gradient(key, arrays, ref, wrong, case):
    spec = case.kwargs["spec"]
    reg, activation = spec["reg"], spec["activation"]
    n = len(case.args[1])
    params = {k: np.asarray(v, dtype=np.float64) for k, v in spec["params"].items()}
    g, r = arrays[key].astype(np.float64), np.asarray(ref[key], dtype=np.float64)
    reg_grad = 2 * reg * params[key] if key[0] == "W" else 0 * r
    data = r - reg_grad
    err = relative_difference(g, r)
    head = f"grads[{key!r}] is wrong (relative error {err:.2g})"
    if n > 1 and relative_difference(g, data * n + reg_grad) < 1e-6:
        return (f"{head}: it is N = {n} times too large. The loss averages over the batch, so "
                "divide the gradient of the scores by N")
    if reg and key[0] == "W":
        if relative_difference(g, data) < 1e-6:
            return f"{head}: the regularisation gradient 2 * reg * {key} is missing"
        if relative_difference(g, data + reg * params[key]) < 1e-6:
            return (f"{head}: the gradient of reg * sum({key}**2) is 2 * reg * {key}, "
                    f"not reg * {key}")
    if set(wrong) <= {"W1", "b1"}:
        derivative = {"relu": "1 where z1 > 0, else 0", "sigmoid": "s * (1 - s)",
                      "tanh": "1 - tanh(z1)**2"}[activation]
        return (f"{head} while dW2 and db2 are right: check the path back through the hidden "
                f"layer, dh = dscores W2^T times the {activation} derivative ({derivative})")
    return (f"{head}: start from dscores = (softmax probabilities - one-hot labels) / N and "
            "apply the chain rule layer by layer")


def compare_predictions(expected, got, case: Case) -> str | None:
    got, problem = as_array(got, "predict")
    if problem:
        return problem
    n, classes = len(case.args[0]), case.kwargs["spec"]["sizes"][2]
    if got.shape == (n, classes):
        return "predict should return one label per example (N,), not the scores: use argmax"
    if got.shape == (classes,) and n != classes:
        return (f"predict returned {classes} values for {n} examples: take the argmax over "
                "axis 1 (the classes), not axis 0")
    if got.shape != expected.shape:
        return f"the shape is {got.shape} but should be {expected.shape} (one label per example)"
    if np.array_equal(got, expected):
        return None
    i = int(np.flatnonzero(got != expected)[0])
    return (f"example {i}: predicted {got[i]}, but class {expected[i]} has the highest score. "
            "predict returns the index of the largest score of each row (np.argmax(..., axis=1))"
            f" of the network with activation={case.kwargs['spec']['activation']!r}")


CHECKS = {
    "test_forward_scores": Check("TwoLayerNet", forward_cases, compare_scores,
                                 driver=drive_forward,
                                 title="`TwoLayerNet.loss`: the forward pass (scores)"),
    "test_loss": Check("TwoLayerNet", loss_cases, compare_loss, driver=drive_loss,
                       groups={"main": 0.5, "edge": 0.5},  # edge: the large scores
                       title="`TwoLayerNet.loss`: the softmax loss with L2 regularisation"),
    "test_backward": Check("TwoLayerNet", backward_cases, compare_grads,
                           driver=drive_backward,
                           title="`TwoLayerNet.loss`: the gradients (backward pass)"),
    "test_predict": Check("TwoLayerNet", predict_cases, compare_predictions,
                          driver=drive_predict, title="`TwoLayerNet.predict`"),
}
