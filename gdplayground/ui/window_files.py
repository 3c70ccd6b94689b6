"""Wiring the file features into the main window: the File menu (FileActions), the drawing tools
above the output plot, and the object names lesson locks look for. One call from the
composition root: ``install_file_support(window)``."""
from __future__ import annotations

from functools import reduce

from PySide6.QtWidgets import QBoxLayout, QMainWindow, QWidget

from .drawing_tools import DrawingTools
from .file_actions import FileActions
from .point_drawing import PointDrawing

# Widgets of other panels, by attribute path on the window, and the object name a lesson lock
# finds them by (lesson_locks.WIDGET_NAMES). Missing attributes are skipped: a renamed widget
# only loses its visible lock; the controller still refuses the locked setting.
LOCK_NAMES: tuple[tuple[str, str], ...] = (
    ("dataset_picker", "datasetPicker"),
    ("hyper_panel._optimizer.parentWidget()", "optimizerGroup"),
    ("hyper_panel._lr", "lrCombo"),
    ("hyper_panel._schedule", "scheduleCombo"),
    ("hyper_panel._warmup", "warmupSpin"),
    ("hyper_panel._batch.parentWidget()", "batchGroup"),
    ("hyper_panel._loss", "lossCombo"),
    ("hyper_panel._init", "initCombo"),
    ("hyper_panel._activation", "activationCombo"),
    ("hyper_panel._regularization.parentWidget()", "regularizationRow"),
    ("hyper_panel._seed.parentWidget()", "seedRow"),
)


def install_file_support(window: QMainWindow) -> FileActions:
    """Add the file features to ``window`` (a MainWindow: controller, boundary_plot, ...)."""
    actions = FileActions(window, window.controller)
    actions.install()
    window.file_actions = actions
    name_lockable_widgets(window)
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


def name_lockable_widgets(window: QWidget) -> None:
    for path, name in LOCK_NAMES:
        widget = _resolve(window, path)
        if isinstance(widget, QWidget) and not widget.objectName():
            widget.setObjectName(name)


def _resolve(root: object, path: str) -> object | None:
    def step(obj: object | None, part: str) -> object | None:
        if obj is None:
            return None
        call = part.endswith("()")
        value = getattr(obj, part[:-2] if call else part, None)
        return value() if call and callable(value) else value
    return reduce(step, path.split("."), root)


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
