"""Drivers for the update rules and the ``Trainer`` of layers.ipynb.

The Trainer is exercised with a scripted stand-in model (:class:`ScriptedModel`) and, where
a case hands it an update rule as a function, scripted sign-based rules that the lab does not
grade, so nothing here computes a graded answer.
"""

from __future__ import annotations

import copy

import numpy as np

from autograder.checks import Case


def update_driver(fn, case: Case):
    """The weights after each of the case's steps, one config dict carried along as a
    network's training would."""
    w, steps, config = case.args
    config = copy.deepcopy(config)
    trajectory = []
    for dw in steps:
        w, config = fn(np.array(w, copy=True), dw.copy(), config)
        if not isinstance(config, dict):
            raise TypeError("the update rule must return (next_w, config) with config a dict")
        trajectory.append(np.array(w, copy=True))  # its dtype too: judge rejects float16
    return np.stack(trajectory)


class ScriptedModel:
    """A stand-in for a network, so the Trainer is graded on its own.

    Every gradient is constant (-1 for "w", -0.5 for "b"), so with SGD each update adds the
    current learning rate to w: the weights record which learning rate each step used. The
    validation accuracy after epoch e is script[e - 1] (rows of X_val are ranked by X[:, 0]),
    counted by the number of training calls made so far.
    """

    def __init__(self, script, per_epoch):
        self.params = {"w": np.zeros(3), "b": np.zeros(2)}
        self.script, self.per_epoch = list(script), per_epoch
        self.steps, self.batch_sizes, self.batch_ids, self.w_at_eval = 0, [], [], []

    def loss(self, X, y=None):
        if y is None:
            epoch = min(max(self.steps // self.per_epoch, 1), len(self.script))
            if not self.w_at_eval or self.w_at_eval[-1][0] != self.steps:
                self.w_at_eval.append((self.steps, float(self.params["w"][0])))
            correct = X[:, 0] < self.script[epoch - 1]
            scores = np.zeros((X.shape[0], 3))
            scores[np.arange(X.shape[0]), np.where(correct, 0, 1)] = 1.0
            return scores
        self.steps += 1
        self.batch_sizes.append(X.shape[0])
        self.batch_ids.append(np.sort(X[:, 1]).astype(int))
        loss = 10.0 / self.steps
        return loss, {"w": -np.ones(3), "b": -0.5 * np.ones(2)}


def _sign_step_rule(w, dw, config):
    """A scripted update rule given as a function: a step of config["learning_rate"] against
    the sign of the gradient (sign SGD, which the lab does not grade). It changes config in
    place like the lab's rules, so a Trainer that shares one config between parameters shows
    it; with the scripted model's constant gradients it moves w by the learning rate."""
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * np.sign(dw), config


def _sign_momentum_rule(w, dw, config):
    """Like :func:`_sign_step_rule`, with a velocity kept in config (per parameter)."""
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = (config["momentum"] * config.get("velocity", np.zeros_like(w))
         - config["learning_rate"] * np.sign(dw))
    config["velocity"] = v
    return w + v, config


# Cases name these as "@sgd" / "@momentum" (cases must be plain data); the driver swaps in the
# functions. Only the "adam" case goes through the name lookup and the reference update rule.
_RULES = {"@sgd": _sign_step_rule, "@momentum": _sign_momentum_rule}


def _trainer_data(n_train):
    X_train = np.zeros((n_train, 2))
    X_train[:, 0] = 2.0  # never below a script value: training accuracy 0 whatever happens
    X_train[:, 1] = np.arange(n_train)
    X_val = np.zeros((100, 2))
    X_val[:, 0] = (np.arange(100) + 0.5) / 100
    return {"X_train": X_train, "y_train": np.zeros(n_train, dtype=int),
            "X_val": X_val, "y_val": np.zeros(100, dtype=int)}


def trainer_driver(cls, case: Case):
    """Train a :class:`ScriptedModel` and report what it recorded: updates, batches, the
    weights at each evaluation (the learning rates used) and the parameters kept."""
    script, n_train, per_epoch_batch = case.args
    kwargs = copy.deepcopy(case.kwargs)
    kwargs["update_rule"] = _RULES.get(kwargs["update_rule"], kwargs["update_rule"])
    per_epoch = max(n_train // kwargs["batch_size"], 1)
    model = ScriptedModel(script, per_epoch)
    trainer = cls(model, _trainer_data(n_train), num_train_samples=None, **kwargs)
    history = trainer.train()
    ids = model.batch_ids
    return {
        "steps": model.steps,
        "batch_sizes": np.array(model.batch_sizes),
        "distinct_batches": len({tuple(b) for b in ids}),
        "ids_in_range": bool(all((b >= 0).all() and (b < n_train).all() for b in ids)),
        "w_at_eval": np.array([w for _, w in model.w_at_eval]),
        "final_w": np.asarray(model.params["w"], dtype=np.float64).copy(),
        "final_b": np.asarray(model.params["b"], dtype=np.float64).copy(),
        "val_acc": np.asarray(history.get("val_acc", []), dtype=np.float64),
        "loss_len": len(history.get("loss", [])),
        "best_val_acc": float(getattr(trainer, "best_val_acc", np.nan)),
    }

