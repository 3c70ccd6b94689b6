"""The loss and boundary plots, the neuron pictures and the counters' formats, offscreen."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor

from gdplayground import Run, RunConfig
from gdplayground.ui import colors
from gdplayground.ui.boundary_plot import BoundaryPlot, class_regions, display_levels
from gdplayground.ui.loss_plot import LossPlot, nice_ceil
from gdplayground.ui.neuron_images import neuron_image, neuron_images
from gdplayground.ui.run_controls import format_metric


@pytest.fixture
def loss_plot(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    return plot


@pytest.fixture
def boundary(qtbot):
    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 400)
    plot.show()
    return plot


def shown_y(plot: LossPlot, curve: str) -> np.ndarray:
    _, y = getattr(plot, curve).getData()
    return np.asarray(y)


def test_every_batch_loss_is_kept(loss_plot):
    losses = np.linspace(1.0, 0.1, 5000)
    loss_plot.set_losses(1, losses)
    x, y = loss_plot._batch.getOriginalDataset()
    assert len(y) == 5000 and x[0] == 1 and x[-1] == 5000
    loss_plot.set_losses(101, losses[:10])  # the run's history starts later (went back, for instance)
    x, _ = loss_plot._batch.getOriginalDataset()
    assert x[0] == 101 and x[-1] == 110


def test_items_are_updated_in_place(loss_plot):
    curve = loss_plot._batch
    items = list(loss_plot.getPlotItem().items)
    loss_plot.set_losses(1, np.ones(10))
    loss_plot.set_evaluations(np.array([1.0, 10.0]), np.array([1.0, 0.5]), np.array([1.1, 0.6]))
    assert loss_plot._batch is curve and list(loss_plot.getPlotItem().items) == items


def test_long_curves_are_downsampled_and_clipped(loss_plot):
    assert loss_plot._batch.opts["autoDownsample"] and loss_plot._batch.opts["clipToView"]
    assert loss_plot._batch.opts["downsampleMethod"] == "peak"


def test_non_finite_values_are_not_drawn(loss_plot):
    loss_plot.set_evaluations(np.array([1.0, 2.0, 3.0]), np.array([1.0, np.inf, 0.5]), np.array([np.nan, 1.0, 0.7]))
    train = loss_plot._train.getOriginalDataset()[1]
    assert np.isnan(train[1]) and not np.isinf(train).any()


def test_log_scale_toggle(loss_plot):
    loss_plot.set_losses(1, np.array([1.0, 0.1, 0.0, 0.01]))
    loss_plot.set_log_scale(True)
    assert loss_plot.log_scale()
    assert loss_plot.getPlotItem().ctrl.logYCheck.isChecked()
    y = loss_plot._batch.getOriginalDataset()[1]
    assert y.min() > 0  # a loss of 0 is drawn at the floor, not at -inf
    low, high = loss_plot.getPlotItem().getViewBox().viewRange()[1]
    assert low <= -2 and high >= 0  # log10 of 0.01 .. 1 is in view
    loss_plot.set_log_scale(False)
    assert not loss_plot.log_scale()
    assert loss_plot.getPlotItem().getViewBox().viewRange()[1][0] == 0


def test_view_follows_the_run_until_zoomed(loss_plot, qtbot):
    loss_plot.set_losses(1, np.full(90, 0.5))
    assert loss_plot.getPlotItem().getViewBox().viewRange()[0][1] >= 90
    loss_plot.getPlotItem().getViewBox().sigRangeChangedManually.emit([True, True])
    assert not loss_plot.following()
    loss_plot.set_losses(1, np.full(3000, 0.5))
    assert loss_plot.getPlotItem().getViewBox().viewRange()[0][1] < 3000
    loss_plot.follow()
    assert loss_plot.getPlotItem().getViewBox().viewRange()[0][1] >= 3000


def test_marker(loss_plot):
    loss_plot.set_marker(42)
    assert loss_plot._marker.isVisible() and loss_plot._marker.value() == 42
    loss_plot.set_marker(None)
    assert not loss_plot._marker.isVisible()


@pytest.mark.parametrize("value, expected", [(1, 1), (9, 10), (11, 12.5), (130, 150), (4100, 5000), (0.033, 0.04)])
def test_nice_ceil(value, expected):
    assert nice_ceil(value) == pytest.approx(expected)


def test_boundary_levels_and_orientation(boundary, qtbot):
    run = Run(RunConfig())
    d = run.data
    boundary.set_points(d.x_train, d.y_train, d.x_test, d.y_test, d.kind)
    # x1 fastest: a ramp in x1 must be negative (orange) on the left, positive (blue) on the right
    grid = np.tile(np.linspace(-1, 1, 100), 100)
    boundary.set_output(grid, "tanh")
    assert boundary.image.levels.tolist() == [-1.0, 1.0]
    img = boundary.plot.getViewBox().mapViewToScene
    qtbot.wait(50)
    shot = boundary.grab().toImage()
    left = shot.pixelColor(img(pg_point(-5.5, 0)).toPoint())
    right = shot.pixelColor(img(pg_point(5.5, 0)).toPoint())
    assert close(left, colors.negative()) and close(right, colors.positive())
    boundary.set_output(np.full(10000, 0.7), "sigmoid")
    assert boundary.image.levels.tolist() == [0.0, 1.0]


def test_regression_levels_follow_the_targets(boundary):
    run = Run(RunConfig(dataset="plane"))
    d = run.data
    boundary.set_points(d.x_train, d.y_train, d.x_test, d.y_test, d.kind)
    boundary.set_output(np.zeros(10000), "linear")
    limit = float(np.abs(np.concatenate([d.y_train, d.y_test])).max())
    assert boundary.image.levels.tolist() == pytest.approx([-limit, limit])
    assert display_levels("linear", 2.5) == (-2.5, 2.5)


def test_three_classes_show_regions(boundary):
    probs = np.zeros((10000, 3))
    probs[:, 2] = 1.0
    boundary.set_output(probs, "softmax")
    assert not boundary.bar.isVisible()
    assert boundary.image.image.shape == (100, 100, 3)
    assert tuple(boundary.image.image[0, 0]) == colors.CLASS_COLORS[2]
    unsure = class_regions(np.full((4, 3), 1 / 3), 2, discretize=False)
    assert unsure.min() > 200  # no confidence: close to white


def test_discretize(boundary):
    boundary.set_output(np.tile(np.linspace(-0.4, 0.4, 100), 100), "tanh")
    boundary.set_discretize(True)
    assert set(np.unique(boundary.image.image)) == {-1.0, 1.0}
    boundary.set_discretize(False)
    assert np.abs(boundary.image.image).max() <= 0.4


def test_non_finite_output_is_never_drawn(boundary):
    values = np.tile(np.linspace(-1, 1, 100), 100)
    values[:50] = np.nan
    values[50:60] = np.inf
    boundary.set_output(values, "tanh")
    shown = boundary.image.image
    assert not np.isinf(shown).any()
    assert np.isnan(shown).sum() == 50  # left transparent


def test_points_batch_and_test_toggle(boundary):
    run = Run(RunConfig())
    d = run.data
    boundary.set_points(d.x_train, d.y_train, d.x_test, d.y_test, d.kind)
    assert len(boundary.train_points.data) == len(d.x_train)
    assert not boundary.test_points.isVisible()
    boundary.set_show_test(True)
    assert boundary.test_points.isVisible() and len(boundary.test_points.data) == len(d.x_test)
    rec = run.step()
    boundary.set_batch(d.x_train[rec.batch])
    assert len(boundary.batch_rings.data) == len(rec.batch)
    boundary.set_batch(None)
    assert len(boundary.batch_rings.data) == 0


def test_neuron_image_replaces_the_output_until_cleared(boundary):
    boundary.set_output(np.zeros(10000), "tanh")
    picture = np.ones((100, 100))
    boundary.show_neuron_image(picture, "neuron 1, layer 1")
    assert boundary.caption.isVisible()
    assert np.array_equal(boundary.image.image, picture)
    boundary.set_output(np.full(10000, -0.5), "tanh")  # training goes on: the neuron stays shown
    assert np.array_equal(boundary.image.image, picture)
    boundary.show_neuron_image(None)
    assert not boundary.caption.isVisible()
    assert np.allclose(boundary.image.image, -0.5)


def test_colour_blind_scheme_changes_the_lookup_table(boundary):
    boundary.set_output(np.zeros(10000), "tanh")
    before = boundary.image.lut.copy()
    colors.set_scheme("colorblind")
    try:
        boundary.refresh_colors()
        assert not np.array_equal(boundary.image.lut, before)
    finally:
        colors.set_scheme("orange_blue")
        boundary.refresh_colors()


def test_neuron_images_layers_and_orientation():
    run = Run(RunConfig(features=("x1", "x2", "x1sq"), hidden=(3, 2)))
    layers = neuron_images(run)
    assert [len(layer) for layer in layers] == [3, 3, 2, 1]
    x1 = layers[0][0]
    assert x1.shape == (24, 24)
    assert x1[0, 0] == pytest.approx(-1) and x1[0, -1] == pytest.approx(1)  # column 0 = left
    x2 = layers[0][1]
    assert x2[0, 0] == pytest.approx(-1) and x2[-1, 0] == pytest.approx(1)  # row 0 = bottom
    assert all(np.abs(img).max() <= 1 for layer in layers for img in layer)
    big = neuron_image(run, 1, 2)
    assert big.shape == (100, 100)
    assert neuron_image(run, 9, 0) is None


def test_neuron_images_of_a_diverging_run_are_finite():
    run = Run(RunConfig(dataset="plane", activation="linear", lr=10.0))
    run.train(steps=50)
    assert run.diverged is not None
    assert all(np.isfinite(img).all() for layer in neuron_images(run) for img in layer)


@pytest.mark.parametrize("key, value, text", [
    ("step", 12345, "12,345"), ("train_loss", 0.123456, "0.1235"), ("test_loss", 2.5e-5, "2.50e-05"),
    ("train_accuracy", 0.975, "97.5 %"), ("test_loss", math.inf, "∞"), ("test_loss", None, "–"),
])
def test_counter_formats(key, value, text):
    assert format_metric(key, value) == text


def pg_point(x: float, y: float):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def close(a: QColor, b: QColor, tol: int = 40) -> bool:
    return all(abs(p - q) <= tol for p, q in zip(a.getRgb()[:3], b.getRgb()[:3]))
