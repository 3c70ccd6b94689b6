"""The main window through its real widgets: buttons, shortcuts, menus, panels, the divergence
banner, settings and the --screenshot mode. Offscreen; training on the lockstep thread unless a
test says otherwise (a child process per window would only make the suite slower)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolButton, QWidget

from gdplayground import RunConfig
from gdplayground.experiment import config_to_json
from gdplayground.ui.main_window import MainWindow
from gdplayground.ui.window_menus import SHORTCUTS

ROOT = Path(__file__).resolve().parents[2]
DIVERGES = RunConfig(dataset="plane", activation="linear", lr=10.0)


@pytest.fixture(autouse=True)
def thread_trainer(monkeypatch):
    monkeypatch.setenv("GDPLAYGROUND_TRAINER", "thread")


@pytest.fixture
def window(qtbot):
    made = []

    def make(config: RunConfig | None = None, settings: QSettings | None = None) -> MainWindow:
        w = MainWindow(config, settings=settings)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_fits_a_1366x768_screen(window):
    w = window()
    hint = w.minimumSizeHint()
    assert hint.width() <= 1100 and hint.height() <= 700


def test_opens_with_title_menus_and_plots(window):
    w = window()
    assert w.windowTitle() == "gdplayground"
    menus = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert menus == ["File", "Run", "View", "Help"]
    assert w.boundary_plot.isVisible() and w.loss_plot.isVisible() and w.network_view.isVisible()
    assert w.boundary_plot.width() >= 300  # the output plot keeps its room at 1280 px
    assert not w.banner.isVisible()


def test_play_pause_buttons(qtbot, window):
    w = window()
    c = w.controller
    click(qtbot, w.run_controls.play_button)
    assert c.state == "playing"
    assert w.run_controls.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: c.run.step_count > 20, timeout=5000)
    click(qtbot, w.run_controls.play_button)
    qtbot.waitUntil(lambda: not c.busy, timeout=2000)
    assert c.state == "paused"
    assert w.run_controls.play_button.text() == "Play"


def test_step_button_and_counters(qtbot, window):
    w = window()
    for _ in range(3):
        click(qtbot, w.run_controls.step_button)
    assert w.controller.run.step_count == 3
    assert len(w.controller.losses()) == 3
    assert w.run_controls.counter_text("step") == "3"
    metrics = w.controller.run.evaluate()
    assert w.run_controls.counter_text("train_loss") == f"{metrics['train_loss']:.4g}"
    assert w.run_controls.counter_text("test_accuracy").endswith("%")


def test_shortcuts(qtbot, window):
    w = window()
    c = w.controller
    with qtbot.waitActive(w):
        w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert c.run.step_count == 1
    qtbot.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: c.state == "paused" and not c.busy and c.run.epoch == 1, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert c.state == "playing"
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not c.busy, timeout=2000)
    assert c.state == "paused"
    with qtbot.waitSignal(c.run_reset, timeout=2000):
        qtbot.keyClick(w, Qt.Key.Key_R)
    assert c.run.step_count == 0


def test_help_lists_the_shortcuts(qtbot, window):
    w = window()
    keys = {k for k, _ in SHORTCUTS}
    assert {"Space", "→", "Shift+→", "R"} <= keys
    bound = {a.shortcut().toString() for a in (w.play_action, w.step_action, w.epoch_action, w.reset_action)}
    assert bound == {"Space", "Right", "Shift+Right", "R"}
    w.shortcuts_action.trigger()
    box = w.findChild(QMessageBox, "shortcutsDialog")
    assert "Shift+→" in box.text()
    box.close()


def test_epoch_and_reset_buttons(qtbot, window):
    w = window(RunConfig(batch_size=25))
    c = w.controller
    click(qtbot, w.run_controls.epoch_button)
    qtbot.waitUntil(lambda: c.state == "paused" and not c.busy, timeout=5000)
    assert c.run.epoch == 1 and c.run.step_count == c.run.steps_per_epoch
    assert w.run_controls.counter_text("epoch") == "1"
    click(qtbot, w.run_controls.reset_button)
    assert c.run.step_count == 0
    assert w.run_controls.counter_text("step") == "0"


def test_speed_slider(qtbot, window):
    w = window()
    slider = w.run_controls.speed_slider
    slider.setValue(1)  # 5/s
    assert w.controller.speed == 5.0
    w.controller.play()
    qtbot.wait(700)
    w.controller.pause()
    qtbot.waitUntil(lambda: not w.controller.busy, timeout=2000)
    assert 2 <= w.controller.run.step_count <= 6


def test_switching_optimizer_in_the_hyper_panel(qtbot, window):
    w = window()
    click(qtbot, w.run_controls.step_button)
    theta = w.controller.run.theta.copy()
    combo = w.hyper_panel._optimizer
    index = combo.findData("adam")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert w.controller.config.optimizer == "adam"
    assert w.controller.run.step_count == 1  # live: the weights stay
    assert (w.controller.run.theta == theta).all()
    click(qtbot, w.run_controls.step_button)
    assert type(w.controller.run.opt_state).__name__.lower().startswith("adam")


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def test_learning_rate_in_the_toolbar_reaches_the_run_and_the_hyper_panel(qtbot, window):
    w = window()
    click(qtbot, w.run_controls.step_button)
    theta = w.controller.run.theta.copy()
    type_into(qtbot, w.quick_settings.lr.lineEdit(), "0.3")
    qtbot.waitUntil(lambda: w.controller.config.lr == 0.3, timeout=2000)
    assert w.hyper_panel._lr.currentText() == "0.3" and w.hyper_panel.values()["lr"] == 0.3
    assert w.controller.run.step_count == 1 and (w.controller.run.theta == theta).all()  # live
    click(qtbot, w.run_controls.step_button)
    assert w.controller.run.last_record.lr == pytest.approx(0.3)


def test_learning_rate_in_the_hyper_panel_shows_in_the_toolbar(qtbot, window):
    w = window()
    type_into(qtbot, w.hyper_panel._lr.lineEdit(), "0.001")
    qtbot.waitUntil(lambda: w.controller.config.lr == 0.001, timeout=2000)
    assert w.quick_settings.lr.currentText() == "0.001"


def test_optimizer_in_the_toolbar_and_in_the_hyper_panel_agree(qtbot, window):
    from gdplayground.engine import optimizers

    w = window()
    combo = w.quick_settings.optimizer
    combo.setCurrentIndex(combo.findData("rmsprop"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: w.controller.config.optimizer == "rmsprop", timeout=2000)
    assert w.controller.config.lr == optimizers.DEFAULT_LR["rmsprop"]
    assert w.hyper_panel._optimizer.currentData() == "rmsprop"
    assert w.hyper_panel.values()["hyper"] == optimizers.HYPERPARAMETERS["rmsprop"]
    panel_combo = w.hyper_panel._optimizer
    panel_combo.setCurrentIndex(panel_combo.findData("adam"))
    panel_combo.activated.emit(panel_combo.currentIndex())
    qtbot.waitUntil(lambda: w.controller.config.optimizer == "adam", timeout=2000)
    assert combo.currentData() == "adam"
    assert w.quick_settings.lr.value() == optimizers.DEFAULT_LR["adam"]


def test_a_lesson_locks_and_hides_the_toolbar_copies_too(qtbot, window):
    from gdplayground.experiment import Lesson
    from gdplayground.ui.lesson_locks import apply_lesson_locks

    w = window()
    quick = w.quick_settings
    optimizer_column = quick.findChild(QWidget, "optimizerGroup")
    apply_lesson_locks(w, Lesson("Batches", "", locked=("lr", "optimizer")))
    assert not quick.lr.isEnabled() and not w.hyper_panel._lr.isEnabled()
    assert not quick.optimizer.isEnabled() and not optimizer_column.isEnabled()
    w.controller.apply_config_changes({"lr": 1.0})  # the controller refuses it whichever way
    qtbot.wait(50)
    assert w.controller.config.lr == 0.03 and quick.lr.currentText() == "0.03"
    apply_lesson_locks(w, Lesson("No rates", "", hidden=("lr",)))
    assert quick.optimizer.isEnabled() and not quick.lr.isVisible()
    captions = [label for label in quick.findChildren(QLabel) if label.text() == "Learning rate"]
    assert len(captions) == 1 and not captions[0].isVisible()
    apply_lesson_locks(w, None)
    assert quick.lr.isVisible() and captions[0].isVisible() and quick.lr.isEnabled()


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_training_controls_are_in_view_on_a_small_screen(qtbot, window, size):
    w = window()
    w.resize(*size)
    qtbot.waitUntil(lambda: (w.width(), w.height()) == size, timeout=2000)
    qtbot.wait(50)
    for field in (w.quick_settings.optimizer, w.quick_settings.lr, w.run_controls.play_button):
        assert field.isVisible()
        corner = field.mapTo(w, field.rect().bottomRight())
        assert corner.x() < w.width() and corner.y() < w.height()
    assert all(label.isVisible() for label in w.run_controls._values.values())
    scroll = w.splitter.widget(0)  # the left column: the data and, under them, the optimizer
    top = w.hyper_panel._optimizer.mapTo(scroll.viewport(), w.hyper_panel._optimizer.rect().bottomLeft())
    assert scroll.verticalScrollBar().value() == 0 and top.y() < scroll.viewport().height()


def test_learning_rate_and_batch_are_in_view_at_1280x800_with_gradient_descent(qtbot, window):
    w = window()
    qtbot.waitUntil(lambda: (w.width(), w.height()) == (1280, 800), timeout=2000)
    qtbot.wait(50)
    panel = w.hyper_panel
    assert w.controller.config.optimizer == "gd" and not panel.more_settings_open()
    scroll = w.splitter.widget(0)
    assert scroll.verticalScrollBar().value() == 0

    def in_view(widget) -> bool:
        bottom = widget.mapTo(scroll.viewport(), widget.rect().bottomLeft()).y()
        return widget.isVisible() and bottom < scroll.viewport().height()

    batch = panel.findChild(QWidget, "batchGroup")
    assert in_view(panel._lr) and in_view(panel._schedule) and in_view(panel._batch._slider)
    assert in_view(panel._batch._spin) and batch.mapTo(scroll.viewport(), batch.rect().topLeft()).y() > 0
    # the folded settings are one click away, and take the batch out of view only then
    assert in_view(panel._more) and not panel._hyper.fields("momentum")[0].isVisible()
    click(qtbot, panel._more)
    assert panel._hyper.fields("weight_decay")[0].isVisible()


def test_switching_dataset_resets_and_redraws(qtbot, window):
    w = window()
    click(qtbot, w.run_controls.step_button)
    with qtbot.waitSignal(w.controller.run_reset, timeout=2000):
        click(qtbot, w.dataset_picker.tile("spiral3"))
    assert w.controller.config.dataset == "spiral3"
    assert w.controller.run.step_count == 0
    assert not w.boundary_plot.bar.isVisible()  # three classes: class regions, no colour bar


def test_network_view_edits_reach_the_run(qtbot, window):
    w = window()
    nv = w.network_view
    qtbot.mouseClick(nv, Qt.MouseButton.LeftButton, pos=nv.feature_point("x1sq"))
    assert w.controller.config.features == ("x1", "x2", "x1sq")
    assert w.controller.run.network.sizes[0] == 3
    click(qtbot, nv.findChild(QToolButton, "add_layer"))
    assert len(w.controller.config.hidden) == 3
    click(qtbot, nv.findChild(QToolButton, "add_neuron_0"))
    assert w.controller.config.hidden[0] == 5
    nv.param_edited.emit("W1", (0, 0), 0.5)
    assert w.controller.run.params["W1"][0, 0] == 0.5


def test_hovering_a_neuron_shows_it_in_the_output_plot(qtbot, window):
    w = window()
    w.network_view.neuron_hovered.emit(1, 0)
    assert w.boundary_plot.caption.isVisible()
    w.network_view.neuron_hovered.emit(-1, -1)
    assert not w.boundary_plot.caption.isVisible()


def test_divergence_banner_and_smaller_lr(qtbot, window):
    w = window(DIVERGES)
    with qtbot.waitSignal(w.controller.diverged, timeout=5000):
        click(qtbot, w.run_controls.play_button)
    qtbot.waitUntil(lambda: not w.controller.busy, timeout=2000)
    assert w.banner.isVisible()
    assert "diverged" in w.banner.message.text()
    assert "lr = 1" in w.banner.use_button.text()
    assert not w.run_controls.play_button.isEnabled()
    with qtbot.waitSignal(w.controller.run_reset, timeout=2000):
        click(qtbot, w.banner.use_button)
    assert w.controller.config.lr == pytest.approx(1.0)
    assert not w.banner.isVisible()
    assert w.run_controls.play_button.isEnabled()


def test_view_menu_toggles(qtbot, window):
    w = window()
    w.log_action.trigger()
    assert w.loss_plot.log_scale()
    w.log_action.trigger()
    assert not w.loss_plot.log_scale()
    w.test_action.trigger()
    assert w.boundary_plot.test_points.isVisible()
    w.discretize_action.trigger()
    assert w.boundary_plot._discretize
    from gdplayground.ui import colors

    w.colorblind_action.trigger()
    assert colors.scheme() == "colorblind"
    w.colorblind_action.trigger()
    assert colors.scheme() == "orange_blue"


def test_dark_palette(qtbot, window):
    w = window()
    w.dark_action.trigger()
    try:
        assert QApplication.instance().palette().window().color().lightness() < 100
        qtbot.waitUntil(lambda: w.loss_plot.backgroundBrush().color().lightness() < 100, timeout=2000)
        assert w.boundary_plot.backgroundBrush().color().lightness() < 100
        axis_text = w.loss_plot.getPlotItem().getAxis("left").textPen().color()
        assert axis_text.lightness() > 150  # light text on the dark background
    finally:
        w.dark_action.trigger()
    assert QApplication.instance().palette().window().color().lightness() > 150


def test_settings_remember_config_and_view(qtbot, window, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = window(settings=settings)
    w.controller.apply_config_changes({"dataset": "xor", "lr": 0.1})
    w.log_action.trigger()
    w.close()
    again = window(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.controller.config.dataset == "xor" and again.controller.config.lr == 0.1
    assert again.log_action.isChecked() and again.loss_plot.log_scale()


def test_settings_remember_the_dock(qtbot, window, tmp_path):
    path = str(tmp_path / "s.ini")
    w = window(settings=QSettings(path, QSettings.Format.IniFormat))
    w.inspector_dock.hide()
    w.close()
    again = window(settings=QSettings(path, QSettings.Format.IniFormat))
    assert not again.inspector_dock.isVisible()


def test_invalid_remembered_config_falls_back(qtbot, window, tmp_path, caplog):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("run/config", config_to_json(RunConfig()).replace('"lr": 0.03', '"lr": "fast"'))
    settings.sync()
    w = window(settings=settings)
    assert w.controller.config == RunConfig()
    assert "remembered configuration" in caplog.text


def test_screenshot_mode_writes_a_png_of_the_size(tmp_path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "gdplayground", "--screenshot", str(out), "--steps", "40", "--size", "1100x700"],
                            capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1100, 700)
    assert "update 40" in result.stdout


def test_screenshot_mode_rejects_a_bad_size(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "gdplayground", "--screenshot", str(tmp_path / "x.png"), "--size", "big"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "1280x800" in result.stderr
