"""How Lab 3's hidden cases exercise the student's ``TwoLayerNet``: the drivers the worker runs.

A driver builds the student's network with the case's parameters, calls the method a test
grades and returns plain data the grader compares (:class:`autograder.checks.Check`). This
module runs in the sandbox, so it holds nothing derived from the answers: no forward pass of
the lab's activations, no softmax, no cross-entropy.

``test_train`` and ``test_predict`` run the student's ``train`` / ``predict`` in a subclass
whose ``loss(X)`` gives scripted scores (:func:`probe_scores`). ``test_train`` mostly uses a
*probe*: ``loss`` returns a known loss value and constant gradients, so the parameters move
by exactly ``learning_rate * constant`` per step whatever examples were sampled. That reveals
the learning-rate schedule, the recorded history and the accuracies exactly, while the
sampling order (implementation-defined) is only judged by its properties.
"""

from __future__ import annotations

import numpy as np

from course_utils.gradcheck import numerical_gradient_array

KEYS = ("W1", "b1", "W2", "b2")


def build(cls, spec):
    """The student's network with the case's parameters (copied: training changes them)."""
    D, H, C = spec["sizes"]
    if not isinstance(cls, type):
        cls(D, H, C)  # a stub that is not implemented raises NotImplementedError here
        raise TypeError("TwoLayerNet should be a class (class TwoLayerNet: ...)")
    net = cls(D, H, C, activation=spec["activation"], seed=0)
    for key in KEYS:
        net.params[key] = np.array(spec["params"][key], copy=True)
    return net


# ------------------------------------------------------------- loss(X) and loss(X, y, reg)


def drive_forward(cls, case):
    """``test_forward_scores``: the scores ``loss(X)`` returns."""
    (X, _), spec = case.args, case.kwargs["spec"]
    return build(cls, spec).loss(X)


def drive_loss(cls, case):
    """``test_loss``: the student's own scores beside the loss, so the grader can accept a
    loss that is right for those scores (a forward slip costs points on its own test)."""
    (X, y), spec = case.args, case.kwargs["spec"]
    net = build(cls, spec)
    try:
        scores = net.loss(X)
    except Exception:  # a broken forward pass is graded by test_forward_scores, not here
        scores = None
    return {"scores": scores, "out": net.loss(X, y, reg=spec["reg"])}


def drive_backward(cls, case):
    """``test_backward``: the loss and gradients, and (when the case asks) the numerical
    gradient of the student's own loss. That second opinion only shapes the hint: it says
    whether the backward pass is consistent with a loss that is itself wrong."""
    (X, y), spec = case.args, case.kwargs["spec"]
    out = build(cls, spec).loss(X, y, reg=spec["reg"])
    result = {"out": out, "numeric": None}
    if spec["numeric"]:
        # In float64 (also for float32 cases), so the differences are accurate.
        wide = dict(spec, params={k: np.asarray(v, np.float64) for k, v in spec["params"].items()})
        try:
            result["numeric"] = own_numerical_gradients(
                build(cls, wide), np.asarray(X, np.float64), y, spec["reg"])
        except Exception:  # only a second opinion; the reference comparison still applies
            pass
    return result


def own_numerical_gradients(net, X, y, reg):
    """Centred differences (the course's one routine) of ``net``'s own loss, per parameter."""
    return {key: numerical_gradient_array(lambda _: float(net.loss(X, y, reg=reg)[0]),
                                          net.params[key], 1.0)
            for key in KEYS}


# ------------------------------------------------------------------ predict, with a probe


def probe_scores(params, X):
    """Scripted class scores for the probes of predict and train: a fixed function of the
    parameters that is no activation of the lab, so the forward pass is not an answer the
    sandbox can import. Only the student's code around it (argmax, the training loop) is
    graded, on the same probe for the reference."""
    p = {k: np.asarray(params[k], dtype=np.float64) for k in KEYS}
    return np.cos(np.asarray(X, dtype=np.float64) @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def with_known_forward(cls, spec, loss=None, predict=True):
    """A subclass of the student's class whose ``loss(X)`` (scores) and ``predict`` are fixed:
    the case's own scores (``spec["scores"]``, for predict's inputs) or scripted ones
    (:func:`probe_scores`), so ``train`` and ``predict`` are graded on their own."""
    if not isinstance(cls, type):
        cls(*spec["sizes"])
        raise TypeError("TwoLayerNet should be a class (class TwoLayerNet: ...)")

    def scores_only(self, X, y=None, reg=0.0):
        if y is not None:
            raise AssertionError("this test only needs the scores, loss(X)")
        if "scores" in spec and len(X) == len(spec["scores"]):
            return np.array(spec["scores"], copy=True)
        return probe_scores(self.params, X)

    methods = {"loss": loss or scores_only}
    if predict:
        methods["predict"] = lambda self, X: np.argmax(probe_scores(self.params, X), axis=1)
    return build(type(cls.__name__, (cls,), methods), spec)


def drive_predict(cls, case):
    """``test_predict``: the labels ``predict`` returns when ``loss(X)`` gives the case's
    scores (data the grader put in the case)."""
    (X, _), spec = case.args, case.kwargs["spec"]
    return with_known_forward(cls, spec, predict=False).predict(X)


# ------------------------------------------------------------------- train, with a probe

# The probe's gradients: a fixed pattern per parameter, scaled by these numbers, so each step
# moves a parameter by exactly learning_rate * its pattern.
_PROBE_SCALE = {"W1": 0.05, "b1": 0.1, "W2": 1.0, "b2": 1.0}


def probe_gradient(key, shape):
    size = int(np.prod(shape))
    return _PROBE_SCALE[key] * np.cos(1.0 + 2.0 * np.arange(size)).reshape(shape)


def probe_loss_value(step):
    return 3.0 + 0.125 * step


class _Recorder:
    """What the probe's ``loss`` saw at each call: the parameters, the batch (by the index
    column of its examples), whether its labels matched, and the ``reg`` passed."""

    def __init__(self):
        self.snapshots, self.ids, self.label_errors, self.regs = [], [], 0, []
        self.batch_sizes = []

    def record(self, params, X, y, reg, X_all, y_all):
        self.snapshots.append({k: np.array(params[k], dtype=np.float64) for k in KEYS})
        ids = np.rint(np.asarray(X)[:, 0]).astype(np.int64)
        self.batch_sizes.append(len(ids))
        ok = (ids >= 0) & (ids < len(y_all))
        if not ok.all() or not np.array_equal(np.asarray(y), y_all[ids]):
            self.label_errors += 1
        self.ids.append(ids)
        self.regs.append(float(reg))


def _run_training(cls, case):
    X_all, y_all, X_val, y_val = case.args
    spec = case.kwargs["spec"]
    recorder = _Recorder()

    def probe_loss(self, X, y=None, reg=0.0):  # the graded signature: called by keyword too
        if y is None:
            return probe_scores(self.params, X)
        step = len(recorder.snapshots)
        recorder.record(self.params, X, y, reg, X_all, y_all)
        grads = {k: probe_gradient(k, np.shape(self.params[k])) for k in KEYS}
        return probe_loss_value(step), grads

    net = with_known_forward(cls, spec, loss=probe_loss)
    history = net.train(X_all, y_all, X_val, y_val, **spec["train"])
    final = {k: np.array(net.params[k], dtype=np.float64) for k in KEYS}
    return history, recorder, final


def _history_data(history):
    if not isinstance(history, dict):
        return {"type": type(history).__name__}
    data = {"type": "dict", "keys": sorted(map(str, history))}
    for key in ("loss", "train_acc", "val_acc"):
        if key in history:
            try:
                data[key] = np.asarray(history[key], dtype=np.float64).ravel()
            except (TypeError, ValueError):
                data[key] = f"not a list of numbers ({type(history[key]).__name__})"
    return data


def drive_train(cls, case):
    """``test_train``: what ``train`` did under the probe. ``lr[t, k]`` is how far parameter
    ``k`` moved at step ``t``, in units of its (constant) gradient: the learning rate used."""
    history, recorder, final = _run_training(cls, case)
    spec = case.kwargs["spec"]
    steps = [*recorder.snapshots, final]
    patterns = {k: probe_gradient(k, final[k].shape) for k in KEYS}
    lr = [[float(np.sum((a[k] - b[k]) * patterns[k]) / np.sum(patterns[k] ** 2)) for k in KEYS]
          for a, b in zip(steps[:-1], steps[1:], strict=False)]
    result = {
        "history": _history_data(history),
        "calls": len(recorder.batch_sizes),
        "batch_sizes": np.array(recorder.batch_sizes, dtype=np.int64),
        "regs": np.array(recorder.regs),
        "lr": np.array(lr).reshape(-1, len(KEYS)),
        "ids": recorder.ids,
        "label_errors": recorder.label_errors,
    }
    if spec.get("repeat"):
        _, again, _ = _run_training(cls, case)
        result["ids_repeat"] = again.ids
    return result
