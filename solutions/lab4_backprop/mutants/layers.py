"""Typical mistakes in layers.ipynb (the layers, the losses, dropout, ``FullyConnectedNet``,
the update rules and the ``Trainer``), as edits of the solution (see
:mod:`autograder.mutants`)."""

from autograder.mutants import Edit, mutant

NET, TRAINER = "FullyConnectedNet", "Trainer"
AFFINE_OUT = "out = x.reshape(x.shape[0], -1) @ w + b"
AFFINE_DX = "dx = (dout @ w.T).reshape(x.shape)"
RELU_OUT, RELU_DX = "out = np.maximum(x, 0)", "dx = dout * (x > 0)"
STABLE_SIGMOID = ("z = np.exp(-np.abs(x))  # never overflows\n"
                  "    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z))")
# The backward passes from their caches (their docstrings state the same formulas).
SIGMOID_DX = "s = cache\n    dx = dout * s * (1 - s)"
TANH_DX = "t = cache\n    dx = dout * (1 - t**2)"
DROPOUT_MASK, DROPOUT_DX = "mask = (rng.random(x.shape) < p) / p", "dx = dout * mask"
TRAIN_ONLY = '''if mode == "train":
        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p) / p
        out = x * mask
    else:
        out = x'''
EVERY_MODE = '''rng = np.random.default_rng(dropout_param.get("seed"))
    mask = (rng.random(x.shape) < p) / p
    out = x * mask'''
REG_GRAD = 'grads[f"W{layer}"] += 2 * self.reg * W'
SGD_STEP = 'next_w = w - config["learning_rate"] * dw'
VELOCITY = 'v = config["momentum"] * v - config["learning_rate"] * dw'
STORE_ADAM = 'config["m"], config["v"], config["t"] = m, v, t'
PATIENCE = "if self.patience is not None and epochs_without_progress >= self.patience:"
DECAY = 'for config in configs.values():\n                config["learning_rate"] *= self.lr_decay'

MUTANTS = (
    # affine_forward
    mutant("affine_forward_no_bias", "test_affine_forward", "The bias is forgotten.",
           Edit("affine_forward", AFFINE_OUT, "out = x.reshape(x.shape[0], -1) @ w")),
    mutant("affine_forward_minus_bias", "test_affine_forward", "The bias is subtracted.",
           Edit("affine_forward", "-1) @ w + b", "-1) @ w - b")),
    mutant("affine_forward_flatten_order", "test_affine_forward",
           "Examples flattened in Fortran order, so the numbers of a row come from several "
           "examples.",
           Edit("affine_forward", "x.shape[0], -1)", 'x.shape[0], -1, order="F")')),
    # affine_backward
    mutant("affine_backward_dx_not_reshaped", "test_affine_backward",
           "dx is returned flattened, (N, D), instead of in the shape of x.",
           Edit("affine_backward", AFFINE_DX, "dx = dout @ w.T")),
    mutant("affine_backward_dx_uses_x", "test_affine_backward",
           "dx computed with w instead of w.T in the wrong order (dout @ w.T replaced by a "
           "product with the wrong factor).",
           Edit("affine_backward", AFFINE_DX, "dx = (dout @ w.T * 2).reshape(x.shape)")),
    mutant("affine_backward_dw_unflattened_x", "test_affine_backward",
           "dw multiplies dout by x with its rows scaled by 1/N (a stray mean).",
           Edit("affine_backward", "-1).T @ dout", "-1).T @ dout / x.shape[0]")),
    mutant("affine_backward_db_mean", "test_affine_backward",
           "db averages dout over the examples instead of summing.",
           Edit("affine_backward", "db = dout.sum(axis=0)", "db = dout.mean(axis=0)")),
    # relu_forward
    mutant("relu_forward_abs", "test_relu_forward", "|x| instead of max(0, x).",
           Edit("relu_forward", RELU_OUT, "out = np.abs(x)")),
    mutant("relu_forward_leaky", "test_relu_forward", "A leaky ReLU (0.01 x for x < 0).",
           Edit("relu_forward", RELU_OUT, "out = np.where(x > 0, x, 0.01 * x)")),
    mutant("relu_forward_in_place", "test_relu_forward",
           "ReLU written in place (x[x < 0] = 0), which changes the caller's array.",
           Edit("relu_forward", RELU_OUT, "x[x < 0] = 0\n    out = x")),
    # relu_backward
    mutant("relu_backward_no_mask", "test_relu_backward", "The gradient passes everywhere.",
           Edit("relu_backward", RELU_DX, "dx = dout.copy()")),
    mutant("relu_backward_mask_from_dout", "test_relu_backward",
           "The mask is taken from dout instead of the input x.",
           Edit("relu_backward", RELU_DX, "dx = dout * (dout > 0)")),
    mutant("relu_backward_times_output", "test_relu_backward",
           "dout multiplied by the ReLU's output max(0, x) instead of its derivative.",
           Edit("relu_backward", RELU_DX, "dx = dout * np.maximum(x, 0)")),
    mutant("relu_backward_overwrites_dout", "test_relu_backward",
           "ReLU backward that zeroes the upstream gradient in place (dx = dout is no copy): "
           "the caller's dout changes.",
           Edit("relu_backward", RELU_DX, "dx = dout\n    dx[x <= 0] = 0")),
    # sigmoid_forward
    mutant("sigmoid_forward_sign", "test_sigmoid_forward",
           "1 / (1 + exp(x)): the minus sign is lost.",
           Edit("sigmoid_forward", "1 / (1 + z), z / (1 + z)", "z / (1 + z), 1 / (1 + z)")),
    mutant("sigmoid_forward_overflow", "test_sigmoid_forward",
           "exp(x) / (1 + exp(x)): inf / inf = NaN for large inputs.",
           Edit("sigmoid_forward", STABLE_SIGMOID, "out = np.exp(x) / (1 + np.exp(x))")),
    mutant("sigmoid_forward_in_place", "test_sigmoid_forward",
           "The sigmoid computed in place in x to save memory, changing the caller's array.",
           Edit("sigmoid_forward", STABLE_SIGMOID,
                "np.negative(x, out=x)\n    np.exp(x, out=x)\n    x += 1\n"
                "    np.reciprocal(x, out=x)\n    out = x")),
    # sigmoid_backward
    mutant("sigmoid_backward_no_dout", "test_sigmoid_backward",
           "The upstream gradient is forgotten.",
           Edit("sigmoid_backward", SIGMOID_DX, "s = cache\n    dx = s * (1 - s)")),
    mutant("sigmoid_backward_one_minus_s", "test_sigmoid_backward", "dx = dout * (1 - s).",
           Edit("sigmoid_backward", SIGMOID_DX, "s = cache\n    dx = dout * (1 - s)")),
    mutant("sigmoid_backward_from_input", "test_sigmoid_backward",
           "The cache holds the input x and the backward pass computes x * (1 - x) from it.",
           Edit("sigmoid_forward", "cache = out\n", "cache = x\n"),
           Edit("sigmoid_backward", SIGMOID_DX,
                "x = cache\n    dx = dout * x * (1 - x)")),
    # tanh_forward
    mutant("tanh_forward_abs", "test_tanh_forward",
           "tanh(|x|): negative inputs come out positive.",
           Edit("tanh_forward", "out = np.tanh(x)", "out = np.tanh(np.abs(x))")),
    mutant("tanh_forward_in_place", "test_tanh_forward",
           "np.tanh(x, out=x): the caller's array is overwritten.",
           Edit("tanh_forward", "out = np.tanh(x)", "out = np.tanh(x, out=x)")),
    mutant("tanh_forward_overflow", "test_tanh_forward",
           "(e^x - e^-x) / (e^x + e^-x): inf / inf = NaN for large inputs.",
           Edit("tanh_forward", "out = np.tanh(x)",
                "out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))")),
    # tanh_backward
    mutant("tanh_backward_no_dout", "test_tanh_backward", "The upstream gradient is forgotten.",
           Edit("tanh_backward", TANH_DX, "t = cache\n    dx = 1 - t**2")),
    mutant("tanh_backward_no_square", "test_tanh_backward", "dx = dout * (1 - t).",
           Edit("tanh_backward", TANH_DX, "t = cache\n    dx = dout * (1 - t)")),
    mutant("tanh_backward_from_input", "test_tanh_backward",
           "The cache holds the input x and the backward pass computes 1 - x**2 from it.",
           Edit("tanh_forward", "cache = out\n", "cache = x\n"),
           Edit("tanh_backward", TANH_DX,
                "x = cache\n    dx = dout * (1 - x**2)")),
    # dropout_forward
    mutant("dropout_forward_drop_probability", "test_dropout_forward",
           "p used as the probability to drop a unit instead of keeping it.",
           Edit("dropout_forward", DROPOUT_MASK, "mask = (rng.random(x.shape) > p) / p")),
    mutant("dropout_forward_no_rescale", "test_dropout_forward",
           "Plain dropout: the kept units are not divided by p during training.",
           Edit("dropout_forward", DROPOUT_MASK, "mask = rng.random(x.shape) < p")),
    mutant("dropout_forward_times_p", "test_dropout_forward",
           "The kept units are multiplied by p instead of divided.",
           Edit("dropout_forward", DROPOUT_MASK, "mask = (rng.random(x.shape) < p) * p")),
    mutant("dropout_forward_at_test_time", "test_dropout_forward",
           "The mask is applied in test mode too.",
           Edit("dropout_forward", TRAIN_ONLY, EVERY_MODE)),
    mutant("dropout_forward_crashes_in_train_mode", "test_dropout_forward",
           "Dropout forward that assumes 2-D input (a mask of shape (N, D)): it crashes on 3-D "
           "inputs. Its own test fails; dropout_backward, tested on a correct forward where "
           "this one raises, keeps its points.",
           Edit("dropout_forward", "rng.random(x.shape)", "rng.random((x.shape[0], x.shape[1]))")),
    # dropout_backward
    mutant("dropout_backward_ignores_mask", "test_dropout_backward",
           "dx = dout in train mode: the dropped units get a gradient.",
           Edit("dropout_backward", DROPOUT_DX, "dx = dout")),
    mutant("dropout_backward_no_rescale", "test_dropout_backward",
           "The backward pass lets dout through the kept units without the 1/p factor.",
           Edit("dropout_backward", DROPOUT_DX, "dx = dout * (mask != 0)")),
    mutant("dropout_backward_rescales_twice", "test_dropout_backward",
           "The cached mask already holds 1/p, and the backward pass divides by p again.",
           Edit("dropout_backward", DROPOUT_DX, 'dx = dout * mask / dropout_param["p"]')),
    # softmax_loss
    mutant("softmax_unstable", "test_softmax_loss",
           "No max subtraction: exp overflows for large scores.",
           Edit("softmax_loss", "shifted = x - x.max(axis=1, keepdims=True)", "shifted = x")),
    mutant("softmax_global_max", "test_softmax_loss",
           "Softmax loss that subtracts one maximum of the whole array instead of each row's: "
           "rows far below the top row get exp(...) = 0 for every class.",
           Edit("softmax_loss", "x.max(axis=1, keepdims=True)", "x.max()")),
    mutant("softmax_sum_not_mean", "test_softmax_loss",
           "The loss and dx are summed over examples.",
           Edit("softmax_loss", "y].mean())", "y].sum())"),
           Edit("softmax_loss", "dx /= n\n    ", "")),
    mutant("softmax_dx_not_divided", "test_softmax_loss", "dx is not divided by N.",
           Edit("softmax_loss", "dx /= n\n    ", "")),
    mutant("softmax_correct_class_sign", "test_softmax_loss",
           "The correct class's gradient adds 1 instead of subtracting it.",
           Edit("softmax_loss", "dx[np.arange(n), y] -= 1", "dx[np.arange(n), y] += 1")),
    # svm_loss
    mutant("svm_no_margin", "test_svm_loss", "Margin 0 instead of 1.",
           Edit("svm_loss", "[:, None] + 1.0)", "[:, None])")),
    mutant("svm_counts_correct_class", "test_svm_loss",
           "The correct class's own margin (always 1) is counted in the sum.",
           Edit("svm_loss", "margins[rows, y] = 0\n    ", "")),
    mutant("svm_not_averaged", "test_svm_loss", "The loss and gradient are not divided by N.",
           Edit("svm_loss", "margins.sum() / n", "margins.sum()"),
           Edit("svm_loss", "dx = positive / n", "dx = positive")),
    mutant("svm_correct_class_sign", "test_svm_loss",
           "The correct class's column gets +count instead of -count.",
           Edit("svm_loss", "= -positive.sum(axis=1)", "= positive.sum(axis=1)")),
    # FullyConnectedNet.__init__
    mutant("fc_init_unscaled", "test_fc_net_init",
           "weight_scale is ignored: standard normal weights.",
           Edit(NET, "= std * draw((fan_in, fan_out))", "= draw((fan_in, fan_out))")),
    mutant("fc_init_fan_in_no_sqrt", "test_fc_net_init",
           '"fan_in" gives 1 / fan_in instead of 1 / sqrt(fan_in).',
           Edit(NET, "1.0 / np.sqrt(fan_in)", "1.0 / fan_in")),
    mutant("fc_init_uniform", "test_fc_net_init", "Weights drawn uniformly from [0, std).",
           Edit(NET, "default_rng(seed).standard_normal", "default_rng(seed).random")),
    mutant("fc_init_random_biases", "test_fc_net_init",
           "Biases drawn at random like the weights.",
           Edit(NET, "= np.zeros(fan_out)", "= std * draw(fan_out)")),
    # FullyConnectedNet.loss
    mutant("fc_loss_no_reg", "test_fc_net_loss", "The L2 term is missing from the loss.",
           Edit(NET, "loss += self.reg * np.sum(W * W)\n            ", "")),
    mutant("fc_loss_no_reg_gradient", "test_fc_net_loss",
           "The L2 term is in the loss but not in the gradients.",
           Edit(NET, "\n            " + REG_GRAD, "")),
    mutant("fc_loss_reg_gradient_not_doubled", "test_fc_net_loss",
           "The L2 gradient is reg * W instead of 2 * reg * W.",
           Edit(NET, REG_GRAD, 'grads[f"W{layer}"] += self.reg * W')),
    mutant("fc_loss_dropout_at_test_time", "test_fc_net_loss",
           "The mode is never switched: dropout also runs when computing test scores.",
           Edit(NET, 'self.dropout_param["mode"] = mode', 'self.dropout_param["mode"] = "train"')),
    mutant("fc_loss_activation_on_scores", "test_fc_net_loss",
           "The activation is also applied to the last layer's scores.",
           Edit(NET, 'self.params[f"b{L}"])\n',
                'self.params[f"b{L}"])\n        scores, score_cache = forward(scores)\n'),
           Edit(NET, "loss, dscores = softmax_loss(scores, y)",
                "loss, dscores = softmax_loss(scores, y)\n"
                "        dscores = backward(dscores, score_cache)")),
    # sgd
    mutant("sgd_sign", "test_sgd", "w + lr * dw: uphill.",
           Edit("sgd", SGD_STEP, 'next_w = w + config["learning_rate"] * dw')),
    mutant("sgd_no_learning_rate", "test_sgd", "The learning rate is forgotten: w - dw.",
           Edit("sgd", SGD_STEP, "next_w = w - dw")),
    mutant("sgd_fixed_learning_rate", "test_sgd",
           "The learning rate from config is ignored (always 1e-2).",
           Edit("sgd", SGD_STEP, "next_w = w - 1e-2 * dw")),
    # sgd_momentum
    mutant("momentum_sign", "test_sgd_momentum",
           "v = momentum * v + learning_rate * dw, then w + v: a sign error that climbs.",
           Edit("sgd_momentum", VELOCITY,
                'v = config["momentum"] * v + config["learning_rate"] * dw')),
    mutant("momentum_factor_ignored", "test_sgd_momentum",
           "The momentum factor is left out: v = v - learning_rate * dw.",
           Edit("sgd_momentum", VELOCITY, 'v = v - config["learning_rate"] * dw')),
    mutant("momentum_velocity_not_kept", "test_sgd_momentum",
           "The new velocity is used but not stored, so every step starts from v = 0.",
           Edit("sgd_momentum", VELOCITY + "\n    next_w = w + v",
                "new_" + VELOCITY + "\n    next_w = w + new_v")),
    # adam
    mutant("adam_no_bias_correction", "test_adam",
           "m and v are used without bias correction.",
           Edit("adam", "m_unbiased = m / (1 - beta1**t)", "m_unbiased = m"),
           Edit("adam", "v_unbiased = v / (1 - beta2**t)", "v_unbiased = v")),
    mutant("adam_betas_swapped", "test_adam", "beta1 and beta2 swapped.",
           Edit("adam", "beta1, beta2 = config", "beta2, beta1 = config")),
    mutant("adam_moments_not_stored", "test_adam", "m and v are never stored in config.",
           Edit("adam", STORE_ADAM, 'config["t"] = t')),
    mutant("adam_t_not_stored", "test_adam",
           "t is incremented but never stored, so it stays 1.",
           Edit("adam", STORE_ADAM, 'config["m"], config["v"] = m, v')),
    # Trainer
    mutant("trainer_shared_config", "test_trainer",
           "One optim_config dict is shared by every parameter (momentum state gets mixed up).",
           Edit(TRAINER, "{name: copy.deepcopy(self.optim_config) for",
                "{name: self.optim_config for")),
    mutant("trainer_decay_every_update", "test_trainer",
           "The learning rate is decayed after every update instead of every epoch.",
           Edit(TRAINER, DECAY, "    " + DECAY.replace("\n", "\n    "))),
    mutant("trainer_ignores_patience", "test_trainer", "Early stopping is never applied.",
           Edit(TRAINER, PATIENCE, "if False:")),
    mutant("trainer_patience_off_by_one", "test_trainer",
           "Stops one epoch late: > patience instead of >= patience.",
           Edit(TRAINER, "epochs_without_progress >= self.patience",
                "epochs_without_progress > self.patience")),
    mutant("trainer_best_params_not_copied", "test_trainer",
           "best_params is the model's own dict, so it follows every later update.",
           Edit(TRAINER, "self.best_params = {k: v.copy() for k, v in self.model.params.items()}",
                "self.best_params = self.model.params")),
    mutant("trainer_best_not_restored", "test_trainer",
           "The best parameters are saved but never put back into the model.",
           Edit(TRAINER, "self.model.params.update({k: v.copy() for k, v in "
                "self.best_params.items()})\n        ", "")),
)
