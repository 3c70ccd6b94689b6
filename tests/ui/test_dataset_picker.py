"""The dataset picker through real clicks, drags, keys and typing."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from gdplayground.engine import datasets
from gdplayground.ui import colors
from gdplayground.ui.dataset_picker import DatasetPicker, render_thumbnail, thumbnail


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
