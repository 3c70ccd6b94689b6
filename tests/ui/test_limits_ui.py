"""The window and the limits table agree: the widgets offer exactly what a file may hold, a file
at the limits opens and shows its values, remembered settings that would break the window are
replaced by the defaults with a note, and a network the builder cannot show is refused."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from gdplayground import RunConfig
from gdplayground.engine import limits
from gdplayground.experiment import config_to_json
from gdplayground.ui import file_actions as fa
from gdplayground.ui.hyper_panel import HyperPanel
from gdplayground.ui.main_window import MainWindow
from gdplayground.ui.network_view.controls import MAX_LAYERS, MAX_NEURONS
from gdplayground.ui.optimizer_fields import HYPER_SPECS, SCHEDULE_SPECS
from gdplayground.ui.window_files import install_file_support


def test_the_widgets_offer_exactly_the_table(qtbot):
    panel = HyperPanel()
    qtbot.addWidget(panel)
    for spin, field in ((panel._seed, "seed"), (panel._warmup, "warmup_steps")):
        assert (spin.minimum(), spin.maximum()) == (limits.FIELDS[field].low, limits.FIELDS[field].high)
    for specs, table in ((HYPER_SPECS, limits.HYPER), (SCHEDULE_SPECS, limits.SCHEDULE)):
        for key, spec in specs.items():
            if spec.kind != "flag":
                assert (spec.low, spec.high) == (table[key].low, table[key].high), key
    assert (MAX_LAYERS, MAX_NEURONS) == (limits.WINDOW_LAYERS, limits.WINDOW_NEURONS)


@pytest.fixture
def window(qtbot, monkeypatch):
    made = []

    def make(settings: QSettings | None = None, config: RunConfig | None = None) -> MainWindow:
        w = MainWindow(config, settings=settings)
        install_file_support(w)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def _settings(tmp_path, text: str) -> QSettings:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("run/config", text)
    settings.sync()
    return settings


@pytest.mark.parametrize("change,words", [
    ({"seed": 2**31}, "seed must be a whole number from 0 to 2,147,483,647"),
    ({"warmup_steps": 10**12}, "warmup_steps must be a whole number from 0 to 10,000,000"),
    ({"hidden": [256] * 64}, "the playground takes at most 2,000,000"),
    ({"hidden": [64] * 4}, "the window shows at most 8 hidden layers of 32 neurons"),
    ({"optimizer": "adam", "hyper": {"momentum": 0.9}}, "adam: unknown hyperparameter 'momentum'"),
])
def test_bad_remembered_settings_start_the_defaults_with_a_note(window, tmp_path, change, words):
    doc = json.loads(config_to_json(RunConfig(dataset="xor")))
    doc["config"].update(change)
    settings = _settings(tmp_path, json.dumps(doc))
    w = window(settings)
    assert w.controller.config == RunConfig()
    note = w.statusBar().currentMessage()
    assert note.startswith("The settings remembered from last time were not used (") and words in note
    assert "\n" not in note
    assert settings.value("run/config") is None  # said once
    w.close()
    assert window(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).statusBar().currentMessage() == ""


def test_good_remembered_settings_at_the_limits_are_shown_exactly(window, tmp_path):
    config = RunConfig(dataset="xor", seed=limits.MAX_SEED, warmup_steps=limits.MAX_COUNT)
    w = window(_settings(tmp_path, config_to_json(config)))
    assert w.controller.config == config
    assert w.hyper_panel._seed.value() == limits.MAX_SEED
    assert w.hyper_panel._warmup.value() == limits.MAX_COUNT
    assert w.statusBar().currentMessage() == ""


def test_a_file_with_a_network_too_big_for_the_window_is_refused_with_the_reason(window, tmp_path, monkeypatch):
    seen: list = []
    monkeypatch.setattr(fa.QMessageBox, "warning", lambda *a, **k: seen.append(a[1:3]))
    w = window()
    run = w.controller.run
    for hidden in ([256] * 64, [128] * 64, [33]):
        path = tmp_path / "big.gdp.json"
        path.write_text(json.dumps({"format": "gdplayground", "version": 1, "config": {"hidden": hidden}}))
        assert not w.file_actions.open_path(path, ask=False)
        assert w.controller.run is run
    assert all(title == "Cannot open the experiment" for title, _ in seen)
    assert "the playground takes at most 2,000,000" in seen[0][1]
    assert "64 hidden layers of up to 128 neurons; the window shows at most 8 hidden layers of 32 neurons" in seen[1][1]
    assert "its network has 1 hidden layer of up to 33 neurons" in seen[2][1]


def test_a_value_the_fields_round_stays_exact_when_another_field_is_edited(qtbot):
    from PySide6.QtCore import Qt

    panel = HyperPanel()
    qtbot.addWidget(panel)
    panel.set_config(RunConfig(optimizer="adam", lr=0.01, hyper={"betas": (0.912345, 0.99), "eps": 1.234567891e-9}))
    panel.show()
    qtbot.waitExposed(panel)
    changes: list[dict] = []
    panel.changed.connect(changes.append)
    beta2 = panel._hyper.fields("betas")[1]
    beta2.setFocus()
    qtbot.keyClick(beta2, Qt.Key.Key_Down)
    assert changes and changes[-1]["hyper"]["betas"][0] == 0.912345  # shown as 0.9123
    assert changes[-1]["hyper"]["betas"][1] != 0.99
    assert changes[-1]["hyper"]["eps"] == 1.234567891e-9  # shown with fewer digits


def _release_after(path, seconds: float):
    """If opening ``path`` (a FIFO) blocks, open its other end after ``seconds`` so the test
    fails instead of hanging the suite."""
    import os
    import threading

    def release() -> None:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # nobody is waiting on it: good
            pass

    timer = threading.Timer(seconds, release)
    timer.daemon = True
    timer.start()
    return timer


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs on this system")
def test_the_window_refuses_fifos_named_like_experiments_and_csv_files(window, tmp_path, monkeypatch):
    import os

    from gdplayground.ui.csv_import_dialog import CsvImportDialog
    from gdplayground.ui.recent_files import RecentFiles

    seen: list = []
    monkeypatch.setattr(fa.QMessageBox, "warning", lambda *a, **k: seen.append(a[1:3]))
    shown: list = []
    monkeypatch.setattr(CsvImportDialog, "exec", lambda self: shown.append(self.summary.text()) or 0)
    w = window()
    experiment, points = tmp_path / "pipe.gdp.json", tmp_path / "pipe.csv"
    for path in (experiment, points):
        os.mkfifo(path)
    run = w.controller.run
    for path in (experiment, points):  # Open, drop, Recent and the system's request all end here
        timer = _release_after(path, 10)
        assert not w.file_actions.open_path(path, ask=False)
        timer.cancel()
    assert w.controller.run is run
    assert seen == [("Cannot open the experiment", "pipe.gdp.json was not opened:\n\npipe.gdp.json: not a regular file (a pipe); only files can be opened")]
    assert len(shown) == 1 and "pipe.csv: not a regular file (a pipe)" in shown[0]
    recent = RecentFiles(None)
    recent.add(experiment)
    assert recent.paths() == []


@pytest.mark.parametrize("stored", [5, [1, 2], {"a": "b"}])
def test_a_recent_files_entry_edited_by_hand_is_forgotten(tmp_path, stored):
    from gdplayground.ui.recent_files import KEY, RecentFiles

    settings = QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat)
    settings.setValue(KEY, stored)
    assert RecentFiles(settings).paths() == []
    good = tmp_path / "a.gdp.json"
    good.write_text("{}")
    RecentFiles(settings).add(good)
    assert RecentFiles(settings).paths() == [str(good.resolve())]
