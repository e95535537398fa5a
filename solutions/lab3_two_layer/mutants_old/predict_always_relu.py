"""Recomputes the forward pass with a ReLU whatever the activation."""

import numpy as np

BREAKS = "test_predict"


class TwoLayerNet:
    """A two-layer fully connected network for classification.

    input (D) -> affine -> activation -> hidden (H) -> affine -> class scores (C)

    The parameters live in the dict self.params:
      W1: (D, H) first-layer weights.   b1: (H,) first-layer biases.
      W2: (H, C) second-layer weights.  b2: (C,) second-layer biases.
    The loss is the softmax cross-entropy averaged over the examples plus
    reg * (sum(W1**2) + sum(W2**2)); the biases are not regularised.
    """

    def __init__(self, input_size, hidden_size, output_size, std=1e-4, activation="relu",
                 seed=None):
        """Weights drawn from std * N(0, 1) with np.random.default_rng(seed), biases zero.

        activation: the hidden layer's non-linearity, "relu", "sigmoid" or "tanh".
        (Given: you do not need to change the constructor.)
        """
        if activation not in ("relu", "sigmoid", "tanh"):
            raise ValueError(f"activation must be relu, sigmoid or tanh, got {activation!r}")
        rng = np.random.default_rng(seed)
        self.activation = activation
        self.params = {
            "W1": std * rng.standard_normal((input_size, hidden_size)),
            "b1": np.zeros(hidden_size),
            "W2": std * rng.standard_normal((hidden_size, output_size)),
            "b2": np.zeros(output_size),
        }

    def loss(self, X, y=None, reg=0.0):
        """Class scores, or the loss and its gradients, for a batch of examples.

        Inputs:
          X: (N, D) examples.  y: (N,) integer labels in [0, C), or None.
          reg: L2 regularisation strength.
        Returns:
          if y is None: scores, shape (N, C); scores[i, c] is the score of class c for X[i].
          otherwise (loss, grads): loss is a float; grads is a dict with the same keys as
          self.params, grads[k] shaped like self.params[k]: the gradient of the loss.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        N = X.shape[0]

        # Forward pass: hidden layer h = activation(X W1 + b1), then scores = h W2 + b2.
        scores = None
        z1 = X @ W1 + b1
        if self.activation == "relu":
            h = np.maximum(z1, 0)
        elif self.activation == "sigmoid":
            h = 1.0 / (1.0 + np.exp(-z1))
        else:
            h = np.tanh(z1)
        scores = h @ W2 + b2
        if y is None:
            return scores

        # Loss: softmax cross-entropy averaged over the N examples, plus the L2 penalty.
        loss = None
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(N)
        loss = -log_probs[rows, y].mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

        # Backward pass: the gradient of the loss with respect to every parameter.
        grads = {}
        dscores = np.exp(log_probs)
        dscores[rows, y] -= 1
        dscores /= N
        grads["W2"] = h.T @ dscores + 2 * reg * W2
        grads["b2"] = dscores.sum(axis=0)
        dh = dscores @ W2.T
        if self.activation == "relu":
            dz1 = dh * (z1 > 0)
        elif self.activation == "sigmoid":
            dz1 = dh * h * (1 - h)
        else:
            dz1 = dh * (1 - h * h)
        grads["W1"] = X.T @ dz1 + 2 * reg * W1
        grads["b1"] = dz1.sum(axis=0)
        return loss, grads

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95,
              reg=5e-6, num_iters=100, batch_size=200, seed=None, verbose=False):
        """Train with mini-batch stochastic gradient descent.

        Inputs:
          X: (N, D) training examples.  y: (N,) their labels.
          X_val: (N_val, D) validation examples.  y_val: (N_val,) their labels.
          learning_rate: the step size during the first epoch.
          learning_rate_decay: multiply the learning rate by this after every epoch.
          reg: L2 regularisation strength, passed on to self.loss.
          num_iters: how many updates to make.
          batch_size: examples per update (at most N).
          seed: seeds the sampling of the batches: the same seed gives the same batches.
          verbose: show a progress bar.
        Every iteration samples batch_size random training examples, computes the loss
        and gradients on them with self.loss(X_batch, y_batch, reg=reg), records the loss
        and updates every parameter: p = p - learning_rate * dp.
        An epoch is iterations_per_epoch iterations. After the last iteration of every
        epoch, record the accuracy on the first min(N, 1000) training examples and on the
        validation set (use self.predict), then decay the learning rate.
        Returns a dict: "loss": num_iters floats (the batch loss of each iteration);
        "train_acc" and "val_acc": one float per completed epoch.
        """
        num_train = X.shape[0]
        iterations_per_epoch = max(num_train // batch_size, 1)
        rng = np.random.default_rng(seed)
        history = {"loss": [], "train_acc": [], "val_acc": []}
        steps = range(num_iters)
        if verbose:
            from tqdm.auto import tqdm

            steps = tqdm(steps, desc="training", unit="step")
        for it in steps:
            batch = rng.choice(num_train, size=batch_size, replace=True)
            loss, grads = self.loss(X[batch], y[batch], reg=reg)
            history["loss"].append(float(loss))
            for name, param in self.params.items():
                param -= learning_rate * grads[name]
            if (it + 1) % iterations_per_epoch == 0:
                sample = slice(0, 1000)
                train_acc = np.mean(self.predict(X[sample]) == y[sample])
                history["train_acc"].append(float(train_acc))
                history["val_acc"].append(float(np.mean(self.predict(X_val) == y_val)))
                learning_rate *= learning_rate_decay
        return history

    def predict(self, X):
        """Predicted labels, shape (N,), for examples X (N, D): the highest-scoring class."""
        p = self.params
        h = np.maximum(0, X @ p["W1"] + p["b1"])
        return np.argmax(h @ p["W2"] + p["b2"], axis=1)
