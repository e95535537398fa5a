"""Getting the course data sets into numpy arrays, and the preprocessing helpers the labs share.

Loading
-------
``load_cifar10()`` and ``load_mnist()`` return a :class:`Dataset` of uint8 images and int64
labels. They look for the official files in this order and use the first place that has them:

1. the ``path`` argument (a folder with the official files; nothing else is tried),
2. the folder named by the environment variable ``NNLABS_DATA`` (or its ``cifar10/`` /
   ``mnist/`` subfolder),
3. the user cache: ``NNLABS_CACHE`` if set, else ``pooch.os_cache("nnlabs")``,
4. a hash-checked download of the official files into that cache (skipped when
   ``download=False`` or ``NNLABS_OFFLINE=1``),
5. the small subset of real images bundled with the package (:data:`BUNDLED_DIR`), with a
   one-line notice.

Every problem with a data file raises :class:`DataError` with a one-line message that names the
file, says what is wrong and what to do.

Preprocessing
-------------
:func:`split_validation`, :func:`subsample`, :func:`flatten`, :class:`Standardizer` /
:func:`standardize` and :func:`minibatches`: plain numpy, no hidden state.

Finding and downloading the files is :mod:`course_utils.data_sources`; reading their formats,
:mod:`course_utils.data_formats`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from . import data_sources
from .data_formats import CIFAR10_CLASSES, MNIST_CLASSES, ChecksumError, DataError, DownloadError
from .data_sources import BUNDLED_DIR, default_cache_dir, download_cifar10, download_mnist

__all__ = [
    "BUNDLED_DIR",
    "CIFAR10_CLASSES",
    "MNIST_CLASSES",
    "ChecksumError",
    "DataError",
    "Dataset",
    "DownloadError",
    "Standardizer",
    "default_cache_dir",
    "download_cifar10",
    "download_mnist",
    "flatten",
    "load_cifar10",
    "load_mnist",
    "minibatches",
    "split_validation",
    "standardize",
    "subsample",
]


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A data set as numpy arrays.

    Attributes:
        X_train: uint8 images, (N_train, 32, 32, 3) for CIFAR-10 (height, width, RGB) or
            (N_train, 28, 28) for MNIST.
        y_train: int64 labels, (N_train,), values in ``range(len(classes))``.
        X_test, y_test: the same for the test split.
        classes: the class names; ``classes[y]`` names label ``y``.
        source: where the arrays came from (a folder, or "bundled subset (...)").
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str

    def __repr__(self) -> str:
        return (
            f"Dataset(X_train={_describe(self.X_train)}, y_train={_describe(self.y_train)}, "
            f"X_test={_describe(self.X_test)}, y_test={_describe(self.y_test)}, "
            f"classes={len(self.classes)}, source={self.source!r})"
        )

    def summary(self) -> str:
        """A few lines giving the shapes, dtypes, classes and source."""
        return "\n".join([
            f"source:  {self.source}",
            f"X_train: {_describe(self.X_train):<28} y_train: {_describe(self.y_train)}",
            f"X_test:  {_describe(self.X_test):<28} y_test:  {_describe(self.y_test)}",
            f"classes: {', '.join(self.classes)}",
        ])


def _describe(a: np.ndarray) -> str:
    return f"{tuple(a.shape)} {a.dtype}"


def load_cifar10(path=None, *, download: bool = True, verbose: bool = True) -> Dataset:
    """Load CIFAR-10 as uint8 images (N, 32, 32, 3) and int64 labels (N,).

    Args:
        path: a folder holding the official files: ``cifar-10-batches-py/``, or the batch
            files themselves, or ``cifar-10-python.tar.gz`` (extracted into that folder).
            When given, nothing else is tried. When None: ``$NNLABS_DATA`` (or its
            ``cifar10/`` subfolder), then the cache, then a download, then the bundled
            subset (see the module docstring).
        download: allow downloading the official archive (163 MB) into the cache.
        verbose: print where the data came from, and a download progress bar.

    Returns:
        A :class:`Dataset`; the full set has 50,000 train and 10,000 test images.

    Raises:
        DataError: a file is missing (for ``path``), truncated or corrupt.
    """
    return _dataset(data_sources.CIFAR10, path, download, verbose)



def load_mnist(path=None, *, download: bool = True, verbose: bool = True) -> Dataset:
    """Load MNIST as uint8 images (N, 28, 28) and int64 labels (N,).

    Args:
        path: a folder holding the four official IDX files (``*-idx?-ubyte.gz`` or
            uncompressed). When given, nothing else is tried. When None: ``$NNLABS_DATA``
            (or its ``mnist/`` subfolder), then the cache, then a download, then the bundled
            subset (see the module docstring).
        download: allow downloading the official files (11 MB) into the cache.
        verbose: print where the data came from, and download progress bars.

    Returns:
        A :class:`Dataset`; the full set has 60,000 train and 10,000 test images.

    Raises:
        DataError: a file is missing (for ``path``), truncated or corrupt.
    """
    return _dataset(data_sources.MNIST, path, download, verbose)



def _dataset(source: data_sources.Source, path, download: bool, verbose: bool) -> Dataset:
    (X_train, y_train, X_test, y_test, classes), where = data_sources.locate(
        source, path, download, verbose)
    return Dataset(X_train, y_train, X_test, y_test, tuple(classes), where)


# --------------------------------------------------------------------------------------------
# Preprocessing helpers
# --------------------------------------------------------------------------------------------


def _check_pair(X, y) -> int:
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} examples but y has {len(y)}; they must match")
    return len(X)


def split_validation(X: np.ndarray, y: np.ndarray, num_val: int, *, seed: int | None = 0):
    """Split off a random validation set.

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        num_val: how many examples go to validation, 1 <= num_val <= N - 1.
        seed: seed for ``np.random.default_rng``; the same seed gives the same split.

    Returns:
        ``(X_train, y_train, X_val, y_val)`` with shapes (N - num_val, ...), (N - num_val,),
        (num_val, ...), (num_val,). Every example lands in exactly one of the two parts.
    """
    n = _check_pair(X, y)
    if isinstance(num_val, bool) or not isinstance(num_val, (int, np.integer)):
        raise ValueError(f"num_val must be an integer, got {num_val!r}")
    if not 1 <= num_val <= n - 1:
        raise ValueError(f"num_val must be between 1 and {n - 1} (N - 1) so that both "
                         f"parts are non-empty, got {num_val}")
    order = np.random.default_rng(seed).permutation(n)
    val, train = order[:num_val], order[num_val:]
    X, y = np.asarray(X), np.asarray(y)
    return X[train], y[train], X[val], y[val]


def subsample(X: np.ndarray, y: np.ndarray, num: int, *, seed: int | None = None):
    """Keep ``num`` examples: the first ``num`` when ``seed`` is None, else a seeded
    random subset (kept in its original order).

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        num: how many to keep, >= 1. If ``num > N`` (e.g. "use 5,000" on the bundled
            2,000-image subset), all N are kept and a warning says so.
        seed: None for the first ``num``; an int for a random subset.

    Returns:
        ``(X_sub, y_sub)``, copies of shapes (num, ...) and (num,).
    """
    n = _check_pair(X, y)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 1:
        raise ValueError(f"num must be a positive integer, got {num!r}")
    if num > n:
        warnings.warn(f"asked for {num:,} examples but there are only {n:,}; keeping all "
                      f"{n:,}", stacklevel=2)
        num = n
    if seed is None:
        idx = np.arange(num)
    else:
        idx = np.sort(np.random.default_rng(seed).choice(n, size=num, replace=False))
    return np.array(np.asarray(X)[idx]), np.array(np.asarray(y)[idx])


def flatten(X: np.ndarray) -> np.ndarray:
    """Images (N, H, W[, C]) -> a float64 copy of shape (N, H*W*C), one row per example."""
    X = np.asarray(X)
    return X.reshape(len(X), -1).astype(np.float64)


class Standardizer:
    """Per-feature standardization with statistics from the training split only.

    ``fit(X_train)`` stores ``mean_`` (and ``std_`` when ``with_std``), each of shape
    ``X_train.shape[1:]``; ``transform(X)`` returns ``(X - mean_) / std_`` as float64 for any
    split. Features whose training std is below ``eps`` (e.g. MNIST's always-black border
    pixels) are only centered: their ``std_`` is set to 1, so nothing is divided by ~0.
    """

    def __init__(self, with_std: bool = True, eps: float = 1e-8):
        self.with_std = with_std
        self.eps = eps
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    def fit(self, X_train: np.ndarray) -> Standardizer:
        """Compute the statistics from ``X_train`` (N, ...); returns ``self``."""
        X = np.asarray(X_train, dtype=np.float64)
        if X.ndim < 1 or len(X) == 0:
            raise ValueError("fit needs at least one training example")
        self.mean_ = X.mean(axis=0)
        if self.with_std:
            std = X.std(axis=0)
            self.std_ = np.where(std < self.eps, 1.0, std)
        else:
            self.std_ = None
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(M, ...) -> float64 (M, ...) standardized with the training statistics."""
        if self.mean_ is None:
            raise ValueError("call fit(X_train) before transform")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"X has examples of shape {X.shape[1:]} but the Standardizer "
                             f"was fit on examples of shape {self.mean_.shape}")
        out = X - self.mean_
        if self.std_ is not None:
            out /= self.std_
        return out

    def fit_transform(self, X_train: np.ndarray) -> np.ndarray:
        """``fit(X_train)`` then ``transform(X_train)``."""
        return self.fit(X_train).transform(X_train)

    def __repr__(self) -> str:
        state = "unfit" if self.mean_ is None else f"fit on examples of shape {self.mean_.shape}"
        return f"Standardizer(with_std={self.with_std}, {state})"


def standardize(X_train: np.ndarray, *others: np.ndarray, with_std: bool = True):
    """Standardize every split with the mean/std of the training split only.

    Args:
        X_train: (N, ...) training examples; the statistics come from these alone.
        *others: validation/test arrays (M, ...) to transform with the same statistics.
        with_std: also divide by the per-feature std (else only subtract the mean).

    Returns:
        A tuple of float64 arrays, ``(X_train_std, *others_std)``, shapes unchanged.
    """
    s = Standardizer(with_std=with_std).fit(X_train)
    return (s.transform(X_train), *(s.transform(X) for X in others))


def minibatches(X: np.ndarray, y: np.ndarray, batch_size: int, *, seed: int | None = None,
                shuffle: bool = True, drop_last: bool = False):
    """Iterate over one epoch in minibatches.

    Args:
        X: (N, ...) examples.
        y: (N,) labels.
        batch_size: examples per batch (the last one may be smaller unless ``drop_last``).
        seed: seed for ``np.random.default_rng``; the same seed gives the same batches.
        shuffle: visit the examples in a random order (else in order).
        drop_last: skip a final batch smaller than ``batch_size``.

    Returns:
        An iterator of ``(X_batch, y_batch)`` with shapes (B, ...) and (B,); together the
        batches hold every example exactly once (or all but the last ``N % batch_size`` when
        ``drop_last``).
    """
    n = _check_pair(X, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    X, y = np.asarray(X), np.asarray(y)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]

    return batches()
