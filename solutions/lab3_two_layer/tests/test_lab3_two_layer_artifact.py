"""The hidden test of Lab 3's saved network (``best_two_layer_net.npz``).

The grader never re-runs training: it loads the student's file without unpickling, checks the
arrays and measures the accuracy itself on 500 held-out CIFAR-10 test images that ship with the
grader only (none is among the bundled images students load). A network trained briefly on the
bundled training images passes, an untrained one fails, a model fitted to the bundled test
images fails, and every broken file fails this one test with a message that says what is wrong
(never a crash).
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import run_check
from autograder.reference import solution_namespace
from course_utils.data import BUNDLED_DIR, flatten, load_cifar10
from solutions.lab3_two_layer.grader.model import (
    ARTIFACT,
    HELDOUT,
    SAVED_MODEL_THRESHOLD,
    write_example,
)

LAB, TEST = "lab3_two_layer", "test_saved_model"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The lab's sample file (the reference 3072-50-10 network trained for 250 iterations on
    the bundled images, about 31% on the bundled test images) as a dict of arrays."""
    folder = tmp_path_factory.mktemp("example")
    write_example(folder)
    with np.load(folder / ARTIFACT, allow_pickle=False) as saved:
        return {name: saved[name] for name in saved.files}


def grade(tmp_path, monkeypatch, **arrays):
    """Save ``arrays`` as the student's file in a fresh folder and run the hidden test there;
    returns None when it passes, else its message."""
    monkeypatch.chdir(tmp_path)
    if arrays:
        np.savez(ARTIFACT, **arrays)
    try:
        run_check(LAB, TEST, {})
    except AssertionError as exc:
        return str(exc)
    return None


def test_a_trained_network_passes(trained, tmp_path, monkeypatch):
    assert grade(tmp_path, monkeypatch, **trained) is None


def test_an_optional_std_is_used(trained, tmp_path, monkeypatch):
    assert grade(tmp_path, monkeypatch, **trained, std=np.array(1.0)) is None
    distorting = np.geomspace(1e-3, 1e3, 3072)  # each pixel value rescaled differently
    message = grade(tmp_path, monkeypatch, **trained, std=distorting)
    assert message and "classifies" in message


def test_an_untrained_network_fails(tmp_path, monkeypatch):
    net = solution_namespace(LAB)["TwoLayerNet"](3072, 50, 10, seed=0)
    message = grade(tmp_path, monkeypatch, **net.params, mean=np.full(3072, 120.0))
    assert message and f"at least {SAVED_MODEL_THRESHOLD:.0%}" in message


def test_a_fit_to_the_images_students_load_fails(tmp_path, monkeypatch):
    # Least squares on the 500 bundled test images, written as a ReLU network (scores s and
    # -s through the hidden layer): 100% on those images, 17% on the held-out ones.
    data = load_cifar10(BUNDLED_DIR, download=False, verbose=False)
    X, y = flatten(data.X_test), data.y_test
    mean = X.mean(axis=0)
    W = np.linalg.lstsq(np.c_[X - mean, np.ones(len(X))], np.eye(10)[y], rcond=None)[0]
    params = {"W1": np.c_[W[:-1], -W[:-1]], "b1": np.r_[W[-1], -W[-1]],
              "W2": np.r_[np.eye(10), -np.eye(10)], "b2": np.zeros(10)}
    hidden = np.maximum(0, (X - mean) @ params["W1"] + params["b1"])
    assert np.mean(np.argmax(hidden @ params["W2"] + params["b2"], axis=1) == y) == 1.0
    message = grade(tmp_path, monkeypatch, **params, mean=mean)
    assert message and "held-out CIFAR-10" in message, message


def test_the_held_out_images_are_not_among_the_bundled_ones():
    data = load_cifar10(BUNDLED_DIR, download=False, verbose=False)
    with np.load(HELDOUT, allow_pickle=False) as held:
        X, y = held["X"], held["y"]
    assert X.dtype == np.uint8 and X.shape == (500, 32, 32, 3)
    assert np.bincount(y).tolist() == [50] * 10
    bundled = {image.tobytes() for image in np.asarray(data.X_test, dtype=np.uint8)}
    assert not [i for i, image in enumerate(X) if image.tobytes() in bundled]


def test_a_missing_file_is_reported(tmp_path, monkeypatch):
    message = grade(tmp_path, monkeypatch)
    assert "best_two_layer_net.npz was not found" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a.pop("mean"), "has no mean"),
        (lambda a: a.update(W1=a["W1"][:-1]), "W1 has shape (3071, 50)"),
        (lambda a: a.update(W2=a["W2"].T), "W2 has shape (10, 50)"),
        (lambda a: a.update(b1=a["b1"][:10]), "b1 has shape (10,)"),
        (lambda a: a.update(mean=a["mean"][:100]), "mean has 100 values"),
        (lambda a: a.update(b2=np.full(10, np.nan)), "NaN or inf"),
        (lambda a: a.update(std=np.zeros(1)), "std should be one positive number"),
        (lambda a: a.update(W1=a["W1"].astype(str)), "only numeric arrays are accepted"),
    ],
    ids=["no-mean", "W1-rows", "W2-transposed", "b1-size", "mean-size", "nan", "zero-std",
         "strings"],
)
def test_malformed_files_fail_with_a_reason(trained, tmp_path, monkeypatch, change, expected):
    arrays = dict(trained)
    change(arrays)
    message = grade(tmp_path, monkeypatch, **arrays)
    assert message and expected in message, message


def test_pickled_objects_are_never_loaded(trained, tmp_path, monkeypatch):
    message = grade(tmp_path, monkeypatch, **trained,
                    extra=np.array([{"not": "an array"}], dtype=object))
    assert "could not be read" in message


def test_a_truncated_file_is_reported(trained, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    np.savez(ARTIFACT, **trained)
    raw = (tmp_path / ARTIFACT).read_bytes()
    (tmp_path / ARTIFACT).write_bytes(raw[: len(raw) // 3])
    with pytest.raises(AssertionError, match="could not be read"):
        run_check(LAB, TEST, {})


def test_the_held_out_images_ship_with_the_grader_only():
    import tomllib

    from autograder.course import GRADER_PART, REPO_ROOT, get_lab

    # In the lab's grader package, which the sandbox never mounts.
    assert HELDOUT.is_file() and HELDOUT.parent.parent == get_lab(LAB).source_dir / GRADER_PART
    packages = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert not [p for p in packages["packages"]["find"]["include"] if p.startswith("solutions")]
    for folder in (REPO_ROOT / "labs", BUNDLED_DIR.parent):  # the student release, course_utils
        assert not [p for p in folder.rglob("*") if "heldout" in p.name.lower()], folder
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    shipped = config["tool"]["setuptools"].get("package-data", {})
    assert not [pattern for patterns in shipped.values() for pattern in patterns
                if "heldout" in pattern or pattern.endswith(".npz")]
    manifest = REPO_ROOT / "MANIFEST.in"  # which could add it to a distribution
    rules = manifest.read_text() if manifest.is_file() else ""
    whole_package = (["graft", "solutions"], ["recursive-include", "solutions"])
    assert not [line for line in rules.splitlines()
                if "heldout" in line or line.split()[:2] in whole_package]
