"""Wiring the file features into the main window: the File menu (FileActions), the drawing tools
above the output plot, and the dataset picker's "Your points" (drawn or imported points shown,
and split anew when the training share moves). One call from the composition root:
``install_file_support(window)``.

Lesson locks find the panels' widgets by the object names the panels give them themselves
(lesson_locks.WIDGET_NAMES)."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QBoxLayout, QMainWindow, QWidget

from ..engine import datasets
from ..engine.run import Run
from ..experiment import CUSTOM
from .drawing_tools import DrawingTools
from .file_actions import FileActions
from .point_drawing import PointDrawing


def install_file_support(window: QMainWindow) -> FileActions:
    """Add the file features to ``window`` (a MainWindow: controller, boundary_plot, ...)."""
    actions = FileActions(window, window.controller)
    actions.install()
    window.file_actions = actions
    _show_own_points_in_picker(window)
    _ask_before_leaving_own_points(window, actions)
    plot = getattr(window, "boundary_plot", None)
    if plot is not None:
        drawing = PointDrawing(plot.plot, window)
        tools = DrawingTools(drawing, window)
        _place_above(plot, tools)
        tools.drawing_toggled.connect(lambda on: _drawing_toggled(window, drawing, on))
        drawing.points_changed.connect(lambda x, y, kind: actions.use_points(x, y, kind, f"{len(x):,} points drawn"))
        colorblind = getattr(window, "colorblind_action", None)
        if colorblind is not None:
            colorblind.toggled.connect(lambda _on: drawing.refresh_colors())
        window.point_drawing, window.drawing_tools = drawing, tools
    return actions


def _ask_before_leaving_own_points(window: QMainWindow, actions: FileActions) -> None:
    """Picking a generated dataset replaces the student's own points: ask first (Save, Discard,
    Cancel), as closing the window does. Chained in front of the controller's existing hook."""
    c = window.controller
    previous = getattr(c, "before_change", None)

    def hook(what: str, changes=None) -> bool:
        leaving = bool(changes) and changes.get("dataset", CUSTOM) != CUSTOM and c.config.dataset == CUSTOM
        if leaving and not actions.maybe_save():
            return False
        return previous is None or previous(what, changes)

    c.before_change = hook


def _show_own_points_in_picker(window: QMainWindow) -> None:
    """The picker draws the run's own points, and a new training share splits them anew."""
    picker = getattr(window, "dataset_picker", None)
    if picker is None or not hasattr(picker, "custom_split_changed"):
        return
    controller = window.controller
    picker.custom_split_changed.connect(lambda ratio: split_own_points(window, ratio))
    # connected after the window's own config slot: the picker has been told "custom" by then
    controller.config_changed.connect(lambda _config: _show_own_points(window))
    _show_own_points(window)


def _show_own_points(window: QMainWindow) -> None:
    run = window.controller.run
    if run.config.dataset == CUSTOM:  # the data never change under a run: safe to read
        window.dataset_picker.set_custom_points(run.data.x_all, run.data.y_all, run.data.kind)


def split_own_points(window: QMainWindow, ratio: float) -> bool:
    """Split the run's drawn or imported points anew with training share ``ratio``; the run
    starts again from update 0, as after any change of the data. False when refused (locked,
    kept by the timeline, or not custom data); the picker then shows the settings in force."""
    c = window.controller
    config = c.config
    changes = {"train_ratio": float(ratio)}
    if config.dataset != CUSTOM or config.train_ratio == ratio:
        return _refused(window, "")
    if "train_ratio" in getattr(c, "locked_fields", ()):
        return _refused(window, "Locked by the lesson: the train/test split.")
    hook = getattr(c, "before_change", None)
    if hook is not None and not hook("settings", changes):
        return _refused(window, "")
    data = c.run.data
    x, y = data.x_all, data.y_all
    # a fixed order of the points: the same share gives the same split whatever came before,
    # and a larger share keeps every training point of a smaller one (as for generated data)
    order = np.lexsort((y, x[:, 1], x[:, 0]))
    try:
        new = config.replace(**changes)
        run = Run(new, datasets.from_points(x[order], y[order], data.kind, new.train_ratio, new.effective_data_seed))
    except ValueError as exc:
        return _refused(window, f"Not applied: {exc}")
    c.load_run(run, f"Your points split anew, {round(ratio * 100)} % for training: the run starts again from update 0.")
    return True


def _refused(window: QMainWindow, message: str) -> bool:
    config = window.controller.config
    window.dataset_picker.set_values(config.dataset, config.points, config.noise, config.train_ratio, config.data_seed)
    if message:
        window.statusBar().showMessage(message, 8000)
    return False


def _place_above(plot: QWidget, tools: QWidget) -> None:
    """Put the tools right above the plot in the plot's own column."""
    parent = plot.parentWidget()
    layout = parent.layout() if parent is not None else None
    if isinstance(layout, QBoxLayout) and layout.indexOf(plot) >= 0:
        layout.insertWidget(layout.indexOf(plot), tools)
    else:
        tools.setParent(parent)


def _drawing_toggled(window: QMainWindow, drawing: PointDrawing, on: bool) -> None:
    """Drawing starts from the points the run has now; training pauses while drawing."""
    if not on:
        return
    controller = window.controller
    controller.pause()
    data = controller.run.data
    drawing.set_points(data.x_all, data.y_all, data.kind)
