"""Hidden check of ``TwoLayerNet.train`` (``two_layer_net.ipynb``, part 4): mini-batch SGD
with learning-rate decay.

The student's ``train`` runs on a *probe* (:func:`~solutions.lab3_two_layer.sandbox.drivers.
drive_train`): its ``loss`` returns a known loss value and constant gradients, so each step
moves the parameters by exactly ``learning_rate * constant`` whatever examples were sampled.
That reveals the learning-rate schedule, the recorded history and the accuracies exactly;
the sampling order (implementation-defined) is judged only by its properties (random, every
example reachable, the labels of the batch's own examples, the same batches for the same seed).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check

from ..sandbox.drivers import KEYS, drive_train
from .network import random_params


def _probe_case(rng, N, batch_size, num_iters, *, lr=0.1, decay=0.5, reg=0.3, seed=3,
                repeat=False, hint=""):
    D, H, C = 5, 4, 3
    X = rng.standard_normal((N, D))
    X[:, 0] = np.arange(N)  # the example's index, so the probe can see which were sampled
    X_val = rng.standard_normal((20, D))
    X_val[:, 0] = rng.uniform(0, N, 20)
    y, y_val = rng.integers(0, C, N), rng.integers(0, C, 20)
    params = random_params(rng, D, H, C)
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


CHECKS = {
    "test_train": Check("TwoLayerNet", train_cases, compare_training, driver=drive_train,
                        title="`TwoLayerNet.train`: mini-batch SGD with learning-rate decay"),
}
