"""The run toolbar's own widgets through real clicks and typing: the counters that fit, and the
quick settings (optimizer and learning rate) a student changes while training."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from gdplayground import Run, RunConfig
from gdplayground.engine import optimizers
from gdplayground.ui.optimizer_fields import is_invalid
from gdplayground.ui.quick_settings import QuickSettings
from gdplayground.ui.run_controls import RunControls

METRICS = {"train_loss": 0.25, "test_loss": 0.5, "train_accuracy": 0.9, "test_accuracy": 0.8}


@pytest.fixture
def quick(qtbot):
    widget = QuickSettings()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def emitted(quick):
    changes: list[dict] = []
    quick.changed.connect(changes.append)
    return changes


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def pick(qtbot, combo, index: int) -> None:
    """Open the combo's list and click row ``index``."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitExposed(view)
    rect = view.visualRect(combo.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not view.isVisible()


def shown_counters(controls: RunControls) -> list[str]:
    return [key for key in ("step", "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
            if controls._values[key].isVisible()]


# --- run controls ---

def test_settings_sit_between_the_speed_slider_and_the_counters(qtbot):
    controls = RunControls()
    qtbot.addWidget(controls)
    settings = QLabel("settings")
    controls.add_settings(settings)
    controls.resize(1400, 60)
    controls.show()
    qtbot.waitExposed(controls)
    speed_right = controls.speed_slider.mapTo(controls, controls.speed_slider.rect().topRight()).x()
    step_left = controls._values["step"].mapTo(controls, controls._values["step"].rect().topLeft()).x()
    assert speed_right < settings.geometry().left() and settings.geometry().right() < step_left


def test_counters_that_do_not_fit_are_left_out_whole(qtbot):
    controls = RunControls()
    qtbot.addWidget(controls)
    controls.set_counters(12, 1, METRICS, "binary")
    controls.resize(1400, 60)
    controls.show()
    qtbot.waitExposed(controls)
    assert len(shown_counters(controls)) == 6
    controls.resize(controls.minimumSizeHint().width(), 60)
    qtbot.waitUntil(lambda: len(shown_counters(controls)) < 6)
    assert shown_counters(controls)[:3] == ["step", "epoch", "train_loss"]
    for key in shown_counters(controls):  # every counter shown is whole
        label = controls._values[key]
        assert label.mapTo(controls, label.rect().topRight()).x() <= controls.width()
    controls.resize(1400, 60)
    qtbot.waitUntil(lambda: len(shown_counters(controls)) == 6)
    controls.set_counters(12, 1, METRICS, "regression")
    assert shown_counters(controls) == ["step", "epoch", "train_loss", "test_loss"]
    assert controls.counter_text("train_loss") == "0.2500"


# --- quick settings ---

def test_set_config_shows_optimizer_and_lr_without_emitting(quick, emitted):
    quick.set_config(RunConfig(optimizer="adam", lr=0.003))
    assert quick.optimizer.currentData() == "adam" and quick.optimizer.currentText() == "Adam"
    assert quick.lr.currentText() == "0.003"
    assert emitted == []


def test_typing_a_learning_rate_emits_it(qtbot, quick, emitted):
    type_into(qtbot, quick.lr.lineEdit(), "0.3")
    assert emitted == [{"lr": 0.3}]
    assert not quick.lr.hasFocus()  # Return hands Space and the arrows back to the window
    type_into(qtbot, quick.lr.lineEdit(), "0.30")  # the same rate again: nothing new
    assert emitted == [{"lr": 0.3}]
    type_into(qtbot, quick.lr.lineEdit(), "0,03")  # a decimal comma is fine
    assert emitted == [{"lr": 0.3}, {"lr": 0.03}]


@pytest.mark.parametrize("text", ["abc", "0", "-1"])
def test_an_invalid_learning_rate_is_refused(qtbot, quick, emitted, text):
    type_into(qtbot, quick.lr.lineEdit(), text)
    assert emitted == [] and is_invalid(quick.lr)
    assert quick.lr.hasFocus()  # still there to be corrected


def test_a_learning_rate_the_schedule_refuses_is_marked(qtbot, quick, emitted):
    quick.set_config(RunConfig(lr=0.1, schedule="cosine", schedule_settings={"t_max": 100, "lr_min": 0.05}))
    type_into(qtbot, quick.lr.lineEdit(), "0.01")  # below the schedule's lr_min
    assert emitted == [] and is_invalid(quick.lr) and "lr_min" in quick.lr.toolTip()
    type_into(qtbot, quick.lr.lineEdit(), "0.3")
    assert emitted == [{"lr": 0.3}] and not is_invalid(quick.lr)


def test_picking_a_preset_learning_rate_emits_it(qtbot, quick, emitted):
    pick(qtbot, quick.lr, quick.lr.findText("1"))
    assert emitted == [{"lr": 1.0}]


@pytest.mark.parametrize("name", [n for n in optimizers.NAMES if n != "gd"])
def test_choosing_an_optimizer_brings_its_defaults(qtbot, quick, emitted, name):
    pick(qtbot, quick.optimizer, quick.optimizer.findData(name))
    change = emitted[-1]
    assert change["optimizer"] == name and change["hyper"] == optimizers.HYPERPARAMETERS[name]
    assert change.get("lr", RunConfig().lr) == optimizers.DEFAULT_LR[name]
    assert quick.lr.value() == optimizers.DEFAULT_LR[name]
    assert Run(RunConfig().replace(**change)).step() is not None


def test_choosing_the_shown_optimizer_emits_nothing(qtbot, quick, emitted):
    pick(qtbot, quick.optimizer, quick.optimizer.findData("gd"))
    assert emitted == []


def test_optimizer_combo_takes_no_focus_from_a_click(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    column = QVBoxLayout(host)
    other, quick = QLineEdit(), QuickSettings()
    column.addWidget(other)
    column.addWidget(quick)
    host.show()
    qtbot.waitExposed(host)
    other.setFocus()
    pick(qtbot, quick.optimizer, quick.optimizer.findData("adam"))
    assert quick.optimizer.currentData() == "adam"
    assert not quick.optimizer.hasFocus()  # Space must still play, not open the list


def test_lesson_names_cover_the_captions(quick):
    column = quick.findChild(QWidget, "optimizerGroup")
    assert column is not None and column.isAncestorOf(quick.optimizer)
    captions = [label.text() for label in column.findChildren(QLabel)]
    assert captions == ["Optimizer"]
    assert quick.findChild(QWidget, "lrCombo") is quick.lr
