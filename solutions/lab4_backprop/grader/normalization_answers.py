"""Lab 4 normalisation's answer code: batch and layer normalisation computed here, correct
and with one typical mistake each, to judge and name mistakes in the compare functions of
:mod:`.normalization` (grader's process only)."""

from __future__ import annotations

import numpy as np

from autograder.checks.compare import as_array

from .common import array_problem, rtol_for


def _batchnorm_variants(case, **mistake):
    """What a forward with one typical mistake returns on ``case`` (trusted side only):
    ``ddof=1``, ``eps_outside=True``, ``batch_at_test=True``, ``frozen=True`` (running
    averages never updated) or ``swapped=True`` (momentum on the wrong term)."""
    steps, gamma, beta, bn_param = case.args
    eps, momentum = bn_param.get("eps", 1e-5), bn_param.get("momentum", 0.9)
    d = gamma.shape[0]
    mean = np.asarray(bn_param.get("running_mean", np.zeros(d)), dtype=np.float64)
    var = np.asarray(bn_param.get("running_var", np.zeros(d)), dtype=np.float64)
    outs = []
    for x, mode in steps:
        x = np.asarray(x, dtype=np.float64)
        if mode == "train" or mistake.get("batch_at_test"):
            mu, v = x.mean(axis=0), x.var(axis=0, ddof=mistake.get("ddof", 0))
        else:
            mu, v = mean, var
        if mode == "train" and not mistake.get("frozen"):
            keep = 1 - momentum if mistake.get("swapped") else momentum
            mean, var = keep * mean + (1 - keep) * mu, keep * var + (1 - keep) * v
        std = np.sqrt(v) + eps if mistake.get("eps_outside") else np.sqrt(v + eps)
        outs.append(gamma * (x - mu) / std + beta)
    return outs, mean, var


def _matches(outs, got_outs, rtol: float) -> bool:
    try:
        return all(np.allclose(np.asarray(g, dtype=np.float64), e, rtol=rtol, atol=1e-8)
                   for e, g in zip(outs, got_outs, strict=True))
    except (TypeError, ValueError):
        return False


def compare_batchnorm_forward(expected, got, case) -> str | None:
    steps, gamma, beta, bn_param = case.args
    rtol = rtol_for(*[x for x, _ in steps])
    loose = max(rtol, 1e-6)  # for telling which mistake it is, computed here in float64
    for number, ((_, mode), want, mine) in enumerate(
            zip(steps, expected["outs"], got["outs"], strict=True), start=1):
        problem = array_problem(want, mine, "out", rtol)
        if problem is None:
            continue
        where = f"call {number} ({mode} mode)" if len(steps) > 1 else f"{mode} mode"
        for mistake, why in [
            ({"batch_at_test": True}, "test mode must normalise with bn_param's running_mean "
             "and running_var; the batch's own mean and variance are for training only"),
            ({"ddof": 1}, "the variance divides by N (np.var's default, ddof=0), not N - 1"),
            ({"eps_outside": True}, "eps goes inside the square root: (x - mu) / sqrt(var + "
             "eps), not / (sqrt(var) + eps)"),
            ({"frozen": True}, "the running averages must be updated at every training call "
             "and stored back in bn_param"),
            ({"swapped": True}, "running = momentum * running + (1 - momentum) * batch value: "
             "momentum weighs the OLD running value"),
        ]:
            outs, _, _ = _batchnorm_variants(case, **mistake)
            if _matches(outs[:number], got["outs"][:number], loose):
                return f"{where}: {problem}. {why}"
        return (f"{where}: {problem}. Train mode: x_hat = (x - mean) / sqrt(var + eps) per "
                "column over the batch, then out = gamma * x_hat + beta")
    for key in ("running_mean", "running_var"):
        want = expected[key]
        mine, problem = as_array(got[key], f"bn_param['{key}'] after the calls")
        if problem:
            return (f"bn_param['{key}'] is missing after the calls: store the updated "
                    "running averages back in bn_param")
        if mine.shape == want.shape and np.allclose(mine, want, rtol=rtol, atol=1e-7):
            continue
        for mistake, why in [
            ({"frozen": True}, "they were never updated: in train mode set running = "
             "momentum * running + (1 - momentum) * batch value, and store it in bn_param"),
            ({"swapped": True}, "momentum weighs the OLD running value: running = momentum * "
             "running + (1 - momentum) * batch value"),
            ({"ddof": 1}, "the variance divides by N (ddof=0), not N - 1"),
        ]:
            _, mean, var = _batchnorm_variants(case, **mistake)
            if mine.shape == want.shape and np.allclose(
                    mine, mean if key == "running_mean" else var, rtol=loose, atol=1e-7):
                return f"bn_param['{key}'] after the training calls is wrong: {why}"
        return (f"bn_param['{key}'] after the calls should be {np.round(want, 5).tolist()}, got "
                f"{np.round(mine.astype(float), 5).tolist() if mine.dtype != bool else mine}")
    return None


def _normalised_dx(x, g, eps, axis, means_over=None):
    """dx of a normalisation over ``axis`` for the upstream gradient g of x_hat: correct
    when the formula's means run over ``axis`` too (``means_over`` None)."""
    means_over = axis if means_over is None else means_over
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axis, keepdims=True)) / std
    return (g - g.mean(axis=means_over, keepdims=True)
            - x_hat * (g * x_hat).mean(axis=means_over, keepdims=True)) / std


def dx_diagnosis(result, case, axis: int) -> str:
    """A sentence naming the mistake when dx matches a typical wrong one (trusted side)."""
    (x, gamma, _, param), dout = case.args
    try:
        dx = np.asarray(result[0], dtype=np.float64)
    except (TypeError, ValueError, IndexError, KeyError):
        return ""
    x, dout = np.asarray(x, dtype=np.float64), np.asarray(dout, dtype=np.float64)
    eps = param.get("eps", 1e-5)
    std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
    wrong = [(_normalised_dx(x, dout, eps, axis), "gamma is missing from dx: the gradient "
              "reaching x_hat is dout * gamma"),
             (dout * gamma / std, "that treats the mean and the variance as constants: they "
              "depend on x too, which adds the two mean terms")]
    if axis == 1:
        wrong.append((_normalised_dx(x, dout * gamma, eps, 1, 0), "the means run over the "
                      "batch (axis 0); layer normalisation's statistics are per example "
                      "(axis 1)"))
    for value, why in wrong:
        if dx.shape == value.shape and np.allclose(dx, value, rtol=1e-4, atol=1e-7):
            return f" (here: {why})"
    return ""


def compare_layernorm_forward(expected, got, case) -> str | None:
    x, gamma, beta, ln_param = case.args
    problem = array_problem(expected, got, "out", rtol_for(x))
    if problem is None:
        return None
    x64, eps = np.asarray(x, dtype=np.float64), ln_param.get("eps", 1e-5)
    mine = np.asarray(got, dtype=np.float64)
    unbiased = (gamma * (x64 - x64.mean(1, keepdims=True))
                / np.sqrt(x64.var(1, ddof=1, keepdims=True) + eps) + beta)
    if mine.shape == x.shape and np.allclose(mine, unbiased, rtol=1e-6):
        return problem + ". The variance divides by D (np.var's default, ddof=0), not D - 1"
    if x.shape[0] > 1:
        by_column = gamma * (x64 - x64.mean(0)) / np.sqrt(x64.var(0) + eps) + beta
        if mine.shape == x.shape and np.allclose(mine, by_column, rtol=1e-6):
            return (problem + ". That normalises each feature over the batch (axis 0), which "
                    "is batch normalisation: layer normalisation uses the mean and variance "
                    "of each example's own features (axis=1, keepdims=True)")
    return (problem + ". out = gamma * (x - mean) / sqrt(var + eps) + beta with the mean and "
            "variance of each row (axis=1, dividing by D)")
