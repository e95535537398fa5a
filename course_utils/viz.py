"""The figures the labs draw.

Every function builds a new figure and returns the matplotlib ``Figure``; none calls
``plt.show()``, so they work headless (tests, autograding) as well as in Jupyter.
In a notebook with the inline backend the figure appears when the cell finishes; assign
the result (``fig = plot_history(history)``) so it is not displayed twice.

Functions
---------
show_class_samples      -- a few random images of every class, one column per class
plot_history            -- training loss per iteration and accuracies per epoch
plot_cross_validation   -- fold accuracies, mean and standard deviation for each k
show_weights_as_images  -- columns of a linear classifier's weights as class templates
show_image_grid         -- any stack of images (filters, first-layer weights) in a grid
bar_chart               -- a labelled bar chart, e.g. for timing comparisons
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = [
    "show_class_samples",
    "plot_history",
    "plot_cross_validation",
    "show_weights_as_images",
    "show_image_grid",
    "bar_chart",
]


# --------------------------------------------------------------------------- helpers


def _rescale(image: np.ndarray, high: float = 1.0) -> np.ndarray:
    """Linearly map ``image`` to [0, high]; a constant image becomes mid-grey."""
    image = np.asarray(image, dtype=np.float64)
    low, top = np.min(image), np.max(image)
    if not top > low:  # also catches NaN, which would otherwise poison the division
        return np.full(image.shape, high / 2)
    return (image - low) / (top - low) * high


def _image_stack(images: Any, name: str) -> np.ndarray:
    """Validate an (N, H, W), (N, H, W, 1) or (N, H, W, 3) stack; drop a channel axis of 1."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if not (images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3)):
        hint = ""
        if images.ndim == 4 and images.shape[1] in (1, 3):
            hint = " It looks channels-first; use np.transpose(images, (0, 2, 3, 1))."
        raise ValueError(
            f"{name} must have shape (N, H, W) for grayscale or (N, H, W, 3) for colour, "
            f"got {images.shape}.{hint}"
        )
    if not (np.issubdtype(images.dtype, np.number) or images.dtype == bool):
        raise ValueError(f"{name} must hold numbers, got dtype {images.dtype}.")
    return images


def _display_ready(image: np.ndarray) -> np.ndarray:
    """uint8 images are shown as they are; anything else is rescaled to [0, 1]."""
    if image.dtype == np.uint8:
        return image
    return _rescale(image)


def _imshow(ax, image: np.ndarray) -> None:
    if image.ndim == 2:
        vmax = 255 if image.dtype == np.uint8 else 1.0
        ax.imshow(image, cmap="gray", vmin=0, vmax=vmax, interpolation="nearest")
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def _grid_shape(n: int, ncols: int | None) -> tuple[int, int]:
    if ncols is None:
        ncols = math.ceil(math.sqrt(n))
    if int(ncols) != ncols or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols}.")
    ncols = int(min(ncols, max(n, 1)))
    return math.ceil(n / ncols), ncols


# ----------------------------------------------------------------- data set samples


def show_class_samples(
    X: Any, y: Any, classes: Sequence[str], per_class: int = 7, seed: int | None = 0
) -> Figure:
    """Show ``per_class`` random training images of every class, one column per class.

    Args:
        X: images, shape (N, H, W, 3) colour or (N, H, W) / (N, H, W, 1) grayscale.
            uint8 images are shown as they are; any other dtype is rescaled to [0, 1]
            per image, so mean-subtracted data is still visible.
        y: integer labels, shape (N,), each in ``range(len(classes))``.
        classes: class names; ``classes[c]`` titles the column of label ``c``.
        per_class: rows of the grid. A class with fewer images leaves blank cells.
        seed: seed for ``np.random.default_rng`` choosing the images.

    Returns:
        Figure with ``per_class * len(classes)`` axes.

    Raises:
        ValueError: bad image shape, ``y`` not of shape (N,), labels outside
            ``range(len(classes))``, or ``per_class < 1``.
    """
    X = _image_stack(X, "X")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape (N,) = ({X.shape[0]},) to match X of shape {X.shape}, "
            f"got {y.shape}."
        )
    if len(classes) == 0:
        raise ValueError("classes must name at least one class.")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer labels, got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= len(classes)):
        raise ValueError(
            f"labels in y must lie in [0, {len(classes) - 1}] for {len(classes)} classes, "
            f"found values from {y.min()} to {y.max()}."
        )
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}.")

    rng = np.random.default_rng(seed)
    n_classes = len(classes)
    fig, axes = plt.subplots(
        per_class,
        n_classes,
        figsize=(1.2 * n_classes, 1.2 * per_class + 0.4),
        squeeze=False,
    )
    for c, name in enumerate(classes):
        members = np.flatnonzero(y == c)
        chosen = rng.choice(members, size=min(per_class, members.size), replace=False)
        for row in range(per_class):
            ax = axes[row, c]
            ax.axis("off")
            if row < chosen.size:
                _imshow(ax, _display_ready(X[chosen[row]]))
        axes[0, c].set_title(str(name), fontsize=9)
    fig.suptitle(f"{per_class} random images per class")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ training curves


def _moving_average(values: np.ndarray, window: int) -> np.ndarray:
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_history(
    history: Mapping[str, Any], *, title: str | None = None, smooth: int | None = None
) -> Figure:
    """Plot a training run: loss per iteration and accuracies per epoch.

    Args:
        history: dict of 1-d sequences. Recognised keys:
            ``"loss"`` -- one value per iteration;
            ``"train_acc"``, ``"val_acc"`` -- one value per epoch, plotted at epochs
            1, 2, ... (values recorded after each epoch);
            ``"epoch"`` -- optional explicit epoch numbers for the accuracies, e.g.
            ``[0, 1, 2]`` if accuracy was also measured before training.
            Other keys are ignored.
        title: overall figure title.
        smooth: if an integer ``n > 1``, also draw the moving average of the loss over
            ``n`` iterations on top of the raw curve (drawn faintly), which makes a
            noisy minibatch loss much easier to read.

    Returns:
        Figure with one axes ("loss" or "accuracy") or two side by side (loss left).

    Raises:
        ValueError: no recognised key, a value that is not 1-d, a bad ``smooth``, or
            an ``"epoch"`` entry whose length does not match the accuracies.
    """
    curves = {}
    for key in ("loss", "train_acc", "val_acc"):
        if key in history and history[key] is not None:
            values = np.asarray(history[key], dtype=np.float64)
            if values.ndim != 1:
                raise ValueError(f'history["{key}"] must be 1-d, got shape {values.shape}.')
            curves[key] = values
    acc_keys = [k for k in ("train_acc", "val_acc") if k in curves]
    if "loss" not in curves and not acc_keys:
        raise ValueError(
            'history needs a "loss", "train_acc" or "val_acc" entry; '
            f"got keys {sorted(map(str, history))}."
        )
    if smooth is not None and (isinstance(smooth, bool) or int(smooth) != smooth or smooth < 1):
        raise ValueError(f"smooth must be None or a positive integer, got {smooth!r}.")

    panels = int("loss" in curves) + int(bool(acc_keys))
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4), squeeze=False)
    axes = list(axes[0])

    if "loss" in curves:
        ax = axes.pop(0)
        loss = curves["loss"]
        iterations = np.arange(loss.size)
        window = min(int(smooth), loss.size) if smooth else 1
        if window > 1:
            ax.plot(iterations, loss, color="tab:blue", alpha=0.3, linewidth=1, label="loss")
            # Trailing average: the point at iteration i summarises the `window`
            # iterations ending at i, so the curve never looks ahead.
            ax.plot(
                iterations[window - 1 :],
                _moving_average(loss, window),
                color="tab:blue",
                linewidth=2,
                label=f"moving average ({window} iterations)",
            )
            ax.legend()
        else:
            ax.plot(iterations, loss, color="tab:blue", linewidth=1, label="loss")
        ax.set_xlabel("iteration")
        ax.set_ylabel("loss")
        ax.set_title("Training loss")
        ax.grid(alpha=0.3)

    if acc_keys:
        ax = axes.pop(0)
        explicit_epochs = history.get("epoch")
        for key, label, marker in (
            ("train_acc", "train", "o"),
            ("val_acc", "validation", "s"),
        ):
            if key not in curves:
                continue
            acc = curves[key]
            if explicit_epochs is not None:
                epochs = np.asarray(explicit_epochs, dtype=np.float64)
                if epochs.shape != acc.shape:
                    raise ValueError(
                        f'history["epoch"] has shape {epochs.shape} but history["{key}"] '
                        f"has shape {acc.shape}; they must match."
                    )
            else:
                epochs = np.arange(1, acc.size + 1)
            ax.plot(epochs, acc, marker=marker, markersize=4, label=label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy")
        ax.set_title("Classification accuracy")
        ax.grid(alpha=0.3)
        if len(acc_keys) > 1:
            ax.legend()

    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ cross-validation


def plot_cross_validation(
    k_to_accuracies: Mapping[Any, Sequence[float]],
    *,
    title: str = "Cross-validation accuracy for each k",
) -> Figure:
    """Scatter every fold's accuracy for each k, with the mean and its spread.

    Args:
        k_to_accuracies: dict mapping each k to the list of its fold accuracies
            (the folds may differ in number between k values).
        title: axes title.

    Returns:
        Figure with one axes: a scatter of all fold accuracies and an error-bar line
        through the mean of each k, with bars of +/- one standard deviation.

    Raises:
        ValueError: the dict is empty, or some k has no accuracies.
    """
    if len(k_to_accuracies) == 0:
        raise ValueError("k_to_accuracies is empty: run cross-validation for at least one k.")
    ks = sorted(k_to_accuracies)
    folds = []
    for k in ks:
        acc = np.asarray(k_to_accuracies[k], dtype=np.float64).ravel()
        if acc.size == 0:
            raise ValueError(f"k = {k} has no fold accuracies.")
        folds.append(acc)
    means = np.array([acc.mean() for acc in folds])
    stds = np.array([acc.std() for acc in folds])

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    all_k = np.concatenate(
        [np.full(acc.size, k, dtype=np.float64) for k, acc in zip(ks, folds, strict=True)]
    )
    ax.scatter(all_k, np.concatenate(folds), s=18, color="tab:gray", alpha=0.7, label="one fold")
    ax.errorbar(
        np.asarray(ks, dtype=np.float64),
        means,
        yerr=stds,
        color="tab:blue",
        marker="o",
        capsize=3,
        label="mean ± std over folds",
    )
    ax.set_xlabel("k")
    ax.set_ylabel("cross-validation accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ weights, filters


def show_weights_as_images(
    W: Any, image_shape: Sequence[int], classes: Sequence[str] | None = None
) -> Figure:
    """Show each column of a linear classifier's weights as an image ("class template").

    Args:
        W: weights of shape (D, C) or (D + 1, C) with the bias in the last row, where
            D = prod(image_shape). The bias row is dropped before drawing.
        image_shape: (H, W, 3) for colour or (H, W) / (H, W, 1) for grayscale images.
        classes: C names for the titles; defaults to "class 0", "class 1", ...

    Returns:
        Figure with one image per class (up to 10 per row). Each column is rescaled
        on its own to the range [0, 255] and shown as uint8, because only the
        relative pattern inside one template is meaningful.

    Raises:
        ValueError: ``W`` is not 2-d, its row count is neither D nor D + 1, or
            ``classes`` does not have C names.
    """
    W = np.asarray(W, dtype=np.float64)
    image_shape = tuple(int(s) for s in image_shape)
    if len(image_shape) not in (2, 3) or (len(image_shape) == 3 and image_shape[2] not in (1, 3)):
        raise ValueError(f"image_shape must be (H, W), (H, W, 1) or (H, W, 3), got {image_shape}.")
    D = math.prod(image_shape)
    if W.ndim != 2:
        raise ValueError(f"W must be 2-d with shape (D, C) or (D + 1, C), got {W.shape}.")
    if W.shape[0] == D + 1:
        W = W[:-1]
    elif W.shape[0] != D:
        hint = " Did you pass W.T?" if W.shape[1] in (D, D + 1) else ""
        raise ValueError(
            f"W has shape {W.shape}, but image_shape {image_shape} needs {D} rows "
            f"(or {D + 1} with a bias row).{hint}"
        )
    C = W.shape[1]
    if classes is None:
        classes = [f"class {c}" for c in range(C)]
    if len(classes) != C:
        raise ValueError(f"W has {C} columns but {len(classes)} class names were given.")

    nrows, ncols = _grid_shape(C, min(C, 10))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.6 * nrows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for c in range(C):
        template = _rescale(W[:, c], 255.0).reshape(image_shape)
        if template.ndim == 3 and template.shape[2] == 1:
            template = template[..., 0]
        ax = axes.ravel()[c]
        _imshow(ax, np.round(template).astype(np.uint8))
        ax.set_title(str(classes[c]), fontsize=9)
    fig.suptitle("Learned weights as class templates")
    fig.tight_layout()
    return fig


def show_image_grid(
    images: Any,
    *,
    ncols: int | None = None,
    titles: Sequence[str] | None = None,
    padding: float = 1,
    title: str | None = None,
) -> Figure:
    """Draw a stack of images in a grid, e.g. first-layer weights or conv filters.

    Args:
        images: shape (N, H, W) grayscale or (N, H, W, 3) / (N, H, W, 1). Each image
            is rescaled to [0, 1] on its own, so the sign and scale of weights do
            not matter (filters with channels first need
            ``np.transpose(w, (0, 2, 3, 1))``).
        ncols: images per row; default about sqrt(N), giving a square-ish grid.
        titles: optional N captions, one per image.
        padding: gap between neighbouring images, in image pixels.
        title: optional heading above the whole grid.

    Returns:
        Figure with one axes per image (spare cells of the last row are hidden).

    Raises:
        ValueError: bad image shape, no images, wrong number of titles, or a bad
            ``ncols`` or ``padding``.
    """
    images = _image_stack(images, "images")
    n, height, width = images.shape[:3]
    if n == 0:
        raise ValueError("images is empty: there is nothing to draw.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} images.")
    if padding < 0:
        raise ValueError(f"padding must be non-negative, got {padding}.")
    nrows, ncols = _grid_shape(n, ncols)

    # Lay the grid out in inches so that gaps really are `padding` image pixels wide
    # and captions get exactly the room they need.
    img_w = min(1.2, 12.0 / ncols)  # keeps wide grids on screen
    img_h = img_w * height / width
    gap = padding * img_w / width
    caption = 0.3 if titles is not None else 0.0
    heading = 0.45 if title else 0.0
    margin = 0.05
    fig_w = 2 * margin + ncols * img_w + (ncols - 1) * gap
    fig_h = 2 * margin + heading + nrows * (img_h + caption) + (nrows - 1) * gap
    fig, axes = plt.subplots(nrows, ncols, figsize=(fig_w, fig_h), squeeze=False)
    fig.subplots_adjust(
        left=margin / fig_w,
        right=1 - margin / fig_w,
        bottom=margin / fig_h,
        top=1 - (margin + heading + caption) / fig_h,
        wspace=gap / img_w,  # wspace and hspace are fractions of one axes' size
        hspace=(gap + caption) / img_h,
    )
    for ax in axes.ravel():
        ax.axis("off")
    for i in range(n):
        ax = axes.ravel()[i]
        _imshow(ax, _rescale(images[i]))
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title, y=1 - margin / fig_h, va="top")
    return fig


# ---------------------------------------------------------------------- bar charts


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    ylabel: str,
    title: str,
    log: bool = False,
) -> Figure:
    """A bar per label with its value written on top, e.g. run times of implementations.

    Args:
        labels: one name per bar.
        values: one number per bar.
        ylabel: y-axis label, including the unit (e.g. "time per call (s)").
        title: axes title.
        log: use a logarithmic y axis, useful when values span orders of magnitude;
            then every value must be positive.

    Returns:
        Figure with one axes.

    Raises:
        ValueError: lengths differ, no bars, or ``log`` with a non-positive value.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size != len(labels):
        raise ValueError(
            f"need one value per label: got {len(labels)} labels and values of shape "
            f"{values.shape}."
        )
    if values.size == 0:
        raise ValueError("bar_chart needs at least one bar.")
    if log and np.any(values <= 0):
        raise ValueError("a logarithmic axis needs every value to be positive.")

    fig, ax = plt.subplots(figsize=(max(4.0, 1.3 * len(labels) + 1), 4))
    bars = ax.bar([str(label) for label in labels], values, color="tab:blue")
    ax.bar_label(bars, labels=[f"{v:.3g}" for v in values], padding=2, fontsize=9)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
