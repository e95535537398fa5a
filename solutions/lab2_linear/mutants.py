"""Lab 2's typical mistakes, as edits of the solution (see :mod:`autograder.mutants`)."""

from autograder.mutants import Edit, mutant

PERCEPTRON, CLASSIFIER = "perceptron_train", "LinearClassifier"
SVM_NAIVE, SVM_VEC = "svm_loss_naive", "svm_loss_vectorized"
SOFTMAX_NAIVE, SOFTMAX_VEC = "softmax_loss_naive", "softmax_loss_vectorized"
NUMGRAD, SPARSE = "numerical_gradient", "grad_check_sparse"
BIAS_COLUMN = "X_aug = np.hstack([X, np.ones((num_train, 1))])"
AVERAGE = "    loss /= num_train\n    dW /= num_train\n"  # the naive losses' averaging
REG_GRADIENT = "    dW += 2 * reg * W\n"  # the naive losses' regularisation gradient
VEC_RETURN = "    return loss, dW"
DRAW_BATCH = "batch = rng.choice("
UPDATE = "self.W -= learning_rate * dW"

MUTANTS = (
    # perceptron_train
    mutant("perceptron_bias_first", "test_perceptron_train",
           "Prepends the column of ones, so the bias is the first weight instead of the last.",
           Edit(PERCEPTRON, BIAS_COLUMN, "X_aug = np.hstack([np.ones((num_train, 1)), X])")),
    mutant("perceptron_no_bias", "test_perceptron_train",
           "Forgets the bias trick: D weights, and every boundary passes through the origin.",
           Edit(PERCEPTRON, "w = np.zeros(dim + 1)", "w = np.zeros(dim)"),
           Edit(PERCEPTRON, BIAS_COLUMN, "X_aug = X")),
    mutant("perceptron_one_epoch", "test_perceptron_train",
           "Makes a single pass over the data whatever num_epochs says.",
           Edit(PERCEPTRON, "for _ in range(num_epochs):", "for _ in range(1):")),
    mutant("perceptron_score_zero_predicts_one", "test_perceptron_train",
           "Predicts 1 when the score is >= 0, so the all-zero start calls every example "
           "positive.",
           Edit(PERCEPTRON, "X_aug[i] @ w > 0", "X_aug[i] @ w >= 0")),
    mutant("perceptron_wrong_sign", "test_perceptron_train",
           "Updates with (prediction - y) * x: every mistake pushes the weights the wrong way.",
           Edit(PERCEPTRON, "(y[i] - prediction)", "(prediction - y[i])")),
    # svm_loss_naive
    mutant("svm_naive_correct_class_sign", "test_svm_loss_naive",
           "Adds x_i to the correct class's gradient column instead of subtracting it.",
           Edit(SVM_NAIVE, "dW[:, y[i]] -= X[i]", "dW[:, y[i]] += X[i]")),
    mutant("svm_naive_counts_correct_class", "test_svm_loss_naive",
           "Includes j == y[i] in the sum: its margin is always exactly 1, so the loss gains 1.",
           Edit(SVM_NAIVE, "            if j == y[i]:\n                continue\n", "")),
    mutant("svm_naive_no_reg_gradient", "test_svm_loss_naive",
           "Adds the regulariser to the loss but forgets its gradient, 2 * reg * W.",
           Edit(SVM_NAIVE, REG_GRADIENT, "")),
    mutant("svm_naive_sums", "test_svm_loss_naive",
           "Sums the hinge losses and their gradients over the examples instead of averaging.",
           Edit(SVM_NAIVE, AVERAGE, "")),
    # svm_loss_vectorized
    mutant("svm_vectorized_correct_class_sign", "test_svm_loss_vectorized",
           "Puts +count instead of -count in the correct class's column of the coefficients.",
           Edit(SVM_VEC, "= -coefficients.sum(axis=1)", "= coefficients.sum(axis=1)")),
    mutant("svm_vectorized_counts_correct_class", "test_svm_loss_vectorized",
           "Forgets to zero the correct class's own margin (always 1), so each example adds 1.",
           Edit(SVM_VEC, "    margins[rows, y] = 0.0\n", "")),
    mutant("svm_vectorized_half_reg_gradient", "test_svm_loss_vectorized",
           "Uses reg * W as the regularisation gradient: the derivative of reg * W**2 is "
           "2 * reg * W.",
           Edit(SVM_VEC, "num_train + 2 * reg * W", "num_train + reg * W")),
    mutant("svm_vectorized_reg_gradient_doubled", "test_svm_loss_vectorized",
           "Adds the regularisation gradient twice (4 * reg * W).",
           Edit(SVM_VEC, VEC_RETURN, "    dW += 2 * reg * W\n" + VEC_RETURN)),
    mutant("svm_vectorized_sums", "test_svm_loss_vectorized",
           "Vectorised, but sums over the examples instead of averaging.",
           Edit(SVM_VEC, "margins.sum() / num_train", "margins.sum()"),
           Edit(SVM_VEC, "X.T @ coefficients / num_train", "X.T @ coefficients")),
    # softmax_loss_naive
    mutant("softmax_naive_correct_class_sign", "test_softmax_loss_naive",
           "Uses p + 1 instead of p - 1 for the correct class in the gradient.",
           Edit(SOFTMAX_NAIVE, "(p_k - (k == y[i]))", "(p_k + (k == y[i]))")),
    mutant("softmax_naive_no_reg_gradient", "test_softmax_loss_naive",
           "Regularises the loss but leaves 2 * reg * W out of the gradient.",
           Edit(SOFTMAX_NAIVE, REG_GRADIENT, "")),
    mutant("softmax_naive_sums", "test_softmax_loss_naive",
           "Sums the cross-entropy and its gradient over the examples instead of averaging.",
           Edit(SOFTMAX_NAIVE, AVERAGE, "")),
    mutant("softmax_naive_unstable", "test_softmax_loss_naive",
           "Exponentiates the raw scores: np.exp overflows for scores near 1e4 (the loss is "
           "not finite).",
           Edit(SOFTMAX_NAIVE, "        scores = scores - np.max(scores)\n", "")),
    # softmax_loss_vectorized
    mutant("softmax_vectorized_correct_class_sign", "test_softmax_loss_vectorized",
           "Adds 1 to the correct class's probability instead of subtracting it.",
           Edit(SOFTMAX_VEC, "probs[rows, y] -= 1.0", "probs[rows, y] += 1.0")),
    mutant("softmax_vectorized_global_max", "test_softmax_loss_vectorized",
           "Vectorised softmax that subtracts one maximum of the whole score array instead of "
           "each row's: rows whose scores sit far below the top row underflow (log of 0).",
           Edit(SOFTMAX_VEC, "scores.max(axis=1, keepdims=True)", "scores.max()")),
    mutant("softmax_vectorized_log10", "test_softmax_loss_vectorized",
           "Takes the logarithm in base 10 (as one lecture slide does) instead of the natural "
           "log.",
           Edit(SOFTMAX_VEC, "loss = np.mean(log_norm - shifted[rows, y])",
                "loss = -np.mean(np.log10(np.exp(shifted[rows, y] - log_norm)))")),
    mutant("softmax_vectorized_reg_gradient_doubled", "test_softmax_loss_vectorized",
           "Adds 2 * reg * W to the gradient twice.",
           Edit(SOFTMAX_VEC, VEC_RETURN, "    dW += 2 * reg * W\n" + VEC_RETURN)),
    mutant("softmax_vectorized_sums", "test_softmax_loss_vectorized",
           "Vectorised, but sums over the examples instead of averaging.",
           Edit(SOFTMAX_VEC, "np.mean(log_norm - shifted[rows, y])",
                "np.sum(log_norm - shifted[rows, y])"),
           Edit(SOFTMAX_VEC, "X.T @ probs / num_train", "X.T @ probs")),
    mutant("softmax_vectorized_unstable", "test_softmax_loss_vectorized",
           "Vectorised without shifting the scores: np.exp overflows for scores near 1e4.",
           Edit(SOFTMAX_VEC, "shifted = scores - scores.max(axis=1, keepdims=True)",
                "shifted = scores")),
    # LinearClassifier.train
    mutant("train_classes_from_unique_labels", "test_linear_classifier_train",
           "A training loop that counts the classes with np.unique(y): a class absent from the "
           "training labels gets no column of W, so W has the wrong shape.",
           Edit(CLASSIFIER, "num_classes = int(np.max(y)) + 1",
                "num_classes = len(np.unique(y))")),
    mutant("train_gradient_ascent", "test_linear_classifier_train",
           "Adds the gradient instead of subtracting it: the loss goes up.",
           Edit(CLASSIFIER, UPDATE, "self.W += learning_rate * dW")),
    mutant("train_ignores_seed", "test_linear_classifier_train",
           "Samples with the unseeded global np.random, so a run cannot be repeated.",
           Edit(CLASSIFIER, DRAW_BATCH, "batch = np.random.choice(")),
    mutant("train_labels_from_other_rows", "test_linear_classifier_train",
           "Draws separate random indices for X and y, so the labels belong to other images.",
           Edit(CLASSIFIER, "y[batch]", "y[rng.choice(num_train, size=batch_size, replace=True)]")),
    mutant("train_never_updates", "test_linear_classifier_train",
           "Computes the new weights into a local variable and never stores them in self.W.",
           Edit(CLASSIFIER, UPDATE, "W = self.W - learning_rate * dW")),
    mutant("train_restarts_from_random_weights", "test_linear_classifier_train",
           "Draws new random weights at every call of train, discarding earlier training.",
           Edit(CLASSIFIER, "if self.W is None:  # small random weights, on the first call only\n"
                "            self.W", "self.W")),
    mutant("train_same_batch", "test_linear_classifier_train",
           "Creates the generator inside the loop: the same seed gives the same batch at every "
           "step.",
           Edit(CLASSIFIER, DRAW_BATCH, "batch = np.random.default_rng(seed).choice(")),
    # LinearClassifier.predict
    mutant("predict_argmin", "test_linear_classifier_predict",
           "Picks the class with the smallest score.",
           Edit(CLASSIFIER, "np.argmax(X @ self.W, axis=1)", "np.argmin(X @ self.W, axis=1)")),
    mutant("predict_returns_scores", "test_linear_classifier_predict",
           "Returns the score matrix instead of one label per example.",
           Edit(CLASSIFIER, "y_pred = np.argmax(X @ self.W, axis=1)", "y_pred = X @ self.W")),
    mutant("predict_wrong_axis", "test_linear_classifier_predict",
           "Takes the argmax over the examples (axis 0) instead of over the classes.",
           Edit(CLASSIFIER, "np.argmax(X @ self.W, axis=1)", "np.argmax(X @ self.W, axis=0)")),
    # numerical_gradient
    mutant("numgrad_divides_by_h", "test_numerical_gradient",
           "Divides the centred difference by h instead of 2h: twice the gradient.",
           Edit(NUMGRAD, "/ (2 * h)", "/ h")),
    mutant("numgrad_wrong_sign", "test_numerical_gradient",
           "Subtracts the wrong way round, f(x - h) - f(x + h).",
           Edit(NUMGRAD, "(f_plus - f_minus)", "(f_minus - f_plus)")),
    mutant("numgrad_forward_difference", "test_numerical_gradient",
           "Takes the one-sided difference (f(x + h) - f(x)) / h, whose error is of order h.",
           Edit(NUMGRAD, "x[index] = original - h\n        f_minus = f(x)\n"
                "        x[index] = original\n        grad[index] = (f_plus - f_minus) / (2 * h)",
                "x[index] = original\n        f_minus = f(x)\n"
                "        grad[index] = (f_plus - f_minus) / h")),
    mutant("numgrad_not_restored", "test_numerical_gradient",
           "Leaves every entry of x at x - h: the caller's x is changed, and each later entry "
           "is differentiated at a shifted point.",
           Edit(NUMGRAD, "        x[index] = original\n", "")),
    # grad_check_sparse
    mutant("sparse_absolute_error", "test_grad_check_sparse",
           "Returns the absolute error |n - a| instead of the relative one.",
           Edit(SPARSE, "abs(numeric - analytic) / max(abs(numeric) + abs(analytic), 1e-8)",
                "abs(numeric - analytic)")),
    mutant("sparse_with_replacement", "test_grad_check_sparse",
           "Draws the entries with replacement, so an entry can be checked twice.",
           Edit(SPARSE, "positions = rng.choice(x.size, size=num_checks, replace=False)",
                "positions = rng.choice(x.size, size=num_checks, replace=True)")),
    mutant("sparse_divides_by_h", "test_grad_check_sparse",
           "Divides the centred difference by h instead of 2h.",
           Edit(SPARSE, "/ (2 * h)", "/ h")),
    mutant("sparse_not_restored", "test_grad_check_sparse",
           "Leaves each checked entry of x at x - h.",
           Edit(SPARSE, "        x[index] = original\n", "")),
)
