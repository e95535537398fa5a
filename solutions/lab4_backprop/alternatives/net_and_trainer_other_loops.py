"""A correct net and Trainer written differently: the net keeps a list of layer records and
loops with while; the Trainer draws each epoch's batches from one permutation and copies the
best parameters with copy.deepcopy."""
# ruff: noqa: F821  (the layer functions and update rules come from the notebook)

import copy

import numpy as np


class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, activation="relu",
                 dropout_keep=1.0, reg=0.0, weight_scale=1e-2, seed=None):
        self.activation, self.reg = activation, reg
        self.use_dropout = dropout_keep < 1
        self.dropout_param = {"mode": "train", "p": dropout_keep}
        if seed is not None:
            self.dropout_param["seed"] = seed
        sizes = [input_dim] + list(hidden_dims) + [num_classes]
        self.num_layers = len(sizes) - 1
        rng = np.random.default_rng(seed)
        self.params = {}
        for i in range(self.num_layers):
            scale = sizes[i] ** -0.5 if weight_scale == "fan_in" else weight_scale
            self.params[f"W{i + 1}"] = rng.normal(0.0, scale, (sizes[i], sizes[i + 1]))
            self.params[f"b{i + 1}"] = np.zeros(sizes[i + 1])

    def loss(self, X, y=None):
        self.dropout_param["mode"] = "train" if y is not None else "test"
        act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}
        act_back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
        records, h, i = [], X, 1
        while i <= self.num_layers:
            h, c = affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            records.append(("affine", c, i))
            if i < self.num_layers:
                h, c = act[self.activation](h)
                records.append(("act", c, i))
                if self.use_dropout:
                    h, c = dropout_forward(h, self.dropout_param)
                    records.append(("drop", c, i))
            i += 1
        if y is None:
            return h
        data_loss, d = softmax_loss(h, y)
        weights = [self.params[f"W{k}"] for k in range(1, self.num_layers + 1)]
        loss = data_loss + self.reg * sum(float(np.sum(W**2)) for W in weights)
        grads = {}
        for kind, c, k in reversed(records):
            if kind == "drop":
                d = dropout_backward(d, c)
            elif kind == "act":
                d = act_back[self.activation](d, c)
            else:
                d, dW, db = affine_backward(d, c)
                grads[f"W{k}"] = dW + 2 * self.reg * self.params[f"W{k}"]
                grads[f"b{k}"] = db
        return loss, grads


class Trainer:
    def __init__(self, model, data, update_rule="sgd", optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, patience=None, num_train_samples=1000,
                 seed=None, progress=None):
        self.model, self.data = model, data
        rules = {"sgd": sgd, "sgd_momentum": sgd_momentum, "adam": adam}
        self.update_rule = rules[update_rule] if isinstance(update_rule, str) else update_rule
        self.optim_config = optim_config or {}
        self.lr_decay, self.batch_size, self.num_epochs = lr_decay, batch_size, num_epochs
        self.patience, self.num_train_samples = patience, num_train_samples
        self.rng = np.random.default_rng(seed)
        self.progress = progress or (lambda it, **kw: it)

    def check_accuracy(self, X, y, num_samples=None, batch_size=500):
        if num_samples is not None and num_samples < len(X):
            idx = self.rng.permutation(len(X))[:num_samples]
            X, y = X[idx], y[idx]
        scores = np.concatenate([self.model.loss(X[i:i + batch_size])
                                 for i in range(0, len(X), batch_size)])
        return float((scores.argmax(axis=1) == y).mean())

    def train(self):
        X, y = self.data["X_train"], self.data["y_train"]
        n = len(X)
        configs = {k: copy.deepcopy(self.optim_config) for k in self.model.params}
        updates = max(n // self.batch_size, 1)
        self.loss_history, self.train_acc_history, self.val_acc_history = [], [], []
        self.best_val_acc, self.best_params, self.best_epoch = -np.inf, None, 0
        bad = 0
        for epoch in self.progress(range(self.num_epochs)):
            order = np.concatenate([self.rng.permutation(n)
                                    for _ in range(-(-updates * self.batch_size // n))])
            for u in range(updates):
                idx = order[u * self.batch_size:(u + 1) * self.batch_size]
                loss, grads = self.model.loss(X[idx], y[idx])
                self.loss_history.append(loss)
                for k in list(self.model.params):
                    self.model.params[k], configs[k] = self.update_rule(
                        self.model.params[k], grads[k], configs[k])
            for k in configs:
                configs[k]["learning_rate"] = configs[k]["learning_rate"] * self.lr_decay
            self.epochs_run = epoch + 1
            self.train_acc_history.append(self.check_accuracy(X, y, self.num_train_samples))
            val = self.check_accuracy(self.data["X_val"], self.data["y_val"])
            self.val_acc_history.append(val)
            if val > self.best_val_acc:
                self.best_val_acc, self.best_epoch = val, epoch + 1
                self.best_params, bad = copy.deepcopy(self.model.params), 0
            else:
                bad += 1
                if self.patience and bad >= self.patience:
                    break
        for k, v in self.best_params.items():
            self.model.params[k] = v
        return {"loss": self.loss_history, "train_acc": self.train_acc_history,
                "val_acc": self.val_acc_history}
