"""Applying a lesson's locks to the window: widgets found by object name are disabled (locked) or
hidden, and the controller refuses changes to the locked settings whichever way they come (the
network view's clicks on features and layers have no widget to disable).

``apply_lesson_locks(window, lesson)`` replaces whatever the previous lesson locked;
``apply_lesson_locks(window, None)`` frees everything.
"""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFormLayout, QWidget

from ..experiment import Lesson

# The RunConfig fields each lesson control covers; "weights" and "draw" are not config fields:
# the controller refuses hand-edited weights, the file actions refuse new points.
LOCK_FIELDS: dict[str, tuple[str, ...]] = {
    "dataset": ("dataset", "points", "noise", "train_ratio", "data_seed"),
    "draw": ("draw",),
    "features": ("features",),
    "hidden": ("hidden",),
    "activation": ("activation",),
    "loss": ("loss",),
    "init": ("init",),
    "optimizer": ("optimizer", "hyper"),
    "lr": ("lr",),
    "schedule": ("schedule", "schedule_settings", "warmup_steps"),
    "batch_size": ("batch_size",),
    "regularization": ("regularization", "reg_rate"),
    "seed": ("seed",),
    "weights": ("weights",),
}

# Object names of the widgets and actions that show each control, as the panels name their own
# widgets (dataset picker, hyper panel, network view, drawing tools, File menu); "name_*" stands
# for name_0, name_1, ... (one per hidden layer in the network view). A widget that is a field
# of a form is hidden with its label.
WIDGET_NAMES: dict[str, tuple[str, ...]] = {
    "dataset": ("datasetPicker",),
    "draw": ("drawingTools", "importCsvAction"),
    "features": (),
    "hidden": ("add_layer", "remove_layer", "add_neuron_*", "remove_neuron_*"),
    "activation": ("activationCombo", "activation_*"),
    "loss": ("lossCombo",),
    "init": ("initCombo",),
    "optimizer": ("optimizerGroup",),
    "lr": ("lrCombo",),
    "schedule": ("scheduleCombo", "warmupSpin"),
    "batch_size": ("batchGroup",),
    "regularization": ("regularizationRow",),
    "seed": ("seedRow",),
    "weights": (),
}
LOCKED_TIP = "Locked by the lesson"


def locked_fields(lesson: Lesson | None) -> frozenset[str]:
    """Config fields (and "weights", "draw") a lesson locks or hides."""
    if lesson is None:
        return frozenset()
    return frozenset(f for c in set(lesson.locked) | set(lesson.hidden) for f in LOCK_FIELDS[c])


class LessonLocks:
    """What one lesson changed on a window, so that it can be undone exactly."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self._disabled: list[tuple[QWidget | QAction, str]] = []  # (widget, its old tooltip)
        self._hidden: list[QWidget] = []

    def apply(self, lesson: Lesson | None) -> None:
        self.release()
        controller = getattr(self.window, "controller", None)
        if controller is not None:
            controller.locked_fields = locked_fields(lesson)
        if lesson is None:
            return
        for thing in self._find(lesson.locked + lesson.hidden):
            if thing.isEnabled():
                self._disabled.append((thing, thing.toolTip()))
                thing.setEnabled(False)
                thing.setToolTip(LOCKED_TIP)
        for widget in self._find(lesson.hidden):
            if isinstance(widget, QWidget) and not widget.isHidden():
                _set_row_visible(widget, False)
                self._hidden.append(widget)
            elif isinstance(widget, QAction) and widget.isVisible():
                widget.setVisible(False)
                self._hidden.append(widget)

    def release(self) -> None:
        for thing, tip in self._disabled:
            thing.setEnabled(True)
            thing.setToolTip(tip)
        for widget in self._hidden:
            if isinstance(widget, QAction):
                widget.setVisible(True)
            else:
                _set_row_visible(widget, True)
        self._disabled, self._hidden = [], []

    def _find(self, controls: Iterable[str]) -> list[QWidget | QAction]:
        found: list[QWidget | QAction] = []
        for control in dict.fromkeys(controls):
            for name in WIDGET_NAMES.get(control, ()):
                pattern = QRegularExpression(f"^{name[:-1]}\\d+$" if name.endswith("_*") else f"^{name}$")
                for kind in (QWidget, QAction):
                    found += [t for t in self.window.findChildren(kind, pattern) if t not in found]
        return found


def _set_row_visible(widget: QWidget, visible: bool) -> None:
    """Hide a widget, and its label too when it is a field of a form."""
    form = _form_of(widget)
    if form is not None:
        form.setRowVisible(widget, visible)
    widget.setVisible(visible)


def _form_of(widget: QWidget) -> QFormLayout | None:
    """The form layout (possibly nested in its parent's layout) that holds ``widget``."""
    parent = widget.parentWidget()
    pending = [parent.layout()] if parent is not None and parent.layout() is not None else []
    while pending:
        layout = pending.pop()
        if isinstance(layout, QFormLayout) and layout.indexOf(widget) >= 0:
            return layout
        pending += [layout.itemAt(i).layout() for i in range(layout.count()) if layout.itemAt(i).layout() is not None]
    return None


def apply_lesson_locks(window: QWidget, lesson: Lesson | None) -> LessonLocks:
    """Lock and hide what ``lesson`` says on ``window`` (undoing the previous lesson's)."""
    locks = getattr(window, "_lesson_locks", None)
    if locks is None:
        locks = LessonLocks(window)
        window._lesson_locks = locks  # one record per window, so the next lesson can undo it
    locks.apply(lesson)
    return locks
