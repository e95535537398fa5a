"""Lab 4 on real CIFAR-10 from ../shared/data (skipped, with the reason, without it).

The default run trains a small fully connected net with the reference Trainer on a slice, so
CI exercises the whole path in about a minute. With NNLABS_REAL_SCALE=full (``make test-real``)
it runs the lab's final setting: 49,000 training / 1,000 validation images, a 3072-512-256-10
ReLU network, Adam with learning-rate decay, checkpointing and early stopping; the issue's
target is at least 52% validation accuracy (published results for fully connected nets on
CIFAR-10: about 50-55%). Data and parameters are float32 to halve the time; the layers keep
the dtype.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from autograder.reference import solution_namespace
from course_utils.data import flatten, load_cifar10, split_validation, standardize

pytestmark = pytest.mark.realdata
FULL = os.environ.get("NNLABS_REAL_SCALE") == "full"


def test_lab4_fully_connected_net_on_cifar10(cifar10_official_dir):
    ns = solution_namespace("lab4_backprop")
    data = load_cifar10(cifar10_official_dir)
    assert data.X_train.shape == (50000, 32, 32, 3)
    X_train, y_train, X_val, y_val = split_validation(flatten(data.X_train), data.y_train, 1000,
                                                      seed=0)
    num_train = 49000 if FULL else 5000
    X_train, y_train = X_train[:num_train], y_train[:num_train]
    X_train, X_val = (a.astype(np.float32) for a in standardize(X_train, X_val))

    hidden = [512, 256] if FULL else [100]
    net = ns["FullyConnectedNet"](hidden, 3072, 10, reg=1e-4, weight_scale="fan_in", seed=0)
    net.params = {k: v.astype(np.float32) for k, v in net.params.items()}
    trainer = ns["Trainer"](
        net, {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val},
        update_rule="adam", optim_config={"learning_rate": 1e-3}, lr_decay=0.9,
        batch_size=200, num_epochs=10 if FULL else 3, patience=4, seed=0)
    started = time.perf_counter()
    history = trainer.train()
    minutes = (time.perf_counter() - started) / 60
    val = trainer.check_accuracy(X_val, y_val)
    print(f"\nCIFAR-10 {num_train}/1000, hidden {hidden}: validation accuracy per epoch "
          f"{np.round(history['val_acc'], 3).tolist()}; best {trainer.best_val_acc:.1%} at epoch "
          f"{trainer.best_epoch}; {minutes:.1f} min")
    assert np.isclose(val, trainer.best_val_acc), "the best parameters are restored"
    if FULL:
        assert trainer.best_val_acc >= 0.52  # measured 55.4% (epoch 7 of 10) in 15 min
    else:
        assert trainer.best_val_acc >= 0.35  # a small slice still beats a linear classifier's ~30%


@pytest.mark.parametrize("weight_scale", ["fan_in", 1e-2])
def test_lab4_batchnorm_against_plain_deep_net_on_cifar10(cifar10_official_dir, weight_scale):
    """The normalization notebook's claim on real data: the same deep ReLU network, with and
    without batch normalisation, from the same initial weights. With the lab's small
    weight_scale=1e-2 the plain network stays far behind the batch-normalised one; with
    fan-in initialisation both learn. A 3072-100-100-100-100-100-10 ReLU network, Adam 1e-3
    with decay 0.9, batches of 200, float32. Default: 5,000 training images, 3 epochs
    (measured: fan-in 39.7% without, 37.2% with batch normalisation, so no claim that it is
    better there; weight_scale 1e-2: 18.5% without, 37.5% with; 0.3 min per network).
    NNLABS_REAL_SCALE=full: 49,000 training images, 5 epochs (measured: fan-in 50.8% without,
    52.1% with batch normalisation; weight_scale 1e-2: 43.6% without, 53.5% with; 2-6 min
    per network)."""
    ns = solution_namespace("lab4_backprop")
    data = load_cifar10(cifar10_official_dir)
    X_train, y_train, X_val, y_val = split_validation(flatten(data.X_train), data.y_train, 1000,
                                                      seed=0)
    num_train = 49000 if FULL else 5000
    X_train, y_train = X_train[:num_train], y_train[:num_train]
    X_train, X_val = (a.astype(np.float32) for a in standardize(X_train, X_val))
    split = {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val}
    hidden = [100] * 5  # six layers of weights, at both scales
    best = {}
    for normalization in [None, "batchnorm"]:
        net = ns["NormalizedNet"](hidden, 3072, 10, normalization=normalization,
                                  weight_scale=weight_scale, seed=0)
        net.params = {k: v.astype(np.float32) for k, v in net.params.items()}
        trainer = ns["Trainer"](net, split, update_rule="adam",
                                optim_config={"learning_rate": 1e-3}, lr_decay=0.9,
                                batch_size=200, num_epochs=5 if FULL else 3, seed=0)
        started = time.perf_counter()
        history = trainer.train()
        best[normalization] = trainer.best_val_acc
        print(f"\nCIFAR-10 {num_train}/1000, hidden {hidden}, weight_scale {weight_scale}, "
              f"normalization={normalization}: validation accuracy per epoch "
              f"{np.round(history['val_acc'], 3).tolist()}; best {trainer.best_val_acc:.1%}; "
              f"{(time.perf_counter() - started) / 60:.1f} min")
    if weight_scale == "fan_in":
        assert min(best.values()) >= (0.45 if FULL else 0.35)
    else:
        assert best["batchnorm"] >= max(best[None] + (0.05 if FULL else 0.10),
                                        0.45 if FULL else 0.35)
