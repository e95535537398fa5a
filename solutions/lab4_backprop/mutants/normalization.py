"""Typical mistakes in normalization.ipynb, as edits of the solution."""

from autograder.mutants import Edit, mutant

BN, BN_BACK, BN_ALT = "batchnorm_forward", "batchnorm_backward", "batchnorm_backward_alt"
LN, LN_BACK = "layernorm_forward", "layernorm_backward"
COUNT, NET = "count_parameters", "NormalizedNet"

RUNNING_UPDATES = ("running_mean = momentum * running_mean + (1 - momentum) * mean\n"
                   "        running_var = momentum * running_var + (1 - momentum) * var")
LN_MEANS = ("dx = (g - g.mean(axis=1, keepdims=True)\n"
            "          - x_hat * (g * x_hat).mean(axis=1, keepdims=True))")
# The exact backward of a forward pass whose statistics run over the batch (axis 0).
LN_BATCH_AXIS_MEANS = Edit(LN_BACK, LN_MEANS, LN_MEANS.replace("axis=1", "axis=0"))

MUTANTS = (
    # batchnorm_forward
    mutant("batchnorm_forward_batch_stats_at_test", "test_batchnorm_forward",
           "Test mode normalises with the test batch's own mean and variance instead of the "
           "running averages.",
           Edit(BN, "mean, var = running_mean, running_var",
                "mean, var = x.mean(axis=0), x.var(axis=0)")),
    mutant("batchnorm_forward_eps_outside_sqrt", "test_batchnorm_forward",
           "eps is added outside the square root, (x - mean) / (sqrt(var) + eps). The backward "
           "passes are the exact gradients of that forward pass, so only the forward test "
           "should lose points.",
           Edit(BN, "std = np.sqrt(var + eps)", "root = np.sqrt(var)\n    std = root + eps"),
           Edit(BN, "cache = (x_hat, gamma, std)", "cache = (x_hat, gamma, std, root)"),
           Edit(BN_BACK, "x_hat, gamma, std = cache", "x_hat, gamma, std, root = cache"),
           Edit(BN_BACK, "dvar = dstd / (2 * std)", "dvar = dstd / (2 * root)"),
           Edit(BN_ALT, "x_hat, gamma, std = cache", "x_hat, gamma, std, root = cache"),
           Edit(BN_ALT, " - x_hat * (g * x_hat).mean(axis=0)) / std",
                ") / std - x_hat * (g * x_hat).mean(axis=0) / root")),
    mutant("batchnorm_forward_momentum_swapped", "test_batchnorm_forward",
           "The momentum weighs the new batch value instead of the old running value.",
           Edit(BN, RUNNING_UPDATES,
                "running_mean = (1 - momentum) * running_mean + momentum * mean\n"
                "        running_var = (1 - momentum) * running_var + momentum * var")),
    mutant("batchnorm_forward_running_never_updated", "test_batchnorm_forward",
           "Train mode never updates the running averages (they stay at their initial values).",
           Edit(BN, "\n        " + RUNNING_UPDATES, "")),
    mutant("batchnorm_forward_variance_ddof1", "test_batchnorm_forward",
           "The batch variance divides by N - 1 (np.var(..., ddof=1)) instead of N. The "
           "backward passes are the exact gradients of that forward pass, as a careful student "
           "would derive them, so only the forward test should lose points.",
           Edit(BN, "x.var(axis=0)", "x.var(axis=0, ddof=1)"),
           Edit(BN_BACK, "2 * centred * dvar / N", "2 * centred * dvar / (N - 1)"),
           Edit(BN_ALT, "x_hat * (g * x_hat).mean(axis=0)",
                "x_hat * (g * x_hat).sum(axis=0) / (dout.shape[0] - 1)"),
           also_breaks=("test_batchnorm_backward", "test_batchnorm_backward_alt")),
    # batchnorm_backward
    mutant("batchnorm_backward_dgamma_without_x_hat", "test_batchnorm_backward",
           "dgamma sums dout alone, forgetting that gamma multiplies x_hat.",
           Edit(BN_BACK, "dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout.sum(axis=0)")),
    mutant("batchnorm_backward_gamma_missing", "test_batchnorm_backward",
           "dx leaves out gamma: the gradient reaching x_hat is taken to be dout, not "
           "dout * gamma.",
           Edit(BN_BACK, "dx_hat = dout * gamma", "dx_hat = dout")),
    mutant("batchnorm_backward_statistics_constant", "test_batchnorm_backward",
           "The batch mean and variance are treated as constants: dx = dout * gamma / std, "
           "with no paths through them.",
           Edit(BN_BACK,
                "dx_hat = dout * gamma\n"
                "    centred = x_hat * std\n"
                "    dstd = -(dx_hat * centred).sum(axis=0) / std**2\n"
                "    dvar = dstd / (2 * std)\n"
                "    dcentred = dx_hat / std + 2 * centred * dvar / N\n"
                "    dx = dcentred - dcentred.mean(axis=0)",
                "dx = dout * gamma / std")),
    # batchnorm_backward_alt (its docstring states the formula, so edits name code only)
    mutant("batchnorm_alt_gamma_missing", "test_batchnorm_backward_alt",
           "The simplified formula uses g = dout instead of dout * gamma.",
           Edit(BN_ALT, "    g = dout * gamma\n", "    g = dout\n")),
    mutant("batchnorm_alt_no_variance_term", "test_batchnorm_backward_alt",
           "The simplified formula drops the term through the variance "
           "(x_hat * mean(g * x_hat)).",
           Edit(BN_ALT, " - x_hat * (g * x_hat).mean(axis=0)", "")),
    mutant("batchnorm_alt_sums_not_means", "test_batchnorm_backward_alt",
           "The simplified formula uses sums over the batch where it needs means (N times too "
           "large corrections).",
           Edit(BN_ALT, "(g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))",
                "(g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))")),
    # layernorm_forward
    mutant("layernorm_forward_batch_axis", "test_layernorm_forward",
           "Layer normalisation over the wrong axis: each feature is normalised over the batch "
           "(axis 0), which is batch normalisation. The backward pass is the exact gradient of "
           "that forward pass, so only the forward test should lose points.",
           Edit(LN, "mean = x.mean(axis=1, keepdims=True)", "mean = x.mean(axis=0, keepdims=True)"),
           Edit(LN, "x.var(axis=1, keepdims=True)", "x.var(axis=0, keepdims=True)"),
           LN_BATCH_AXIS_MEANS,
           also_breaks=("test_layernorm_backward",)),
    mutant("layernorm_forward_beta_missing", "test_layernorm_forward",
           "The shift beta is never added: out = gamma * x_hat.",
           Edit(LN, "out = gamma * x_hat + beta", "out = gamma * x_hat")),
    mutant("layernorm_forward_variance_ddof1", "test_layernorm_forward",
           "Each example's variance divides by D - 1 instead of D. The backward pass is the "
           "exact gradient of that forward pass, so only the forward test should lose points.",
           Edit(LN, "x.var(axis=1, keepdims=True)", "x.var(axis=1, ddof=1, keepdims=True)"),
           Edit(LN_BACK, "x_hat * (g * x_hat).mean(axis=1, keepdims=True)",
                "x_hat * (g * x_hat).sum(axis=1, keepdims=True) / (dout.shape[1] - 1)"),
           also_breaks=("test_layernorm_backward",)),
    # layernorm_backward
    mutant("layernorm_backward_batch_axis", "test_layernorm_backward",
           "The means of the backward formula run over the batch (axis 0), as in batch "
           "normalisation, instead of over each example's features.",
           LN_BATCH_AXIS_MEANS),
    mutant("layernorm_backward_dgamma_per_example", "test_layernorm_backward",
           "dgamma and dbeta are summed over each example's features (axis 1) instead of over "
           "the examples, giving one value per example.",
           Edit(LN_BACK, "dbeta = dout.sum(axis=0)\n    dgamma = (dout * x_hat).sum(axis=0)",
                "dbeta = dout.sum(axis=1)\n    dgamma = (dout * x_hat).sum(axis=1)")),
    mutant("layernorm_backward_gamma_missing", "test_layernorm_backward",
           "dx leaves out gamma: g = dout instead of dout * gamma.",
           Edit(LN_BACK, "g = dout * gamma", "g = dout")),
    # count_parameters
    mutant("count_parameters_equal_widths", "test_count_parameters",
           "Uses the lecture's dH + (L - 2)H^2 + HK with H the first hidden width, as if all "
           "hidden layers were equally wide, plus that many biases.",
           Edit(COUNT,
                "total = sum(fan_in * fan_out + fan_out\n"
                "                for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True))",
                "d, K, hidden = sizes[0], sizes[-1], sizes[1:-1]\n"
                "    if not hidden:\n"
                "        return d * K + K\n"
                "    H, n = hidden[0], len(hidden)\n"
                "    total = d * H + (n - 1) * H * H + H * K + n * H + K")),
    mutant("count_parameters_input_biases", "test_count_parameters",
           "Gives the input layer biases too (a bias for every size, inputs included).",
           Edit(COUNT, "return total", "return total + sizes[0]")),
    mutant("count_parameters_weights_only", "test_count_parameters",
           "Counts the weights only, no biases.",
           Edit(COUNT, "fan_in * fan_out + fan_out", "fan_in * fan_out")),
    # NormalizedNet: __init__
    mutant("norm_net_gamma_zeros", "test_norm_net_init",
           "Every gamma starts as zeros, which switches the normalised layers off.",
           Edit(NET, 'self.params[f"gamma{layer}"] = np.ones(fan_out)',
                'self.params[f"gamma{layer}"] = np.zeros(fan_out)')),
    mutant("norm_net_last_layer_normalized", "test_norm_net_init",
           "The last (score) layer also gets a gamma and a beta, which the network never uses.",
           Edit(NET, "if normalization is not None and layer < self.num_layers:",
                "if normalization is not None:")),
    mutant("norm_net_shared_norm_params", "test_norm_net_init",
           "All hidden layers share one norm_params dict ([{...}] * (L - 1)), so their running "
           "averages overwrite each other.",
           Edit(NET, "self.norm_params = []",
                'self.norm_params = []\n        shared = {"mode": "train"}'),
           Edit(NET, 'self.norm_params.append({"mode": "train"})',
                "self.norm_params.append(shared)")),
    # NormalizedNet: loss
    mutant("norm_net_first_norm_param_everywhere", "test_norm_net_loss",
           "Every layer is given norm_params[0], so all layers share one set of running averages.",
           Edit(NET, "self.norm_params[layer - 1])", "self.norm_params[0])")),
    mutant("norm_net_norm_after_relu", "test_norm_net_loss",
           "The normalisation runs after the ReLU instead of between the affine layer and the "
           "ReLU.",
           # Each edit applies to the text the previous ones left: move the ReLU up, then
           # its backward step down.
           Edit(NET, "\n            h, relu_cache = relu_forward(h)", ""),
           Edit(NET, "norm_cache = None",
                "h, relu_cache = relu_forward(h)\n            norm_cache = None"),
           Edit(NET, "            dh = relu_backward(dh, relu_cache)\n", ""),
           Edit(NET, "norm_backward(dh, norm_cache)\n",
                "norm_backward(dh, norm_cache)\n            dh = relu_backward(dh, relu_cache)\n")),
    mutant("norm_net_reg_on_gamma", "test_norm_net_loss",
           "The L2 term also penalises every gamma (pulling the normalised layers towards 0).",
           Edit(NET, "        return loss, grads",
                "        for layer in range(1, L if self.normalization else 1):\n"
                '            gamma = self.params[f"gamma{layer}"]\n'
                "            loss += self.reg * np.sum(gamma * gamma)\n"
                '            grads[f"gamma{layer}"] += 2 * self.reg * gamma\n'
                "        return loss, grads")),
)
