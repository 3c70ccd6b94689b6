"""Remembering the main window between sessions in QSettings: the last configuration, the
training speed, the view options, the geometry, the splitter and the docks. The keys are what
earlier versions wrote: renaming one would forget what a student's settings hold."""
from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction

from ..engine.config import RunConfig
from ..experiment import CUSTOM, ExperimentError, check_config, config_from_text, config_to_json

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

# settings key (under view/) of each view option, in the order of view_actions()
VIEW_OPTIONS = ("log_scale", "show_test", "discretize", "colorblind", "dark")
CONFIG_KEY = "run/config"


def view_actions(window: MainWindow) -> tuple[QAction, ...]:
    """The checkable View actions, one for each of VIEW_OPTIONS."""
    return (window.log_action, window.test_action, window.discretize_action, window.colorblind_action, window.dark_action)


def remembered_config(settings: QSettings | None) -> RunConfig | None:
    """The configuration of the last session, or None (nothing remembered, or not usable)."""
    return read_remembered(settings)[0]


def read_remembered(settings: QSettings | None) -> tuple[RunConfig | None, str | None]:
    """The last session's configuration, checked as an opened file is (it builds a run and
    fits the window), or None and the reason in one sentence (None when nothing is remembered).
    A settings file edited by hand or written by another version must not stop the app."""
    text = settings.value(CONFIG_KEY) if settings is not None else None
    if not text:
        return None, None
    try:
        config = config_from_text(str(text))
        # drawn or imported points live in experiment files, not in the settings
        if config.dataset == CUSTOM:
            config = config.replace(dataset=RunConfig().dataset)
        check_config(config, window=True)
    except (ExperimentError, ValueError, TypeError) as exc:
        return None, str(exc)
    return config, None


def _note_unusable_settings(window: MainWindow) -> None:
    _, reason = read_remembered(window.settings)
    if reason is None:
        return
    log.warning("ignoring the remembered configuration: %s", reason)
    window.settings.remove(CONFIG_KEY)  # said once; the next close remembers a good one
    window.statusBar().showMessage(f"The settings remembered from last time were not used ({reason}).")


def restore_window(window: MainWindow) -> bool:
    """Apply the remembered view options (the defaults without settings), speed and geometry.
    True if the splitter's sizes were restored too (else the window sets default ones)."""
    s = window.settings
    values = {k: _as_bool(s.value(f"view/{k}", False)) if s is not None else False for k in VIEW_OPTIONS}
    for key, action in zip(VIEW_OPTIONS, view_actions(window)):
        action.setChecked(values[key])
        action.toggled.emit(values[key])  # apply even when the value is the default
    if s is None:
        return False
    _note_unusable_settings(window)
    _restore_speed(window, s.value("run/speed"))
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    state = s.value("window/splitter")
    return isinstance(state, QByteArray) and window.splitter.restoreState(state)


def _restore_speed(window: MainWindow, speed: object) -> None:
    if speed is None:
        return
    try:
        window.run_controls.set_speed(float(speed))
        # set_speed moves to the nearest stop without a signal: the controller gets that stop
        window.controller.set_speed(window.run_controls.speed())
    except (TypeError, ValueError):
        pass


def restore_docks(window: MainWindow) -> bool:
    """Docks and toolbars as the student left them (call after every dock has been added).
    True if they were restored."""
    state = window.settings.value("window/state") if window.settings is not None else None
    return isinstance(state, QByteArray) and not state.isEmpty() and window.restoreState(state)


def save_window(window: MainWindow) -> None:
    """Remember everything restore_window, restore_docks and remembered_config read."""
    s = window.settings
    if s is None:
        return
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState())
    s.setValue("window/splitter", window.splitter.saveState())
    s.setValue(CONFIG_KEY, config_to_json(window.controller.config))
    speed = window.controller.speed
    s.setValue("run/speed", "inf" if math.isinf(speed) else speed)
    for key, action in zip(VIEW_OPTIONS, view_actions(window)):
        s.setValue(f"view/{key}", action.isChecked())
    s.sync()


def _as_bool(value: object) -> bool:
    # INI files give the strings back, native settings the booleans
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)
