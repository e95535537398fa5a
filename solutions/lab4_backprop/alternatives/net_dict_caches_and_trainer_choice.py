"""A correct net and Trainer written differently: the net keeps its caches in a dict keyed
by layer and its layer sizes in a list of pairs; the Trainer samples each update with
rng.choice, keeps one config per parameter in a dict comprehension and stores the best
parameters as array copies."""
# ruff: noqa: F821  (the layer functions and update rules come from the notebook)

import numpy as np


class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, activation="relu",
                 dropout_keep=1.0, reg=0.0, weight_scale=1e-2, seed=None):
        dims = [input_dim, *hidden_dims, num_classes]
        pairs = list(zip(dims[:-1], dims[1:], strict=True))
        rng = np.random.default_rng(seed)
        self.params = {}
        for layer, (fan_in, fan_out) in enumerate(pairs, start=1):
            std = 1.0 / np.sqrt(fan_in) if weight_scale == "fan_in" else weight_scale
            self.params[f"W{layer}"] = std * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{layer}"] = np.zeros(fan_out)
        self.num_layers = len(pairs)
        self.activation, self.reg = activation, reg
        self.dropout_param = {"mode": "train", "p": dropout_keep}
        if seed is not None:
            self.dropout_param["seed"] = seed

    def loss(self, X, y=None):
        forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}
        backward = {"relu": relu_backward, "sigmoid": sigmoid_backward,
                    "tanh": tanh_backward}
        self.dropout_param["mode"] = "test" if y is None else "train"
        dropout = self.dropout_param["p"] < 1
        caches, out = {}, X
        for layer in range(1, self.num_layers + 1):
            out, caches[("affine", layer)] = affine_forward(
                out, self.params[f"W{layer}"], self.params[f"b{layer}"])
            if layer == self.num_layers:
                break
            out, caches[("act", layer)] = forward[self.activation](out)
            if dropout:
                out, caches[("drop", layer)] = dropout_forward(out, self.dropout_param)
        if y is None:
            return out
        loss, d = softmax_loss(out, y)
        grads = {}
        for layer in range(self.num_layers, 0, -1):
            if layer < self.num_layers:
                if dropout:
                    d = dropout_backward(d, caches[("drop", layer)])
                d = backward[self.activation](d, caches[("act", layer)])
            d, dW, grads[f"b{layer}"] = affine_backward(d, caches[("affine", layer)])
            W = self.params[f"W{layer}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{layer}"] = dW + 2 * self.reg * W
        return loss, grads


class Trainer:
    def __init__(self, model, data, update_rule="sgd", optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, patience=None, num_train_samples=1000,
                 seed=None, progress=None):
        self.model, self.data = model, data
        if isinstance(update_rule, str):
            update_rule = {"sgd": sgd, "sgd_momentum": sgd_momentum, "adam": adam}[update_rule]
        self.update_rule = update_rule
        self.optim_config = dict(optim_config or {})
        self.lr_decay, self.batch_size, self.num_epochs = lr_decay, batch_size, num_epochs
        self.patience, self.num_train_samples = patience, num_train_samples
        self.rng = np.random.default_rng(seed)
        self.progress = progress

    def check_accuracy(self, X, y, num_samples=None, batch_size=500):
        if num_samples is not None and len(X) > num_samples:
            keep = self.rng.choice(len(X), num_samples, replace=False)
            X, y = X[keep], y[keep]
        predictions = []
        for start in range(0, len(X), batch_size):
            predictions.append(np.argmax(self.model.loss(X[start:start + batch_size]), axis=1))
        return float(np.mean(np.concatenate(predictions) == y))

    def train(self):
        X, y = self.data["X_train"], self.data["y_train"]
        per_epoch = max(len(X) // self.batch_size, 1)
        configs = {name: dict(self.optim_config) for name in self.model.params}
        self.loss_history, self.train_acc_history, self.val_acc_history = [], [], []
        self.best_val_acc, self.best_epoch, self.best_params = -1.0, 0, {}
        epochs = range(1, self.num_epochs + 1)
        for epoch in (self.progress(epochs) if self.progress else epochs):
            for _ in range(per_epoch):
                batch = self.rng.choice(len(X), self.batch_size)
                loss, grads = self.model.loss(X[batch], y[batch])
                self.loss_history.append(loss)
                for name, value in self.model.params.items():
                    self.model.params[name], configs[name] = self.update_rule(
                        value, grads[name], configs[name])
            for config in configs.values():
                config["learning_rate"] = config.get("learning_rate", 1e-2) * self.lr_decay
            self.train_acc_history.append(self.check_accuracy(X, y, self.num_train_samples))
            self.val_acc_history.append(
                self.check_accuracy(self.data["X_val"], self.data["y_val"]))
            if self.val_acc_history[-1] > self.best_val_acc:
                self.best_val_acc, self.best_epoch = self.val_acc_history[-1], epoch
                self.best_params = {k: v.copy() for k, v in self.model.params.items()}
            elif self.patience is not None and epoch - self.best_epoch >= self.patience:
                break
        self.model.params.update(self.best_params)
        return {"loss": self.loss_history, "train_acc": self.train_acc_history,
                "val_acc": self.val_acc_history}
