"""Stops one epoch late: > patience instead of >= patience."""
# ruff: noqa: F401, F821, F841

import copy

import numpy as np

BREAKS = "test_trainer"


class Trainer:
    """Trains a classifier with mini-batch gradient descent and keeps its best parameters.

    model: an object with .params (dict name -> array) and .loss(X, y=None) returning scores
      (N, C) for y None, else (loss, grads) with grads keyed like params (FullyConnectedNet).
    data: dict with "X_train" (N, ...), "y_train" (N,), "X_val", "y_val".
    update_rule: "sgd", "sgd_momentum" or "adam" (the function of that name), or any
      function (w, dw, config) -> (next_w, config).
    optim_config: settings for the update rule, e.g. {"learning_rate": 1e-3}. Every
      parameter gets its own deep copy, since momentum and Adam keep per-parameter state.
    lr_decay: after every epoch, each parameter's learning_rate is multiplied by this.
    batch_size: examples per update.  num_epochs: the most epochs to run.
    patience: stop early after this many epochs in a row without a new best validation
      accuracy; None never stops early.
    num_train_samples: the training accuracy of each epoch uses this many random training
      examples (None: all of them). The validation accuracy always uses all of X_val.
    seed: seed for np.random.default_rng, which draws the mini-batches and samples.
    progress: optional wrapper for the epoch loop, e.g. tqdm (the default shows nothing).

    One epoch is max(N // batch_size, 1) updates, each on batch_size examples drawn at random
    from the training set. After each epoch: decay the learning rates, measure the training
    and validation accuracy, and if the validation accuracy is the best so far (strictly
    better), save a copy of every parameter. At the end the model gets the best parameters.

    Attributes after train(): loss_history (one loss per update), train_acc_history and
    val_acc_history (one per epoch run), best_val_acc, best_params, best_epoch (1-based),
    epochs_run.
    """

    def __init__(self, model, data, update_rule="sgd", optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, patience=None, num_train_samples=1000,
                 seed=None, progress=None):
        self.model = model
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.update_rule = globals()[update_rule] if isinstance(update_rule, str) else update_rule
        self.optim_config = dict(optim_config or {})
        self.lr_decay = lr_decay
        self.batch_size = batch_size
        self.num_epochs = num_epochs
        self.patience = patience
        self.num_train_samples = num_train_samples
        self.rng = np.random.default_rng(seed)
        self.progress = progress if progress is not None else (lambda iterable, **kwargs: iterable)
        self.loss_history, self.train_acc_history, self.val_acc_history = [], [], []
        self.best_val_acc, self.best_params, self.best_epoch, self.epochs_run = -1.0, {}, 0, 0

    def check_accuracy(self, X, y, num_samples=None, batch_size=500):
        """Fraction of X classified as y (on num_samples random examples if given)."""
        if num_samples is not None and num_samples < X.shape[0]:
            keep = self.rng.choice(X.shape[0], num_samples, replace=False)
            X, y = X[keep], y[keep]
        predictions = [
            np.argmax(self.model.loss(X[start:start + batch_size]), axis=1)
            for start in range(0, X.shape[0], batch_size)
        ]
        return float(np.mean(np.concatenate(predictions) == y))

    def train(self):
        """Run the training; return a dict with "loss", "train_acc" and "val_acc" lists."""
        configs = {name: copy.deepcopy(self.optim_config) for name in self.model.params}
        num_train = self.X_train.shape[0]
        per_epoch = max(num_train // self.batch_size, 1)
        epochs_without_progress = 0
        for epoch in self.progress(range(1, self.num_epochs + 1), desc="epochs"):
            for _ in range(per_epoch):
                batch = self.rng.choice(num_train, self.batch_size)
                loss, grads = self.model.loss(self.X_train[batch], self.y_train[batch])
                self.loss_history.append(float(loss))
                for name, w in self.model.params.items():
                    self.model.params[name], configs[name] = self.update_rule(
                        w, grads[name], configs[name])
            for config in configs.values():
                config["learning_rate"] *= self.lr_decay
            self.epochs_run = epoch
            self.train_acc_history.append(
                self.check_accuracy(self.X_train, self.y_train, self.num_train_samples))
            val_acc = self.check_accuracy(self.X_val, self.y_val)
            self.val_acc_history.append(val_acc)
            if val_acc > self.best_val_acc:
                self.best_val_acc, self.best_epoch = val_acc, epoch
                self.best_params = {k: v.copy() for k, v in self.model.params.items()}
                epochs_without_progress = 0
            else:
                epochs_without_progress += 1
                if self.patience is not None and epochs_without_progress > self.patience:
                    break
        self.model.params.update({k: v.copy() for k, v in self.best_params.items()})
        return {"loss": self.loss_history, "train_acc": self.train_acc_history,
                "val_acc": self.val_acc_history}
