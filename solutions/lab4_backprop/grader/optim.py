"""Hidden checks for the update rules (``sgd``, ``sgd_momentum``, ``adam``) and the ``Trainer``
of layers.ipynb.

An update rule is judged step by step on five steps from the same weights. The Trainer runs
with the reference update rules (``use_reference_for``) and a scripted stand-in model and,
where a case hands it an update rule as a function, scripted sign-based rules (see
:mod:`solutions.lab4_backprop.sandbox.optim`; no lab answer).
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import as_array, question_eps

from ..sandbox.optim import trainer_driver, update_driver
from .common import rtol_for


def _update_cases(rule: str):
    rng = np.random.default_rng({"sgd": 50, "sgd_momentum": 51, "adam": 52}[rule])
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
        rtol = max(rtol_for(w), 1e-9)
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


CHECKS = {
    "test_sgd": Check("sgd", lambda: _update_cases("sgd"), _update_compare("sgd"),
                      driver=update_driver),
    "test_sgd_momentum": Check("sgd_momentum", lambda: _update_cases("sgd_momentum"),
                               _update_compare("sgd_momentum"), driver=update_driver),
    "test_adam": Check("adam", lambda: _update_cases("adam"), _update_compare("adam"),
                       driver=update_driver),
    "test_trainer": Check("Trainer", trainer_cases, compare_trainer, driver=trainer_driver,
                          use_reference_for=("sgd", "sgd_momentum", "adam")),
}
