"""Hidden checks for Lab 3, a two-layer network: the forward pass, the loss, the gradients,
training, prediction, the SVM variant of the loss, and the trained network the student saves.

``TwoLayerNet`` is one class graded by several tests. Each test isolates the part it grades:

* ``test_loss`` accepts a loss that is right for the student's *own* scores (the grader
  computes that cross-entropy itself), so a slip in the forward pass costs points on
  ``test_forward_scores`` and not twice. ``test_backward`` is judged on the reference
  gradients only: the numerical gradient of the student's own loss, computed in the sandbox,
  only says in the hint that the loss, not the backward pass, is what is wrong.
* ``test_train`` and ``test_predict`` run the student's ``train`` / ``predict`` in a subclass
  whose ``loss(X)`` gives scripted scores (:func:`_probe_scores`). ``test_train`` mostly
  uses a *probe*: ``loss`` returns a known loss value and constant gradients, so the
  parameters move by exactly ``learning_rate * constant`` per step whatever examples were
  sampled. That reveals the learning-rate schedule, the recorded history and the accuracies
  exactly, while the sampling order (implementation-defined) is only judged by its properties.
* ``test_saved_model`` loads the student's ``best_two_layer_net.npz`` (never unpickling) and
  measures its accuracy itself on held-out CIFAR-10 test images that ship with the grader
  only (``autograder/heldout``, built by ``tools/make_heldout_cifar10.py``): the bundled
  subset students load leaves them out, so a model fitted to the images a notebook can see
  gains nothing.

Answer code (the forward pass, softmax, cross-entropy) lives in
:mod:`.grader_only.lab3_two_layer`, which the sandbox cannot import.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import (
    as_array,
    first_mismatch,
    question_eps,
    shape_problem,
    softmax_not_finite,
)
from autograder.reference import solution_namespace
from course_utils.data import BUNDLED_DIR, flatten, load_cifar10, split_validation

from ..sandbox.drivers import (
    KEYS,
    drive_backward,
    drive_forward,
    drive_loss,
    drive_predict,
    drive_train,
)
from .answers import _cross_entropy, _forward_variant, _labels, _scores, _softmax

LAB = "lab3_two_layer"
ARTIFACT = "best_two_layer_net.npz"
HELDOUT = Path(__file__).resolve().parent / "heldout" / "cifar10_heldout.npz"
# Accuracy the saved network must reach on the 500 held-out CIFAR-10 test images (HELDOUT).
# Measured there: the reference network trained as in the notebook (bundled images, 250
# iterations, seeds 0-2) 30.6-33.2%; untrained networks (seeds 0-4) 9.8-15.4%; a least-
# squares fit to the 500 bundled test images, 100% on those, 17.0%.
SAVED_MODEL_THRESHOLD = 0.25


# ------------------------------------------------------------------------------ cases


def _params(rng, D, H, C, dtype=np.float64, scale=1.0):
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
        "params": _params(rng, D, H, C, dtype, scale),
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


def _probe_case(rng, N, batch_size, num_iters, *, lr=0.1, decay=0.5, reg=0.3, seed=3,
                repeat=False, hint=""):
    D, H, C = 5, 4, 3
    X = rng.standard_normal((N, D))
    X[:, 0] = np.arange(N)  # the example's index, so the probe can see which were sampled
    X_val = rng.standard_normal((20, D))
    X_val[:, 0] = rng.uniform(0, N, 20)
    y, y_val = rng.integers(0, C, N), rng.integers(0, C, 20)
    params = _params(rng, D, H, C)
    params["W1"][0] *= 0.01  # keep the index column from dominating the scores
    spec = {
        "sizes": (D, H, C), "activation": "relu", "params": params,
        "repeat": repeat,
        "train": {"learning_rate": lr, "learning_rate_decay": decay, "reg": reg,
                  "num_iters": num_iters, "batch_size": batch_size, "seed": seed},
    }
    return Case((X, y, X_val, y_val), {"spec": spec}, hint=hint)


def train_cases():
    rng = np.random.default_rng(34)
    yield _probe_case(rng, 50, 10, 23, hint="50 examples, batches of 10 (5 per epoch), 23 steps")
    yield _probe_case(rng, 40, 40, 4, decay=0.9, reg=0.0,
                      hint="full batch: every step is an epoch")
    yield _probe_case(rng, 60, 7, 20, lr=0.05, decay=0.8, seed=11,
                      hint="60 examples, batches of 7 (8 per epoch)")
    yield _probe_case(rng, 50, 10, 12, seed=5, repeat=True,
                      hint="training twice with the same seed")


# ------------------------------------------------------------------------- helpers


def _tolerance(*question) -> float:
    return 1e4 * question_eps(*question)


def _relative_difference(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))


def _close_values(a, b, tol) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return bool(np.all(np.abs(a - b) <= tol * (np.abs(b) + 1.0)))


def _penalties(case):
    p = {k: np.asarray(v, dtype=np.float64) for k, v in case.kwargs["spec"]["params"].items()}
    return {k: float(np.sum(p[k] ** 2)) for k in KEYS}


# ------------------------------------------------------------------------- compares


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


def _loss_value(out, what="loss(X, y, reg)"):
    if not (isinstance(out, tuple | list) and len(out) == 2):
        return None, (f"{what} should return a pair (loss, grads), got "
                      f"{type(out).__name__}")
    value = np.asarray(out[0])
    if value.dtype == object or value.size != 1:
        return None, f"the loss should be a single number, got an array of shape {value.shape}"
    return float(value.reshape(())), None


def compare_loss(expected, got, case: Case) -> str | None:
    value, problem = _loss_value(got["out"])
    if problem:
        return problem
    if not np.isfinite(value):
        spec = case.kwargs["spec"]
        return softmax_not_finite(f"the loss ({value})",
                                  _scores(spec["params"], case.args[0], spec["activation"]))
    reference, _ = _loss_value(expected["out"])
    X, y = case.args
    tol = 1e3 * question_eps(X, expected["out"])
    if _close_values(value, reference, tol):
        return None
    reg = case.kwargs["spec"]["reg"]
    pen = _penalties(case)
    penalty = reg * (pen["W1"] + pen["W2"])
    data_losses = [reference - penalty]
    own_scores, _ = as_array(got["scores"], "scores")
    if own_scores is not None and own_scores.shape == (len(y), expected["scores"].shape[1]) \
            and np.isfinite(own_scores).all():
        own = _cross_entropy(own_scores, y)
        if _close_values(value, own + penalty, tol):
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
            if _close_values(value, candidate, max(tol, 1e-9)):
                return f"loss {value:.6g}, expected {reference:.6g}: {message}"
    return (f"loss {value:.6g}, expected {reference:.6g} (the mean of -log softmax "
            "probability of the right class, plus the penalty)")


def compare_grads(expected, got, case: Case) -> str | None:
    _, problem = _loss_value(got["out"])
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
    tol = _tolerance(X, *ref.values())
    wrong = [k for k in KEYS if _relative_difference(arrays[k], ref[k]) > tol]
    if not wrong:
        return None
    # The sandbox computed "numeric" from the student's own loss, so it only shapes the hint:
    # points come from the reference gradients alone (a constant loss has zero derivatives).
    numeric = got.get("numeric")
    if isinstance(numeric, dict) and all(
            np.shape(numeric.get(k)) == arrays[k].shape
            and _relative_difference(arrays[k], numeric[k]) < max(1e-6, 1e3 * question_eps(X))
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
    err = _relative_difference(g, r)
    head = f"grads[{key!r}] is wrong (relative error {err:.2g})"
    if n > 1 and _relative_difference(g, data * n + reg_grad) < 1e-6:
        return (f"{head}: it is N = {n} times too large. The loss averages over the batch, so "
                "divide the gradient of the scores by N")
    if reg and key[0] == "W":
        if _relative_difference(g, data) < 1e-6:
            return f"{head}: the regularisation gradient 2 * reg * {key} is missing"
        if _relative_difference(g, data + reg * params[key]) < 1e-6:
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


def compare_training(expected, got, case: Case) -> str | None:
    spec = case.kwargs["spec"]
    train = spec["train"]
    num_iters, batch_size = train["num_iters"], train["batch_size"]
    n = len(case.args[1])
    per_epoch = max(n // batch_size, 1)
    epochs = num_iters // per_epoch
    if got["calls"] != num_iters:
        return (f"train should call self.loss(X_batch, y_batch, reg=reg) once per iteration, "
                f"{num_iters} times, but it did {got['calls']} times")
    if not np.all(got["batch_sizes"] == batch_size):
        sizes = sorted(set(got["batch_sizes"].tolist()))
        return f"the batches should hold batch_size = {batch_size} examples, got sizes {sizes}"
    if not np.allclose(got["regs"], train["reg"]):
        return (f"self.loss was called with reg={got['regs'][0]:g}; pass the training reg "
                f"({train['reg']:g}) on: self.loss(X_batch, y_batch, reg=reg)")
    problem = _history_problem(expected["history"], got["history"], num_iters, epochs,
                               per_epoch)
    return problem or _probe_problem(expected, got, case, per_epoch)


def _history_problem(expected, got, num_iters, epochs, per_epoch):
    if got["type"] != "dict":
        return f"train should return a dict (the history), got {got['type']}"
    missing = [k for k in ("loss", "train_acc", "val_acc") if k not in got]
    if missing:
        return (f"the history has the keys {got['keys']} but needs 'loss', 'train_acc' and "
                f"'val_acc' (missing: {', '.join(missing)})")
    for key in ("loss", "train_acc", "val_acc"):
        if isinstance(got[key], str):
            return f"history[{key!r}] is {got[key]}"
    if got["loss"].size != num_iters:
        return (f"history['loss'] should hold one loss per iteration ({num_iters}), "
                f"got {got['loss'].size} values")
    for key in ("train_acc", "val_acc"):
        if got[key].size != epochs:
            return (f"history[{key!r}] should hold one value per completed epoch: {epochs} "
                    f"for {num_iters} iterations of {per_epoch} per epoch, got "
                    f"{got[key].size}. Record after the last iteration of each epoch, "
                    "(it + 1) % iterations_per_epoch == 0")
    if not np.allclose(got["loss"], expected["loss"]):
        i = int(np.flatnonzero(~np.isclose(got["loss"], expected["loss"]))[0])
        return (f"history['loss'][{i}] is {got['loss'][i]:.6g} but self.loss returned "
                f"{expected['loss'][i]:.6g} at that iteration: record each iteration's loss "
                "as returned")
    return None


def _probe_problem(expected, got, case, per_epoch):
    train = case.kwargs["spec"]["train"]
    lr0, decay = train["learning_rate"], train["learning_rate_decay"]
    if got["label_errors"]:
        return ("the labels passed to self.loss do not belong to the batch's examples: index "
                "X and y with the same sampled indices")
    wanted, lr = expected["lr"], got["lr"]
    bad = ~np.isclose(lr, wanted, rtol=1e-6, atol=1e-12)
    if bad.any():
        t, k = (int(v) for v in np.argwhere(bad)[0])
        key = KEYS[k]
        steps = np.arange(len(wanted))
        msg = (f"at iteration {t} {key} moved by {lr[t, k]:.6g} x its gradient, but the "
               f"learning rate then is {wanted[t, k]:.6g} (learning_rate * decay ** "
               f"(it // {per_epoch}) with {per_epoch} iterations per epoch)")
        if np.all(lr[:, k] < 0):
            return msg + ": the parameters moved uphill. Subtract learning_rate * gradient"
        if np.allclose(lr[:, k], lr0 * decay ** steps):
            return msg + ": the learning rate decays every iteration; decay once per epoch"
        if np.allclose(lr[:, k], lr0) and decay != 1:
            return msg + ": the learning rate never decays; multiply it by " \
                         "learning_rate_decay after each epoch"
        if np.allclose(lr[:, k], 0):
            return msg + f": {key} was not updated (update the arrays in self.params)"
        if np.allclose(lr[:, k], lr0 * decay ** ((steps + 1) // per_epoch)) or np.allclose(
                lr[:, k], lr0 * decay ** ((steps + per_epoch - 1) // per_epoch)):
            return msg + ": the decay comes at the wrong time. Decay after the last iteration " \
                         "of each epoch, (it + 1) % iterations_per_epoch == 0"
        return msg
    for key in ("train_acc", "val_acc"):
        want, have = expected["history"][key], got["history"][key]
        if not np.allclose(have, want, atol=1e-9):
            i = int(np.flatnonzero(~np.isclose(have, want, atol=1e-9))[0])
            msg = (f"history[{key!r}][{i}] is {have[i]:.4f} but the network's accuracy then "
                   f"was {want[i]:.4f}")
            other = "val_acc" if key == "train_acc" else "train_acc"
            if np.allclose(have, expected["history"][other], atol=1e-9):
                return msg + f": this is the {other.replace('_acc', '')} accuracy"
            if key == "train_acc":
                return msg + " (measured on the first min(N, 1000) training examples)"
            return msg + " (measured on X_val, y_val)"
    ids = got["ids"]
    seen = np.unique(np.concatenate(ids)).size
    n = len(case.args[1])
    if seen < 0.6 * n:
        return (f"the batches used only {seen} of the {n} training examples in {len(ids)} "
                "iterations: sample a new random batch every iteration")
    if train["batch_size"] < n and all(
            np.array_equal(b, np.arange(b[0], b[0] + len(b))) for b in ids):
        return ("the batches walk through the examples in their stored order: sample them at "
                "random (e.g. rng.choice(num_train, batch_size))")
    if "ids_repeat" in expected and not all(
            np.array_equal(a, b) for a, b in zip(got["ids"], got["ids_repeat"], strict=True)):
        return ("two runs with the same seed sampled different batches: draw them from "
                "np.random.default_rng(seed)")
    return None


# ------------------------------------------------------------------ SVM two-layer loss


def svm_cases():
    rng = np.random.default_rng(35)

    def case(N, D, H, C, reg, hint, dtype=np.float64, scale=1.0):
        params = _params(rng, D, H, C, dtype, scale)
        X = rng.standard_normal((N, D)).astype(dtype)
        return Case((params, X, rng.integers(0, C, N), reg), hint=hint)

    yield case(8, 6, 5, 4, 0.1, "8 examples, 4 classes, reg=0.1")
    yield case(8, 6, 5, 4, 0.0, "no regularisation")
    yield case(10, 5, 7, 3, 0.05, "large scores: most margins are met (zero loss terms)",
               scale=6.0)
    yield case(1, 4, 3, 5, 0.2, "a single example")
    yield case(9, 10, 6, 5, 0.1, "float32 input", dtype=np.float32)


def compare_svm(expected, got, case: Case) -> str | None:
    value, problem = _loss_value(got, "svm_two_layer_loss")
    if problem:
        return problem
    params, X, y, reg = case.args
    reference = float(expected[0])
    tol = 1e3 * question_eps(X, expected)
    pen = _penalties(Case((), {"spec": {"params": params}}))
    penalty = reg * (pen["W1"] + pen["W2"])
    if not _close_values(value, reference, tol):
        data, n = reference - penalty, len(y)
        named = {
            "each example adds max(0, s_y - s_y + 1) = 1 for its own class: skip j = y_i":
                data + 1.0 + penalty,
            "the loss is summed over the examples: average it (divide by N)":
                data * n + penalty,
            "the L2 penalty reg * (sum(W1**2) + sum(W2**2)) is missing": data,
            "the penalty on W2 is missing: regularise both weight matrices":
                data + reg * pen["W1"],
            "the penalty on W1 is missing: regularise both weight matrices":
                data + reg * pen["W2"],
        }
        for message, candidate in named.items():
            if _close_values(value, candidate, max(tol, 1e-9)) and not (
                    penalty == 0 and "penalty" in message):
                return f"loss {value:.6g}, expected {reference:.6g}: {message}"
        return (f"loss {value:.6g}, expected {reference:.6g}: the mean over examples of "
                "sum_{j != y_i} max(0, s_j - s_y + 1), plus the penalty")
    fake = Case(case.args[1:3], {"spec": {"params": params, "reg": reg, "activation": "relu"}})
    return compare_grads({"out": expected}, {"out": got, "numeric": None}, fake)


# ------------------------------------------------------------------ the saved network


def saved_model_cases():
    """The held-out images, read in the grading process only (the sandbox never sees them:
    the worker receives no inputs for artifact checks, and the folder is masked there)."""
    try:
        with np.load(HELDOUT, allow_pickle=False) as held:
            X, y = held["X"], held["y"]
    except FileNotFoundError:
        raise FileNotFoundError(f"{HELDOUT} is missing: Lab 3's saved network is scored on "
                                "held-out images that ship with the grader only (rebuild "
                                "them with python tools/make_heldout_cifar10.py)") from None
    yield Case((X.reshape(len(X), -1).astype(np.float64), y.astype(np.int64),
                SAVED_MODEL_THRESHOLD), hint=f"{len(y)} held-out CIFAR-10 test images")


def compare_saved_model(expected, arrays, case: Case) -> str | None:
    X, y, threshold = case.args
    D, C = X.shape[1], 10
    name = ARTIFACT
    missing = [k for k in (*KEYS, "mean") if k not in arrays]
    if missing:
        return (f"{name} has no {', '.join(missing)} (it holds {sorted(arrays)}); save "
                "np.savez(path, W1=..., b1=..., W2=..., b2=..., mean=mean_image)")
    for key, value in arrays.items():
        if not np.issubdtype(value.dtype, np.number):
            return f"{name}: {key} should be an array of numbers, got dtype {value.dtype}"
    W1, b1, W2, b2 = (arrays[k].astype(np.float64) for k in KEYS)
    if W1.ndim != 2 or W1.shape[0] != D:
        return (f"{name}: W1 has shape {W1.shape}; it should be ({D}, H), one row per pixel "
                "value of a flattened 32x32x3 image")
    H = W1.shape[1]
    wanted = {"b1": (H,), "W2": (H, C), "b2": (C,)}
    for key, shape in wanted.items():
        if arrays[key].shape != shape:
            return f"{name}: {key} has shape {arrays[key].shape}, expected {shape} for H = {H}"
    mean = arrays["mean"].astype(np.float64)
    if mean.size != D:
        return f"{name}: mean has {mean.size} values; it should be the mean image ({D} values)"
    std = arrays.get("std", np.ones(1)).astype(np.float64)
    if std.size not in (1, D) or not np.all(std > 0):
        return f"{name}: std should be one positive number or {D} of them"
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    if not all(np.isfinite(v).all() for v in (*params.values(), mean, std)):
        return f"{name} contains NaN or inf: the training diverged (lower the learning rate)"
    inputs = (X - mean.reshape(-1)) / std.reshape(-1)
    accuracy = float(np.mean(_labels(params, inputs, "relu") == y))
    if accuracy < threshold:
        return (f"the saved network classifies {accuracy:.1%} of {len(y)} held-out CIFAR-10 "
                f"test images correctly; at least {threshold:.0%} is expected (guessing gets "
                "10%). Save the trained network after training, with the mean you subtracted "
                "from its training images")
    return None


def write_example(folder) -> None:
    """Save a network that passes ``test_saved_model`` into ``folder``, for sample submissions
    (demo, end-to-end tests): the reference 3072-50-10 network trained for 250 iterations on
    the bundled images as in the notebook (about 31% on the bundled test images; 10-20 s)."""
    data = load_cifar10(BUNDLED_DIR, download=False, verbose=False)
    X, y, X_val, y_val = split_validation(data.X_train, data.y_train, 500, seed=0)
    X, X_val = flatten(X), flatten(X_val)
    mean = X.mean(axis=0)
    net = solution_namespace(LAB)["TwoLayerNet"](X.shape[1], 50, 10, seed=0)
    net.train(X - mean, y, X_val - mean, y_val, learning_rate=1e-3, reg=0.25, num_iters=250,
              seed=0)
    Path(folder).mkdir(parents=True, exist_ok=True)
    np.savez(Path(folder) / ARTIFACT, mean=mean, **net.params)


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
    "test_train": Check("TwoLayerNet", train_cases, compare_training, driver=drive_train,
                        title="`TwoLayerNet.train`: mini-batch SGD with learning-rate decay"),
    "test_predict": Check("TwoLayerNet", predict_cases, compare_predictions,
                          driver=drive_predict, title="`TwoLayerNet.predict`"),
    "test_svm_two_layer_loss": Check(
        "svm_two_layer_loss", svm_cases, compare_svm,
        title="`svm_two_layer_loss`: the same network with the multiclass SVM loss"),
    "test_saved_model": Check(None, saved_model_cases, compare_saved_model, artifact=ARTIFACT,
                              example=write_example,
                              title=f"a trained network saved to `{ARTIFACT}`"),
}
