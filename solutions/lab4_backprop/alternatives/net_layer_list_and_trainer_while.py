"""A correct net and Trainer written differently: the net builds a list of (forward,
backward, parameter names) per call and folds the regularisation in afterwards; the Trainer
counts epochs with a while loop, keeps the patience as "epochs since the best", draws
batches with rng.integers and decays each parameter's own learning rate in place."""
# ruff: noqa: F821  (the layer functions and update rules come from the notebook)

import numpy as np


class FullyConnectedNet:
    def __init__(self, hidden_dims, input_dim, num_classes, activation="relu",
                 dropout_keep=1.0, reg=0.0, weight_scale=1e-2, seed=None):
        self.activation, self.reg, self.dropout_keep = activation, reg, dropout_keep
        sizes = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(sizes) - 1
        rng = np.random.default_rng(seed)
        self.params = {}
        for k in range(1, self.num_layers + 1):
            fan_in, fan_out = sizes[k - 1], sizes[k]
            scale = fan_in**-0.5 if weight_scale == "fan_in" else float(weight_scale)
            self.params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) * scale
            self.params[f"b{k}"] = np.zeros(fan_out)
        self.dropout_param = {"mode": "train", "p": dropout_keep}
        if seed is not None:
            self.dropout_param["seed"] = seed

    def _layers(self):
        act = {"relu": (relu_forward, relu_backward),
               "sigmoid": (sigmoid_forward, sigmoid_backward),
               "tanh": (tanh_forward, tanh_backward)}[self.activation]
        layers = []
        for k in range(1, self.num_layers + 1):
            W, b = self.params[f"W{k}"], self.params[f"b{k}"]
            layers.append((lambda h, W=W, b=b: affine_forward(h, W, b), affine_backward, k))
            if k < self.num_layers:
                layers.append((act[0], act[1], None))
                if self.dropout_keep < 1:
                    layers.append((lambda h: dropout_forward(h, self.dropout_param),
                                   dropout_backward, None))
        return layers

    def loss(self, X, y=None):
        self.dropout_param["mode"] = "train" if y is not None else "test"
        layers, caches, h = self._layers(), [], X
        for forward, _, _ in layers:
            h, cache = forward(h)
            caches.append(cache)
        if y is None:
            return h
        loss, d = softmax_loss(h, y)
        grads = {}
        for (_, backward, k), cache in zip(reversed(layers), reversed(caches), strict=True):
            if k is None:
                d = backward(d, cache)
            else:
                d, grads[f"W{k}"], grads[f"b{k}"] = backward(d, cache)
        for k in range(1, self.num_layers + 1):
            W = self.params[f"W{k}"]
            loss += self.reg * float((W**2).sum())
            grads[f"W{k}"] += 2 * self.reg * W
        return loss, grads


class Trainer:
    def __init__(self, model, data, update_rule="sgd", optim_config=None, lr_decay=1.0,
                 batch_size=100, num_epochs=10, patience=None, num_train_samples=1000,
                 seed=None, progress=None):
        self.model, self.data = model, data
        self.update_rule = (globals()[update_rule] if isinstance(update_rule, str)
                            else update_rule)
        self.optim_config = optim_config if optim_config is not None else {}
        self.lr_decay, self.batch_size, self.num_epochs = lr_decay, batch_size, num_epochs
        self.patience, self.num_train_samples = patience, num_train_samples
        self.rng = np.random.default_rng(seed)

    def check_accuracy(self, X, y, num_samples=None, batch_size=500):
        if num_samples is not None and num_samples < len(X):
            pick = self.rng.permutation(len(X))[:num_samples]
            X, y = X[pick], y[pick]
        correct = 0
        for start in range(0, len(X), batch_size):
            scores = self.model.loss(X[start:start + batch_size])
            correct += int(np.sum(scores.argmax(axis=1) == y[start:start + batch_size]))
        return correct / len(X)

    def train(self):
        X, y = self.data["X_train"], self.data["y_train"]
        steps = max(len(X) // self.batch_size, 1)
        configs = {name: {**self.optim_config} for name in self.model.params}
        history = {"loss": [], "train_acc": [], "val_acc": []}
        self.best_val_acc, self.best_epoch, best, since_best = -1.0, 0, None, 0
        epoch = 0
        while epoch < self.num_epochs:
            epoch += 1
            for _ in range(steps):
                idx = self.rng.integers(0, len(X), self.batch_size)
                loss, grads = self.model.loss(X[idx], y[idx])
                history["loss"].append(loss)
                for name in self.model.params:
                    self.model.params[name], configs[name] = self.update_rule(
                        self.model.params[name], grads[name], configs[name])
            for config in configs.values():
                if "learning_rate" in config:
                    config["learning_rate"] *= self.lr_decay
            history["train_acc"].append(self.check_accuracy(X, y, self.num_train_samples))
            val = self.check_accuracy(self.data["X_val"], self.data["y_val"])
            history["val_acc"].append(val)
            if val > self.best_val_acc:
                self.best_val_acc, self.best_epoch, since_best = val, epoch, 0
                best = {name: np.copy(v) for name, v in self.model.params.items()}
            else:
                since_best += 1
                if self.patience is not None and since_best >= self.patience:
                    break
        for name, value in best.items():
            self.model.params[name] = value
        return history
