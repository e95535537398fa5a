"""Hidden check of ``svm_two_layer_loss`` (``two_layer_net.ipynb``, the SVM part): the same
two-layer ReLU network with the multiclass SVM (hinge) loss, its value and its gradients.

A plain function, called with the case's arguments (no driver). The gradients are judged as
``TwoLayerNet``'s are (:func:`.network.compare_grads`), the loss by naming the usual slips.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import Case, Check
from autograder.checks.compare import question_eps

from .network import close_values, compare_grads, loss_value, penalties, random_params


def svm_cases():
    rng = np.random.default_rng(35)

    def case(N, D, H, C, reg, hint, dtype=np.float64, scale=1.0):
        params = random_params(rng, D, H, C, dtype, scale)
        X = rng.standard_normal((N, D)).astype(dtype)
        return Case((params, X, rng.integers(0, C, N), reg), hint=hint)

    yield case(8, 6, 5, 4, 0.1, "8 examples, 4 classes, reg=0.1")
    yield case(8, 6, 5, 4, 0.0, "no regularisation")
    yield case(10, 5, 7, 3, 0.05, "large scores: most margins are met (zero loss terms)",
               scale=6.0)
    yield case(1, 4, 3, 5, 0.2, "a single example")
    yield case(9, 10, 6, 5, 0.1, "float32 input", dtype=np.float32)


def compare_svm(expected, got, case: Case) -> str | None:
    value, problem = loss_value(got, "svm_two_layer_loss")
    if problem:
        return problem
    params, X, y, reg = case.args
    reference = float(expected[0])
    tol = 1e3 * question_eps(X, expected)
    pen = penalties(params)
    penalty = reg * (pen["W1"] + pen["W2"])
    if not close_values(value, reference, tol):
        data, n = reference - penalty, len(y)
        named = {
            "each example adds max(0, s_y - s_y + 1) = 1 for its own class: skip j = y_i":
                data + 1.0 + penalty,
            "the loss is summed over the examples: average it (divide by N)":
                data * n + penalty,
            "the L2 penalty reg * (sum(W1**2) + sum(W2**2)) is missing": data,
            "the penalty on W2 is missing: regularise both weight matrices":
                data + reg * pen["W1"],
            "the penalty on W1 is missing: regularise both weight matrices":
                data + reg * pen["W2"],
        }
        for message, candidate in named.items():
            if close_values(value, candidate, max(tol, 1e-9)) and not (
                    penalty == 0 and "penalty" in message):
                return f"loss {value:.6g}, expected {reference:.6g}: {message}"
        return (f"loss {value:.6g}, expected {reference:.6g}: the mean over examples of "
                "sum_{j != y_i} max(0, s_j - s_y + 1), plus the penalty")
    fake = Case(case.args[1:3], {"spec": {"params": params, "reg": reg, "activation": "relu"}})
    return compare_grads({"out": expected}, {"out": got, "numeric": None}, fake)


CHECKS = {
    "test_svm_two_layer_loss": Check(
        "svm_two_layer_loss", svm_cases, compare_svm,
        title="`svm_two_layer_loss`: the same network with the multiclass SVM loss"),
}
