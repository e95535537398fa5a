"""Tests for course_utils.viz: structure of the returned figures, not their pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # headless; must happen before pyplot is imported

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from course_utils import viz

CLASSES = ["plane", "car", "bird"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def images_of(fig):
    return [im for ax in fig.axes for im in ax.get_images()]


def save_png(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.stat().st_size > 1000
    return path


def labelled_data(n_per_class=10, shape=(8, 8, 3), dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(CLASSES)), n_per_class)
    X = rng.integers(0, 256, size=(y.size, *shape)).astype(dtype)
    return X, y


# ---------------------------------------------------------------- show_class_samples


class TestShowClassSamples:
    def test_grid_and_titles(self, tmp_path):
        X, y = labelled_data()
        fig = viz.show_class_samples(X, y, CLASSES, per_class=4)
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 4 * len(CLASSES)
        assert len(images_of(fig)) == 4 * len(CLASSES)
        top_row = fig.axes[: len(CLASSES)]
        assert [ax.get_title() for ax in top_row] == CLASSES
        assert fig._suptitle is not None and fig._suptitle.get_text()
        save_png(fig, tmp_path, "class_samples")

    def test_uint8_shown_unchanged(self):
        X, y = labelled_data()
        fig = viz.show_class_samples(X, y, CLASSES, per_class=2)
        shown = images_of(fig)[0].get_array()
        assert shown.dtype == np.uint8
        assert any(np.array_equal(shown, x) for x in X)

    def test_images_come_from_their_column_class(self):
        X, y = labelled_data()
        fig = viz.show_class_samples(X, y, CLASSES, per_class=3)
        for i, ax in enumerate(fig.axes):
            column_class = i % len(CLASSES)
            shown = ax.get_images()[0].get_array()
            matches = [j for j in range(len(X)) if np.array_equal(shown, X[j])]
            assert matches and all(y[j] == column_class for j in matches)

    def test_grayscale_and_float_rescaled(self):
        X, y = labelled_data(shape=(6, 6), dtype=np.float64)
        X = X - 128.0  # mean-subtracted data has negative values
        fig = viz.show_class_samples(X, y, CLASSES, per_class=2)
        for im in images_of(fig):
            data = np.asarray(im.get_array())
            assert data.ndim == 2
            assert data.min() == pytest.approx(0.0) and data.max() == pytest.approx(1.0)

    def test_single_channel_axis_accepted(self):
        X, y = labelled_data(shape=(6, 6, 1))
        fig = viz.show_class_samples(X, y, CLASSES, per_class=1)
        assert images_of(fig)[0].get_array().shape == (6, 6)

    def test_seed_reproducible(self):
        X, y = labelled_data()
        a = [im.get_array().copy() for im in images_of(viz.show_class_samples(X, y, CLASSES))]
        b = [im.get_array().copy() for im in images_of(viz.show_class_samples(X, y, CLASSES))]
        assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))

    def test_small_class_leaves_blank_cells(self):
        X, y = labelled_data(n_per_class=2)
        fig = viz.show_class_samples(X, y, CLASSES, per_class=5)
        assert len(fig.axes) == 15 and len(images_of(fig)) == 6

    @pytest.mark.parametrize(
        "shape, match",
        [
            ((30, 8, 8, 4), r"\(N, H, W, 3\)"),
            ((30, 3, 8, 8), "channels-first"),
            ((30, 64), r"\(N, H, W\)"),
        ],
    )
    def test_bad_image_shape(self, shape, match):
        _, y = labelled_data()
        with pytest.raises(ValueError, match=match):
            viz.show_class_samples(np.zeros(shape), y, CLASSES)

    def test_label_mismatch(self):
        X, y = labelled_data()
        with pytest.raises(ValueError, match="y must have shape"):
            viz.show_class_samples(X, y[:-1], CLASSES)
        with pytest.raises(ValueError, match=r"\[0, 2\]"):
            viz.show_class_samples(X, y + 1, CLASSES)


# ---------------------------------------------------------------------- plot_history


def history(n_iter=200, n_epochs=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "loss": 2.3 * np.exp(-np.arange(n_iter) / 50) + 0.2 * rng.random(n_iter),
        "train_acc": np.linspace(0.2, 0.6, n_epochs),
        "val_acc": np.linspace(0.18, 0.45, n_epochs),
    }


class TestPlotHistory:
    def test_loss_and_accuracy_side_by_side(self, tmp_path):
        h = history()
        fig = viz.plot_history(h, title="Two-layer net", smooth=20)
        loss_ax, acc_ax = fig.axes
        assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("iteration", "loss")
        assert (acc_ax.get_xlabel(), acc_ax.get_ylabel()) == ("epoch", "accuracy")
        assert loss_ax.get_title() and acc_ax.get_title()
        assert fig._suptitle.get_text() == "Two-layer net"
        assert [t.get_text() for t in acc_ax.get_legend().get_texts()] == ["train", "validation"]
        np.testing.assert_allclose(acc_ax.lines[0].get_ydata(), h["train_acc"])
        np.testing.assert_allclose(acc_ax.lines[0].get_xdata(), np.arange(1, 6))
        np.testing.assert_allclose(acc_ax.lines[1].get_ydata(), h["val_acc"])
        assert fig.axes[0].get_position().x0 < fig.axes[1].get_position().x0
        save_png(fig, tmp_path, "history")

    def test_smoothing_draws_moving_average_over_raw_curve(self):
        loss = np.arange(10.0)
        fig = viz.plot_history({"loss": loss}, smooth=4)
        (ax,) = fig.axes
        raw, smoothed = ax.lines
        np.testing.assert_array_equal(raw.get_ydata(), loss)
        assert raw.get_alpha() < 1
        # Trailing mean of 4: at iteration i it averages i-3 .. i.
        np.testing.assert_allclose(smoothed.get_xdata(), np.arange(3, 10))
        np.testing.assert_allclose(smoothed.get_ydata(), np.arange(3, 10) - 1.5)
        assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) == 2

    def test_no_smoothing_single_curve_no_legend(self):
        fig = viz.plot_history({"loss": [3.0, 2.0, 1.0]})
        (ax,) = fig.axes
        assert len(ax.lines) == 1 and ax.get_legend() is None
        assert ax.get_xlabel() == "iteration"

    def test_window_longer_than_run(self):
        fig = viz.plot_history({"loss": [3.0, 2.0, 1.0]}, smooth=50)
        np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), [2.0])

    def test_accuracy_only_with_explicit_epochs(self):
        fig = viz.plot_history({"val_acc": [0.1, 0.3, 0.4], "epoch": [0, 1, 2]})
        (ax,) = fig.axes
        assert ax.get_ylabel() == "accuracy"
        np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 1, 2])

    @pytest.mark.parametrize(
        "bad, kwargs, match",
        [
            ({"lr": [0.1]}, {}, "loss"),
            ({"loss": np.ones((3, 2))}, {}, "1-d"),
            ({"loss": [1.0, 2.0]}, {"smooth": 0}, "smooth"),
            ({"loss": [1.0, 2.0]}, {"smooth": 2.5}, "smooth"),
            ({"train_acc": [0.1, 0.2], "epoch": [1]}, {}, "epoch"),
        ],
    )
    def test_bad_input(self, bad, kwargs, match):
        with pytest.raises(ValueError, match=match):
            viz.plot_history(bad, **kwargs)


# ------------------------------------------------------------- plot_cross_validation


class TestPlotCrossValidation:
    K_TO_ACC = {
        5: [0.27, 0.28, 0.26, 0.29, 0.28],
        1: [0.25, 0.24, 0.26, 0.25, 0.27],
        10: [0.28, 0.29, 0.27, 0.28, 0.30],
    }

    def test_scatter_means_and_error_bars(self, tmp_path):
        fig = viz.plot_cross_validation(self.K_TO_ACC)
        (ax,) = fig.axes
        assert ax.get_xlabel() == "k"
        assert ax.get_ylabel() == "cross-validation accuracy"
        assert ax.get_title()
        assert ax.get_legend() is not None

        ks = sorted(self.K_TO_ACC)
        (container,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        line, _, (bars,) = container
        np.testing.assert_allclose(line.get_xdata(), ks)
        np.testing.assert_allclose(line.get_ydata(), [np.mean(self.K_TO_ACC[k]) for k in ks])
        # Each error bar is a vertical segment from mean - std to mean + std.
        for segment, k in zip(bars.get_segments(), ks, strict=True):
            mean, std = np.mean(self.K_TO_ACC[k]), np.std(self.K_TO_ACC[k])
            np.testing.assert_allclose(segment[:, 1], [mean - std, mean + std])

        (scatter,) = ax.collections[:1]
        points = scatter.get_offsets()
        assert len(points) == 15
        for k, accs in self.K_TO_ACC.items():
            np.testing.assert_allclose(np.sort(points[points[:, 0] == k, 1]), np.sort(accs))
        save_png(fig, tmp_path, "cross_validation")

    def test_uneven_folds_and_custom_title(self):
        fig = viz.plot_cross_validation({1: [0.2], 3: [0.3, 0.4]}, title="kNN on CIFAR-10")
        assert fig.axes[0].get_title() == "kNN on CIFAR-10"

    def test_empty(self):
        with pytest.raises(ValueError, match="empty"):
            viz.plot_cross_validation({})
        with pytest.raises(ValueError, match="k = 3"):
            viz.plot_cross_validation({1: [0.2], 3: []})


# ------------------------------------------------------------ show_weights_as_images


class TestShowWeightsAsImages:
    def test_bias_row_dropped_and_columns_rescaled(self, tmp_path):
        rng = np.random.default_rng(0)
        W = rng.standard_normal((4 * 4 * 3 + 1, 3)) * 1e-3
        W[-1] = 1e6  # a bias that leaked into the images would dominate the rescaling
        fig = viz.show_weights_as_images(W, (4, 4, 3), CLASSES)
        ims = images_of(fig)
        assert len(ims) == 3
        assert [ax.get_title() for ax in fig.axes[:3]] == CLASSES
        for c, im in enumerate(ims):
            data = np.asarray(im.get_array())
            assert data.shape == (4, 4, 3) and data.dtype == np.uint8
            assert data.min() == 0 and data.max() == 255
            # The brightest pixel is where the weight column is largest.
            column = W[:-1, c].reshape(4, 4, 3)
            assert data[np.unravel_index(np.argmax(column), column.shape)] == 255
        save_png(fig, tmp_path, "weights")

    def test_without_bias_grayscale_default_titles(self):
        W = np.arange(2 * 3 * 12, dtype=float).reshape(6, 12)
        fig = viz.show_weights_as_images(W, (2, 3))
        ims = images_of(fig)
        assert len(ims) == 12
        assert fig.axes[0].get_title() == "class 0"
        assert len(fig.axes) == 20  # two rows of ten, the spare cells hidden
        assert ims[0].get_array().shape == (2, 3)

    def test_wrong_row_count(self):
        with pytest.raises(ValueError, match=r"\(10, 49\).*48 rows"):
            viz.show_weights_as_images(np.zeros((10, 49)), (4, 4, 3))
        with pytest.raises(ValueError, match="W.T"):
            viz.show_weights_as_images(np.zeros((10, 49)), (4, 4, 3))
        with pytest.raises(ValueError) as err:
            viz.show_weights_as_images(np.zeros((10, 7)), (4, 4, 3))
        assert "W.T" not in str(err.value)

    def test_wrong_class_count_and_shape(self):
        with pytest.raises(ValueError, match="3 class names"):
            viz.show_weights_as_images(np.zeros((4, 2)), (2, 2), CLASSES)
        with pytest.raises(ValueError, match="image_shape"):
            viz.show_weights_as_images(np.zeros((8, 2)), (2, 2, 2))
        with pytest.raises(ValueError, match="2-d"):
            viz.show_weights_as_images(np.zeros(4), (2, 2))


# ------------------------------------------------------------------- show_image_grid


class TestShowImageGrid:
    def test_colour_grid_each_image_rescaled(self, tmp_path):
        rng = np.random.default_rng(0)
        filters = rng.standard_normal((10, 5, 5, 3)) * np.arange(1, 11)[:, None, None, None]
        fig = viz.show_image_grid(filters, title="First-layer filters")
        ims = images_of(fig)
        assert len(ims) == 10
        assert len(fig.axes) == 12  # default ncols = ceil(sqrt(10)) = 4, three rows
        assert fig._suptitle.get_text() == "First-layer filters"
        for im in ims:
            data = np.asarray(im.get_array())
            assert data.min() == pytest.approx(0.0) and data.max() == pytest.approx(1.0)
        save_png(fig, tmp_path, "image_grid")

    def test_grayscale_titles_and_columns(self, tmp_path):
        images = np.random.default_rng(1).standard_normal((6, 8, 8))
        titles = [f"filter {i}" for i in range(6)]
        fig = viz.show_image_grid(images, ncols=3, titles=titles, padding=0)
        assert len(fig.axes) == 6
        assert [ax.get_title() for ax in fig.axes] == titles
        assert fig.axes[2].get_position().y0 == pytest.approx(fig.axes[0].get_position().y0)
        assert fig.axes[3].get_position().y0 < fig.axes[0].get_position().y0
        save_png(fig, tmp_path, "image_grid_titles")

    def test_constant_image_is_grey_not_nan(self):
        fig = viz.show_image_grid(np.zeros((2, 3, 3)))
        data = np.asarray(images_of(fig)[0].get_array())
        assert np.all(data == 0.5)

    @pytest.mark.parametrize(
        "images, kwargs, match",
        [
            (np.zeros((4, 3, 5, 5)), {}, "channels-first"),
            (np.zeros((5, 5)), {}, r"\(N, H, W\)"),
            (np.zeros((0, 5, 5)), {}, "empty"),
            (np.zeros((2, 5, 5)), {"titles": ["a"]}, "1 titles for 2 images"),
            (np.zeros((2, 5, 5)), {"ncols": 0}, "ncols"),
            (np.zeros((2, 5, 5)), {"padding": -1}, "padding"),
        ],
    )
    def test_bad_input(self, images, kwargs, match):
        with pytest.raises(ValueError, match=match):
            viz.show_image_grid(images, **kwargs)


# ------------------------------------------------------------------------- bar_chart


class TestBarChart:
    def test_bars_labels_and_values(self, tmp_path):
        labels = ["two loops", "one loop", "no loops"]
        values = [31.2, 14.5, 0.21]
        fig = viz.bar_chart(labels, values, ylabel="time (s)", title="Distances", log=True)
        (ax,) = fig.axes
        assert ax.get_ylabel() == "time (s)" and ax.get_title() == "Distances"
        assert ax.get_yscale() == "log"
        heights = [p.get_height() for p in ax.patches]
        np.testing.assert_allclose(heights, values)
        assert [t.get_text() for t in ax.get_xticklabels()] == labels
        assert [t.get_text() for t in ax.texts] == ["31.2", "14.5", "0.21"]
        save_png(fig, tmp_path, "bar_chart")

    def test_linear_scale_by_default(self):
        fig = viz.bar_chart(["a", "b"], [1.0, 0.0], ylabel="y", title="t")
        assert fig.axes[0].get_yscale() == "linear"

    def test_bad_input(self):
        with pytest.raises(ValueError, match="2 labels"):
            viz.bar_chart(["a", "b"], [1.0], ylabel="y", title="t")
        with pytest.raises(ValueError, match="positive"):
            viz.bar_chart(["a", "b"], [1.0, 0.0], ylabel="y", title="t", log=True)
        with pytest.raises(ValueError, match="at least one"):
            viz.bar_chart([], [], ylabel="y", title="t")
