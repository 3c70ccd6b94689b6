"""The inspector dock in the real window: it follows training, seeking shows earlier updates
exactly, Step from there branches (asking only past a handful of updates), explain mode takes
Step one phase at a time, and choosing a weight anywhere shows it everywhere."""
import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gdplayground import Run, RunConfig
from gdplayground.ui.inspector_dock import InspectorDock

CFG = RunConfig(points=100, hidden=(4, 2), batch_size=10, optimizer="adam", lr=0.01)


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setenv("GDPLAYGROUND_TRAINER", "thread")  # no child process in tests
    from gdplayground.ui.main_window import MainWindow

    w = MainWindow(CFG, None)
    qtbot.addWidget(w)
    w.dock = w.inspector_dock  # the window installs it with install_inspector
    w.resize(1280, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.controller.shutdown()


@pytest.fixture
def shown_params(window, monkeypatch):
    """Every parameter set the network view is given, in order."""
    calls = []
    original = window.network_view.set_params

    def spy(params):
        calls.append({k: np.array(v) for k, v in params.items()})
        original(params)
    monkeypatch.setattr(window.network_view, "set_params", spy)
    return calls


def _frame(qtbot, window):
    with qtbot.waitSignal(window.controller.frame_ready, timeout=2000):
        window.controller.refresh()


def _fresh(steps):
    run = Run(CFG)
    run.train(steps=steps)
    return run


def _answer_branch(accept: bool, seen: list):
    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(10, click)
            return
        seen.append(box.text())
        if accept:
            next(b for b in box.buttons() if b.text() == "Discard and continue").click()
        else:
            box.button(QMessageBox.StandardButton.Cancel).click()
    QTimer.singleShot(0, click)


def test_installs_dock_timeline_and_actions(window):
    d = window.dock
    assert isinstance(d, InspectorDock) and window.findChildren(InspectorDock) == [d]
    assert d.isVisible() and d.timeline.isVisible()
    assert window.controller.before_change == d.step_through.before_change
    assert window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea
    texts = [a.text() for a in window.run_menu.actions()]
    assert "Step &back" in texts and "E&xplain mode" in texts
    assert d.toggleViewAction() in window.view_menu.actions()
    assert d.timeline.text() == "no updates yet"
    assert "No update yet" in d.inspector.math.text()


def test_follows_training_and_shows_the_latest_update(window, qtbot):
    c = window.controller
    c.train_blocking(30)
    d = window.dock
    assert d.timeline.text() == "update 30 of 30 (latest)"
    rec = c.run.record_of(30)
    e = d.inspector.explanation()
    assert e is not None and e.w_new == rec.theta_after[e.index]
    assert d.layer_view.panels()["after"][0].shape == rec.params_after["W1"].shape
    assert d.timeline.details.text().startswith("batch loss ")


def test_seeking_shows_an_earlier_update_exactly_and_keeps_the_history(window, qtbot, shown_params):
    c, d = window.controller, window.dock
    c.train_blocking(40)
    d.timeline.slider.setFocus()
    qtbot.keyClick(d.timeline.slider, Qt.Key.Key_Home)
    qtbot.keyClick(d.timeline.slider, Qt.Key.Key_PageUp)  # update 10
    _frame(qtbot, window)
    fresh = _fresh(10)
    for name, value in fresh.params.items():
        assert np.array_equal(shown_params[-1][name], value)
    assert c.run.step_count == 40  # nothing discarded by looking
    assert d.timeline.text() == "update 10 of 40"
    e = d.inspector.explanation()
    assert e.w_new == fresh.theta[e.index] and "update 10" in d.inspector.title_text()
    # step back with the keyboard: the update before
    qtbot.keyClick(window, Qt.Key.Key_Left)
    _frame(qtbot, window)
    assert d.timeline.position == 9
    assert np.array_equal(shown_params[-1]["W2"], _fresh(9).params["W2"])
    # the latest again
    qtbot.mouseClick(d.timeline.latest_button, Qt.MouseButton.LeftButton)
    _frame(qtbot, window)
    assert d.timeline.text() == "update 40 of 40 (latest)"
    assert np.array_equal(shown_params[-1]["W1"], c.run.params["W1"])


def test_step_from_an_earlier_update_branches_after_asking(window, qtbot):
    c, d = window.controller, window.dock
    c.train_blocking(40)
    d.step_through.seek(12)
    _frame(qtbot, window)
    seen = []
    _answer_branch(False, seen)
    c.step()
    assert seen and "28 later updates will be discarded" in seen[0]
    assert c.run.step_count == 40  # kept
    _answer_branch(True, seen)
    c.step()
    assert c.run.step_count == 13 and len(c.losses()) == 13
    fresh = _fresh(13)
    assert np.array_equal(c.run.theta, fresh.theta)
    _frame(qtbot, window)
    assert d.timeline.text() == "update 13 of 13 (latest)"


def test_a_new_learning_rate_from_an_earlier_update(window, qtbot):
    c, d = window.controller, window.dock
    c.train_blocking(15)
    d.step_through.seek(10)  # 5 later updates: no question
    _frame(qtbot, window)
    c.apply_config_changes({"lr": 0.05})
    assert c.run.step_count == 10 and c.config.lr == 0.05
    c.step()
    rec = c.run.record_of(11)
    assert rec.lr == 0.05
    straight = _fresh(10)
    straight.reconfigure(straight.config.replace(lr=0.05))
    straight.step()
    assert np.array_equal(c.run.theta, straight.theta)


def test_explain_mode_takes_step_one_phase_at_a_time(window, qtbot, shown_params):
    c, d = window.controller, window.dock
    c.train_blocking(5)
    qtbot.keyClick(window, Qt.Key.Key_E)
    assert d.explain_check.isChecked()
    c.step()  # the real update 6; its phases start
    _frame(qtbot, window)
    assert c.run.step_count == 6 and d.explain.stage == ("forward", 1)
    rec = c.run.record_of(6)
    assert np.array_equal(shown_params[-1]["W1"], rec.params_before["W1"])  # not yet updated
    stages = [d.explain.stage]
    while not d.explain.finished:
        c.step()  # taken by explain mode
        stages.append(d.explain.stage)
    assert c.run.step_count == 6
    assert [s[0] for s in stages] == ["forward"] * 3 + ["loss"] + ["backward"] * 3 + ["update"]
    assert np.array_equal(shown_params[-1]["W1"], rec.params_after["W1"])
    c.step()  # the next real update
    _frame(qtbot, window)
    assert c.run.step_count == 7 and d.explain.stage == ("forward", 1)
    qtbot.keyClick(window, Qt.Key.Key_E)
    assert not d.explain.active


@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_the_result_is_in_view_at_1280x800(window, qtbot, optimizer):
    from gdplayground.engine import optimizers

    c, d = window.controller, window.dock
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.height() == 800)
    c.apply_config_changes({"optimizer": optimizer, "lr": optimizers.DEFAULT_LR[optimizer]})
    qtbot.waitUntil(lambda: c.config.optimizer == optimizer)
    c.train_blocking(30)
    _frame(qtbot, window)
    inspector = d.inspector
    e = inspector.explanation()
    assert e.w_new == c.run.record_of(30).theta_after[e.index]
    title = inspector.title
    bottom = title.mapTo(window, title.rect().bottomLeft()).y()
    assert title.isVisible() and bottom < d.timeline.mapTo(window, d.timeline.rect().topLeft()).y()
    assert "→" in inspector.title_text() and inspector.check_button.isVisible()
    if optimizer == "gd":  # the whole worked rule fits, one line per equation, nothing to scroll
        assert inspector.broken_lines() == frozenset()
        assert inspector.math.verticalScrollBar().maximum() == 0


def test_choosing_a_weight_shows_it_everywhere(window, qtbot):
    c, d = window.controller, window.dock
    c.train_blocking(3)
    window.network_view.param_selected.emit("W2", (1, 0))
    assert d.inspector.selection() == ("W2", (1, 0))
    assert d.layer_view.layer == 2 and d.layer_view.heatmaps.selected == ("W2", (1, 0))
    r = d.layer_view.heatmaps.cell_rect(0, "W2", (3, 1))
    qtbot.mouseClick(d.layer_view.heatmaps, Qt.MouseButton.LeftButton, pos=r.center().toPoint())
    assert d.inspector.selection() == ("W2", (3, 1))
