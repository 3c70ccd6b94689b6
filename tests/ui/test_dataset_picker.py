"""The dataset picker through real clicks, drags, keys and typing."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from gdplayground import RunConfig
from gdplayground.engine import datasets
from gdplayground.ui import colors
from gdplayground.ui.dataset_picker import OWN_POINTS_TIP, DatasetPicker, render_thumbnail, thumbnail
from gdplayground.ui.lesson_locks import apply_lesson_locks


@pytest.fixture
def picker(qtbot):
    widget = DatasetPicker()
    qtbot.addWidget(widget)
    widget.set_values("circle", 500, 0.0, 0.5, None)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _handle_center(slider: QSlider) -> QPoint:
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    rect = slider.style().subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider)
    return rect.center()


def test_every_thumbnail_click_emits_its_name(qtbot, picker):
    names = datasets.NAMES[1:] + datasets.NAMES[:1]  # start away from the selected circle
    for name in names:
        with qtbot.waitSignal(picker.changed, timeout=1000) as blocker:
            qtbot.mouseClick(picker.tile(name), Qt.MouseButton.LeftButton)
        assert blocker.args == [{"dataset": name}]
        assert picker.tile(name).isChecked()
        assert datasets.TITLES[name] in picker._caption.text()


def test_clicking_the_chosen_dataset_changes_nothing(qtbot, picker):
    with qtbot.assertNotEmitted(picker.changed, wait=100):
        qtbot.mouseClick(picker.tile("circle"), Qt.MouseButton.LeftButton)
    assert picker.tile("circle").isChecked()


def test_caption_names_the_problem_type(picker):
    for name, kind in (("spiral", "classification"), ("blobs3", "3 classes"), ("sine", "regression")):
        picker.set_values(name, 500, 0.0, 0.5, None)
        assert datasets.TITLES[name] in picker._caption.text()
        assert kind in picker._caption.text()
        assert kind in picker.tile(name).toolTip()


def test_noise_drag_emits_once_on_release(qtbot, picker):
    slider = picker._noise
    start = _handle_center(slider)
    emitted = []
    picker.changed.connect(emitted.append)
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=start)
    for dx in range(10, 110, 10):
        qtbot.mouseMove(slider, QPoint(start.x() + dx, start.y()))
    assert emitted == []  # nothing while dragging: each report rebuilds the data
    assert picker._noise_label.text() == f"Noise: {slider.value()} %"  # label follows live
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 100, start.y()))
    assert len(emitted) == 1
    assert emitted[0] == {"noise": slider.value() / 100}
    assert 0 < emitted[0]["noise"] <= 0.5


def test_noise_keys_emit_the_fraction_after_a_pause(qtbot, picker):
    picker._noise.setFocus()
    with qtbot.waitSignal(picker.changed, timeout=2000) as blocker:
        for _ in range(3):
            qtbot.keyClick(picker._noise, Qt.Key.Key_Right)  # 3 × 5 %
    assert blocker.args == [{"noise": 0.15}]
    assert picker._noise_label.text() == "Noise: 15 %"


def test_ratio_slider_emits_train_ratio(qtbot, picker):
    with qtbot.waitSignal(picker.changed, timeout=2000) as blocker:
        qtbot.keyClick(picker._ratio, Qt.Key.Key_End)
    assert blocker.args == [{"train_ratio": 0.9}]
    assert picker._ratio_label.text() == "Training data: 90 %"
    with qtbot.waitSignal(picker.changed, timeout=2000) as blocker:
        qtbot.keyClick(picker._ratio, Qt.Key.Key_Home)
    assert blocker.args == [{"train_ratio": 0.1}]


def test_typing_points_emits_once(qtbot, picker):
    spin = picker._points
    emitted = []
    picker.changed.connect(emitted.append)
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "1200")
    assert emitted == []  # not 1, 12, 120 on the way
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert emitted == [{"points": 1200}]
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert emitted[-1] == {"points": 1250}


def test_regenerate_emits_a_new_seed_each_time(qtbot, picker):
    seeds = []
    for _ in range(3):
        with qtbot.waitSignal(picker.changed, timeout=1000) as blocker:
            qtbot.mouseClick(picker._regenerate, Qt.MouseButton.LeftButton)
        (change,) = blocker.args
        assert set(change) == {"data_seed"}
        assert isinstance(change["data_seed"], int) and change["data_seed"] >= 0
        seeds.append(change["data_seed"])
    assert len(set(seeds)) == 3
    assert str(seeds[-1]) in picker._regenerate.toolTip()


def test_set_values_shows_without_emitting(qtbot, picker):
    with qtbot.assertNotEmitted(picker.changed, wait=400):  # longer than the slider pause
        picker.set_values("moons", 1000, 0.25, 0.7, 42)
    assert picker.tile("moons").isChecked()
    assert picker._points.value() == 1000
    assert picker._noise_label.text() == "Noise: 25 %"
    assert picker._ratio_label.text() == "Training data: 70 %"
    assert picker.values() == {"dataset": "moons", "points": 1000, "noise": 0.25,
                               "train_ratio": 0.7, "data_seed": 42}


def test_set_values_rejects_an_unknown_dataset(picker):
    with pytest.raises(ValueError, match="unknown dataset"):
        picker.set_values("nope", 500, 0.0, 0.5, None)


def _has_color(name: str, rgb: tuple[int, int, int]) -> bool:
    image = thumbnail(name).toImage()
    want = QColor(*rgb).rgb()
    return any(image.pixel(x, y) == want for x in range(image.width()) for y in range(image.height()))


def test_thumbnails_follow_the_colour_scheme(qtbot, picker):
    assert _has_color("circle", colors.SCHEMES["orange_blue"][2])
    try:
        colors.set_scheme("colorblind")
        picker.refresh_colors()
        assert _has_color("circle", colors.SCHEMES["colorblind"][2])
        assert not _has_color("circle", colors.SCHEMES["orange_blue"][2])
    finally:
        colors.set_scheme("orange_blue")
    assert thumbnail("circle") is thumbnail("circle")  # drawn once, then cached


def test_three_class_thumbnail_uses_the_class_colours():
    image = render_thumbnail("blobs3").toImage()
    pixels = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    for rgb in colors.CLASS_COLORS:
        assert QColor(*rgb).rgb() in pixels


# --- the student's own points ---

def _own_points(n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(3).uniform(-5, 5, (n, 2))
    return x, np.where(x[:, 0] > 0, 1.0, -1.0)


def test_custom_data_shows_your_points_and_no_generated_tile(qtbot, picker):
    with qtbot.assertNotEmitted(picker.changed, wait=400):
        picker.set_values("custom", 500, 0.2, 0.6, None)
        picker.set_custom_points(*_own_points(), "binary")
    mine = picker.tile("custom")
    assert mine.isVisible() and mine.isChecked()
    assert not any(picker.tile(name).isChecked() for name in datasets.NAMES)
    assert "Your own points (60)" in picker._caption.text() and "classification" in picker._caption.text()
    assert "60 points" in mine.toolTip()
    for widget in (picker._noise, picker._points, picker._regenerate):
        assert not widget.isEnabled() and widget.toolTip() == OWN_POINTS_TIP
    assert picker._points.value() == 60 and picker._noise_label.text() == "Noise: none added"
    assert picker._ratio.isEnabled() and picker._ratio_label.text() == "Training data: 60 %"
    assert picker.values() == {"dataset": "custom", "points": 500, "noise": 0.2,
                               "train_ratio": 0.6, "data_seed": None}


def test_your_points_tile_draws_the_points(picker):
    picker.set_values("custom", 500, 0.0, 0.5, None)
    x, y = _own_points()
    picker.set_custom_points(x, np.ones(len(y)), "binary")  # all positive: only the positive colour
    image = picker.tile("custom").picture(1.0).toImage()
    pixels = {image.pixel(i, j) for i in range(image.width()) for j in range(image.height())}
    assert QColor(*colors.SCHEMES["orange_blue"][2]).rgb() in pixels
    assert QColor(*colors.SCHEMES["orange_blue"][0]).rgb() not in pixels
    x3 = np.array([[-3.0, 0.0], [0.0, 3.0], [3.0, 0.0]] * 5)
    picker.set_custom_points(x3, np.array([0.0, 1.0, 2.0] * 5), "multiclass")
    assert "Your own points (15)" in picker._caption.text() and "3 classes" in picker._caption.text()


def test_ratio_on_your_points_reports_a_new_split_not_a_change(qtbot, picker):
    picker.set_values("custom", 500, 0.0, 0.5, None)
    picker.set_custom_points(*_own_points(), "binary")
    with qtbot.assertNotEmitted(picker.changed, wait=100):
        with qtbot.waitSignal(picker.custom_split_changed, timeout=2000) as blocker:
            qtbot.keyClick(picker._ratio, Qt.Key.Key_End)
    assert blocker.args == [0.9] and picker.values()["train_ratio"] == 0.9


def test_choosing_a_dataset_leaves_your_points(qtbot, picker):
    picker.set_values("custom", 500, 0.0, 0.5, 7)
    picker.set_custom_points(*_own_points(), "binary")
    with qtbot.waitSignal(picker.changed, timeout=1000) as blocker:
        qtbot.mouseClick(picker.tile("moons"), Qt.MouseButton.LeftButton)
    assert blocker.args == [{"dataset": "moons"}]
    assert picker.tile("moons").isChecked() and not picker.tile("custom").isVisible()
    assert picker._noise.isEnabled() and picker._points.isEnabled() and picker._regenerate.isEnabled()
    assert picker._points.value() == 500 and picker._points.minimum() == 50
    assert "data seed 7" in picker._regenerate.toolTip() and picker._noise.toolTip() != OWN_POINTS_TIP
    assert picker._noise_label.text() == "Noise: 0 %"


# --- in the window: the split of drawn points ---

@pytest.fixture
def window(qtbot, monkeypatch):
    from gdplayground.ui import file_actions
    from gdplayground.ui.main_window import MainWindow
    from gdplayground.ui.window_files import install_file_support

    monkeypatch.setenv("GDPLAYGROUND_TRAINER", "thread")
    monkeypatch.setattr(file_actions.QMessageBox, "question",
                        lambda *a, **k: file_actions.QMessageBox.StandardButton.Discard)
    w = MainWindow(RunConfig(), settings=None)
    install_file_support(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    w.deleteLater()


def _use_own_points(qtbot, w) -> tuple[np.ndarray, np.ndarray]:
    x, y = _own_points()
    assert w.file_actions.use_points(x, y, "binary", "drawn")
    qtbot.waitUntil(lambda: w.controller.config.dataset == "custom", timeout=5000)
    return x, y


def _sorted(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    rows = np.column_stack([x, y])
    return rows[np.lexsort(rows.T[::-1])]


def test_the_window_shows_drawn_points_in_the_picker(qtbot, window):
    _use_own_points(qtbot, window)
    picker = window.dataset_picker
    assert picker.tile("custom").isChecked() and "Your own points (60)" in picker._caption.text()
    assert not picker._noise.isEnabled()


def test_a_new_training_share_splits_the_same_points_anew(qtbot, window):
    c = window.controller
    x, y = _use_own_points(qtbot, window)
    c.step()
    qtbot.waitUntil(lambda: c.run.step_count == 1, timeout=5000)
    picker = window.dataset_picker
    picker._ratio.setFocus()
    qtbot.keyClick(picker._ratio, Qt.Key.Key_End)  # 90 %, reported after a short pause
    qtbot.waitUntil(lambda: c.config.train_ratio == 0.9, timeout=5000)
    data = c.run.data
    assert c.config.dataset == "custom" and c.run.step_count == 0
    assert len(data.y_train) == 54 and len(data.y_test) == 6
    assert np.array_equal(_sorted(data.x_all, data.y_all), _sorted(x, y))  # the same points
    assert picker.tile("custom").isChecked() and picker._ratio_label.text() == "Training data: 90 %"
    assert window.hyper_panel._batch._n == 54  # the batch control follows the new training set
    assert "split anew" in window.statusBar().currentMessage()
    first = data
    qtbot.keyClick(picker._ratio, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: c.config.train_ratio == 0.1, timeout=5000)
    train = {tuple(p) for p in c.run.data.x_train}
    assert train <= {tuple(p) for p in first.x_train}  # a smaller share keeps a subset


def test_a_locked_split_is_refused_and_shown_back(qtbot, window):
    from gdplayground.experiment import Lesson
    from gdplayground.ui.window_files import split_own_points

    c = window.controller
    _use_own_points(qtbot, window)
    run = c.run
    apply_lesson_locks(window, Lesson("L", "", locked=("dataset",)))
    assert not window.dataset_picker.isEnabled()
    window.dataset_picker._ratio.set_quietly(80)  # as if the student had moved it anyway
    assert not split_own_points(window, 0.8)
    qtbot.wait(50)
    assert c.run is run and c.config.train_ratio == 0.5
    assert window.dataset_picker._ratio.value() == 50
    assert "Locked by the lesson" in window.statusBar().currentMessage()
    apply_lesson_locks(window, None)
    assert window.dataset_picker.isEnabled() and not window.dataset_picker._noise.isEnabled()


def test_no_noise_is_shown_on_your_points_and_the_setting_comes_back(qtbot, picker):
    picker.set_values("custom", 500, 0.3, 0.5, None)
    assert picker._noise.value() == 0 and picker.values()["noise"] == 0.3
    qtbot.mouseClick(picker.tile("spiral"), Qt.MouseButton.LeftButton)
    assert picker._noise.value() == 30 and picker._noise_label.text() == "Noise: 30 %"
