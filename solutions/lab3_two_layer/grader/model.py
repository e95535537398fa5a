"""Hidden check of the trained network the student saves (``best_two_layer_net.npz``).

``test_saved_model`` loads the file (never unpickling) and measures its accuracy itself on
held-out CIFAR-10 test images that ship with the grader only (``grader/heldout/``, built by
``tools/make_heldout_cifar10.py``): the bundled subset students load leaves them out, so a
model fitted to the images a notebook can see gains nothing. Nothing is re-run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.checks import Case, Check
from autograder.reference import solution_namespace
from course_utils.data import BUNDLED_DIR, flatten, load_cifar10, split_validation

from ..sandbox.drivers import KEYS
from .answers import _labels

LAB = "lab3_two_layer"
ARTIFACT = "best_two_layer_net.npz"
HELDOUT = Path(__file__).resolve().parent / "heldout" / "cifar10_heldout.npz"
# Accuracy the saved network must reach on the 500 held-out CIFAR-10 test images (HELDOUT).
# Measured there: the reference network trained as in the notebook (bundled images, 250
# iterations, seeds 0-2) 30.6-33.2%; untrained networks (seeds 0-4) 9.8-15.4%; a least-
# squares fit to the 500 bundled test images, 100% on those, 17.0%.
SAVED_MODEL_THRESHOLD = 0.25


def saved_model_cases():
    """The held-out images, read in the grading process only (the sandbox never sees them:
    the worker receives no inputs for artifact checks, and the folder is masked there)."""
    try:
        with np.load(HELDOUT, allow_pickle=False) as held:
            X, y = held["X"], held["y"]
    except FileNotFoundError:
        raise FileNotFoundError(f"{HELDOUT} is missing: Lab 3's saved network is scored on "
                                "held-out images that ship with the grader only (rebuild "
                                "them with python tools/make_heldout_cifar10.py)") from None
    yield Case((X.reshape(len(X), -1).astype(np.float64), y.astype(np.int64),
                SAVED_MODEL_THRESHOLD), hint=f"{len(y)} held-out CIFAR-10 test images")


def compare_saved_model(expected, arrays, case: Case) -> str | None:
    X, y, threshold = case.args
    D, C = X.shape[1], 10
    name = ARTIFACT
    missing = [k for k in (*KEYS, "mean") if k not in arrays]
    if missing:
        return (f"{name} has no {', '.join(missing)} (it holds {sorted(arrays)}); save "
                "np.savez(path, W1=..., b1=..., W2=..., b2=..., mean=mean_image)")
    for key, value in arrays.items():
        if not np.issubdtype(value.dtype, np.number):
            return f"{name}: {key} should be an array of numbers, got dtype {value.dtype}"
    W1, b1, W2, b2 = (arrays[k].astype(np.float64) for k in KEYS)
    if W1.ndim != 2 or W1.shape[0] != D:
        return (f"{name}: W1 has shape {W1.shape}; it should be ({D}, H), one row per pixel "
                "value of a flattened 32x32x3 image")
    H = W1.shape[1]
    wanted = {"b1": (H,), "W2": (H, C), "b2": (C,)}
    for key, shape in wanted.items():
        if arrays[key].shape != shape:
            return f"{name}: {key} has shape {arrays[key].shape}, expected {shape} for H = {H}"
    mean = arrays["mean"].astype(np.float64)
    if mean.size != D:
        return f"{name}: mean has {mean.size} values; it should be the mean image ({D} values)"
    std = arrays.get("std", np.ones(1)).astype(np.float64)
    if std.size not in (1, D) or not np.all(std > 0):
        return f"{name}: std should be one positive number or {D} of them"
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    if not all(np.isfinite(v).all() for v in (*params.values(), mean, std)):
        return f"{name} contains NaN or inf: the training diverged (lower the learning rate)"
    inputs = (X - mean.reshape(-1)) / std.reshape(-1)
    accuracy = float(np.mean(_labels(params, inputs, "relu") == y))
    if accuracy < threshold:
        return (f"the saved network classifies {accuracy:.1%} of {len(y)} held-out CIFAR-10 "
                f"test images correctly; at least {threshold:.0%} is expected (guessing gets "
                "10%). Save the trained network after training, with the mean you subtracted "
                "from its training images")
    return None


def write_example(folder) -> None:
    """Save a network that passes ``test_saved_model`` into ``folder``, for sample submissions
    (demo, end-to-end tests): the reference 3072-50-10 network trained for 250 iterations on
    the bundled images as in the notebook (about 31% on the bundled test images; 10-20 s)."""
    data = load_cifar10(BUNDLED_DIR, download=False, verbose=False)
    X, y, X_val, y_val = split_validation(data.X_train, data.y_train, 500, seed=0)
    X, X_val = flatten(X), flatten(X_val)
    mean = X.mean(axis=0)
    net = solution_namespace(LAB)["TwoLayerNet"](X.shape[1], 50, 10, seed=0)
    net.train(X - mean, y, X_val - mean, y_val, learning_rate=1e-3, reg=0.25, num_iters=250,
              seed=0)
    Path(folder).mkdir(parents=True, exist_ok=True)
    np.savez(Path(folder) / ARTIFACT, mean=mean, **net.params)


CHECKS = {
    "test_saved_model": Check(None, saved_model_cases, compare_saved_model, artifact=ARTIFACT,
                              example=write_example,
                              title=f"a trained network saved to `{ARTIFACT}`"),
}
