"""Lab 3's typical mistakes, as edits of the solution (see :mod:`autograder.mutants`).

Every ``TwoLayerNet`` mistake is a small edit of the one class: the test it breaks says which
method (``loss`` forward part, loss part, backward part; ``train``; ``predict``) holds it.
"""

from autograder.mutants import Edit, mutant

NET, SVM = "TwoLayerNet", "svm_two_layer_loss"
PENALTY = "reg * (np.sum(W1 * W1) + np.sum(W2 * W2))"
BATCH = "rng.choice(num_train, size=batch_size, replace=True)"
PREDICT = "return np.argmax(self.loss(X), axis=1)"
EPOCH_DECAY = "\n                learning_rate *= learning_rate_decay"

MUTANTS = (
    # TwoLayerNet.loss(X): the forward pass
    mutant("forward_no_activation", "test_forward_scores",
           "Forgets the non-linearity: a linear hidden layer (and a backward pass to match).",
           Edit(NET, "h = np.maximum(z1, 0)", "h = z1"),
           Edit(NET, "dz1 = dh * (z1 > 0)", "dz1 = dh"),
           also_breaks=("test_backward",)),
    mutant("forward_returns_probabilities", "test_forward_scores",
           "With y=None, returns softmax probabilities instead of the raw scores.",
           Edit(NET, "return scores",
                "e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
                "            return e / e.sum(axis=1, keepdims=True)")),
    mutant("forward_sigmoid_is_tanh", "test_forward_scores",
           "Computes tanh where the sigmoid was asked for (forward and backward consistently).",
           Edit(NET, "h = 1.0 / (1.0 + np.exp(-z1))", "h = np.tanh(z1)"),
           Edit(NET, "dz1 = dh * h * (1 - h)", "dz1 = dh * (1 - h * h)"),
           also_breaks=("test_backward",)),
    # TwoLayerNet.loss(X, y, reg): the loss
    mutant("loss_half_reg", "test_loss",
           "Uses 0.5 * reg * sum(W**2) (another course's convention).",
           Edit(NET, f"+ {PENALTY}", f"+ 0.5 * {PENALTY}")),
    mutant("loss_log_of_probability", "test_loss",
           "Subtracts the row maximum, then takes the log of the probability: a class far "
           "below the top one gets probability exactly 0 (underflow) and the loss is inf.",
           Edit(NET, "log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
                "probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
                '        with np.errstate(divide="ignore"):\n'
                "            log_probs = np.log(probs)")),
    mutant("loss_reg_missing_w2", "test_loss",
           "Regularises only the first layer's weights in the loss.",
           Edit(NET, PENALTY, "reg * np.sum(W1 * W1)")),
    mutant("loss_regularises_biases", "test_loss",
           "Adds the biases to the L2 penalty.",
           Edit(NET, PENALTY, "reg * (np.sum(W1 * W1) + np.sum(W2 * W2)\n"
                              "                                               "
                              "+ np.sum(b1 * b1) + np.sum(b2 * b2))")),
    mutant("loss_summed_not_averaged", "test_loss",
           "Sums the cross-entropy over the batch instead of averaging it.",
           Edit(NET, "-log_probs[rows, y].mean()", "-log_probs[rows, y].sum()")),
    mutant("loss_unstable_softmax", "test_loss",
           "Exponentiates the raw scores without subtracting the row maximum.",
           Edit(NET, "shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores")),
    # TwoLayerNet.loss(X, y, reg): the backward pass
    mutant("backward_bias_wrong_axis", "test_backward",
           "Sums the bias gradients over the units (axis 1) instead of the examples.",
           Edit(NET, 'grads["b2"] = dscores.sum(axis=0)', 'grads["b2"] = dscores.sum(axis=1)'),
           Edit(NET, 'grads["b1"] = dz1.sum(axis=0)', 'grads["b1"] = dz1.sum(axis=1)')),
    mutant("backward_no_relu_mask", "test_backward",
           "Passes the gradient through the ReLU everywhere (no z1 > 0 mask).",
           Edit(NET, "dz1 = dh * (z1 > 0)", "dz1 = dh")),
    mutant("backward_not_divided_by_n", "test_backward",
           "Forgets to divide the softmax gradient by N.",
           Edit(NET, "            dscores /= N\n", "")),
    mutant("backward_reg_missing_w1", "test_backward",
           "Forgets the regularisation gradient of the first layer.",
           Edit(NET, 'grads["W1"] = X.T @ dz1 + 2 * reg * W1', 'grads["W1"] = X.T @ dz1')),
    mutant("backward_reg_not_doubled", "test_backward",
           "Uses reg * W as the gradient of reg * sum(W**2).",
           Edit(NET, "+ 2 * reg * W2", "+ reg * W2"),
           Edit(NET, "+ 2 * reg * W1", "+ reg * W1")),
    mutant("backward_tanh_derivative_wrong", "test_backward",
           "Uses the sigmoid's derivative h * (1 - h) for tanh.",
           Edit(NET, "dz1 = dh * (1 - h * h)", "dz1 = dh * h * (1 - h)")),
    # TwoLayerNet.train
    mutant("train_decay_at_iteration_zero", "test_train",
           "Uses it % iterations_per_epoch == 0, which decays (and records) after the very "
           "first step.",
           Edit(NET, "if (it + 1) % iterations_per_epoch == 0:",
                "if it % iterations_per_epoch == 0:")),
    mutant("train_decay_every_iteration", "test_train",
           "Decays the learning rate after every iteration instead of every epoch.",
           Edit(NET, EPOCH_DECAY, ""),
           Edit(NET, "param -= learning_rate * grads[name]\n",
                "param -= learning_rate * grads[name]\n"
                "            learning_rate *= learning_rate_decay\n")),
    mutant("train_first_batch_only", "test_train",
           "Always trains on the first batch_size examples.",
           Edit(NET, BATCH, "np.arange(batch_size)")),
    mutant("train_gradient_ascent", "test_train",
           "Adds the gradient instead of subtracting it.",
           Edit(NET, "param -= learning_rate", "param += learning_rate")),
    mutant("train_labels_other_indices", "test_train",
           "Samples the labels with separate random indices from the examples.",
           Edit(NET, "y[batch], reg=reg)", "y[rng.choice(num_train, size=batch_size)], reg=reg)")),
    mutant("train_no_decay", "test_train",
           "Never decays the learning rate.",
           Edit(NET, EPOCH_DECAY, "")),
    mutant("train_reg_not_passed", "test_train",
           "Calls self.loss without the regularisation strength.",
           Edit(NET, "self.loss(X[batch], y[batch], reg=reg)", "self.loss(X[batch], y[batch])")),
    mutant("train_sequential_batches", "test_train",
           "Walks through the data in its stored order instead of sampling batches.",
           Edit(NET, BATCH,
                "(np.arange(batch_size) + (it % iterations_per_epoch) * batch_size) % num_train")),
    mutant("train_unseeded", "test_train",
           "Samples with the global NumPy generator, ignoring seed.",
           Edit(NET, BATCH, f"np.random.{BATCH.removeprefix('rng.')}")),
    mutant("train_val_acc_on_training", "test_train",
           "Records the training accuracy as the validation accuracy.",
           Edit(NET, "float(np.mean(self.predict(X_val) == y_val))", "float(train_acc)")),
    # TwoLayerNet.predict
    mutant("predict_always_relu", "test_predict",
           "Recomputes the forward pass with a ReLU whatever the activation.",
           Edit(NET, PREDICT, 'p = self.params\n'
                              '        h = np.maximum(0, X @ p["W1"] + p["b1"])\n'
                              '        return np.argmax(h @ p["W2"] + p["b2"], axis=1)')),
    mutant("predict_argmax_axis0", "test_predict",
           "Takes the argmax over the examples (axis 0).",
           Edit(NET, PREDICT, "return np.argmax(self.loss(X), axis=0)")),
    mutant("predict_argmin", "test_predict",
           "Picks the class with the lowest score.",
           Edit(NET, PREDICT, "return np.argmin(self.loss(X), axis=1)")),
    mutant("predict_returns_scores", "test_predict",
           "Returns the scores rather than labels.",
           Edit(NET, PREDICT, "return self.loss(X)")),
    # svm_two_layer_loss
    mutant("svm_counts_correct_class", "test_svm_two_layer_loss",
           "Counts the correct class's own margin max(0, 1) = 1.",
           Edit(SVM, "    margins[rows, y] = 0\n", "")),
    mutant("svm_grad_not_divided_by_n", "test_svm_two_layer_loss",
           "Forgets to divide the score gradient by N.",
           Edit(SVM, "    dscores /= N\n", "")),
    mutant("svm_no_relu_mask", "test_svm_two_layer_loss",
           "Backpropagates through the ReLU without its mask.",
           Edit(SVM, "dz1 = (dscores @ W2.T) * (z1 > 0)", "dz1 = dscores @ W2.T")),
    mutant("svm_reg_missing_w1", "test_svm_two_layer_loss",
           "Leaves W1 out of the penalty and its gradient.",
           Edit(SVM, PENALTY, "reg * np.sum(W2 * W2)"),
           Edit(SVM, '"W1": X.T @ dz1 + 2 * reg * W1,', '"W1": X.T @ dz1,')),
)
