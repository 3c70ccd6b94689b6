"""The optimizer and the learning rate in the run toolbar, always in view (the hyper panel in the
left column may be scrolled out of sight on a short screen).

A second view of the controller's one config, like the hyper panel: ``set_config`` shows a
RunConfig without emitting; ``changed(dict)`` carries the RunConfig fields the student changed,
exactly as the hyper panel's ``changed`` would (a new optimizer brings its default learning
rate and hyperparameters along). The window feeds both into the same controller method and
shows every config it reports in both, so they never disagree.

Lesson locks find these widgets by the hyper panel's names: the optimizer column is named
"optimizerGroup" (locked or hidden with its caption) and the learning-rate field "lrCombo" (a
form field, hidden with its caption).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from ..engine import optimizers, schedules
from ..engine.config import RunConfig
from .hyper_choices import LR_PRESETS, OPTIMIZER_LABELS
from .optimizer_fields import NumberCombo, set_invalid


class QuickSettings(QWidget):
    """``optimizer`` (a combo) and ``lr`` (a NumberCombo), each under a small caption.

    Signal ``changed(dict)``: {"optimizer", "lr", "hyper"} when an optimizer is chosen (only
    the fields that differ from the config shown), {"lr": float} when a valid learning rate is
    picked or typed. Method ``set_config(config)``."""

    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = RunConfig()
        self.optimizer = QComboBox(self)
        for i, name in enumerate(optimizers.NAMES):
            self.optimizer.addItem(OPTIMIZER_LABELS[name], name)
            self.optimizer.setItemData(i, optimizers.RULES[name], Qt.ItemDataRole.ToolTipRole)
        self.optimizer.setAccessibleName("Optimizer")
        # a click must not keep the focus: Space would open the list instead of playing
        self.optimizer.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.optimizer.activated.connect(self._optimizer_chosen)
        self.lr = NumberCombo(LR_PRESETS, low=0.0, low_open=True, parent=self)
        self.lr.setObjectName("lrCombo")
        self.lr.setAccessibleName("Learning rate")
        self.lr.setToolTip("Learning rate: size of each step along the negative gradient; pick "
                           "one or type any positive number")
        self.lr.edited.connect(self._lr_edited)
        self.lr.lineEdit().returnPressed.connect(self._lr_returned)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        optimizer_column = QWidget(self)
        optimizer_column.setObjectName("optimizerGroup")
        self._captioned(optimizer_column, "Optimizer", self.optimizer)
        lr_column = QWidget(self)
        self._captioned(lr_column, "Learning rate", self.lr)
        row.addWidget(optimizer_column)
        row.addWidget(lr_column)
        self.set_config(self._config)

    def _captioned(self, column: QWidget, caption: str, field: QWidget) -> None:
        """``field`` under a small caption, as one row of a form, so that hiding the field
        (a lesson lock) hides its caption too."""
        form = QFormLayout(column)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.setVerticalSpacing(0)
        label = QLabel(caption, column)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))  # as the speed slider's title
        label.setFont(font)
        label.setBuddy(field)
        field.setParent(column)
        form.addRow(label, field)

    # -- public --

    def set_config(self, config: RunConfig) -> None:
        """Show the optimizer and learning rate of ``config``; ``changed`` is not emitted."""
        self._config = config
        self.optimizer.blockSignals(True)
        self.optimizer.setCurrentIndex(max(self.optimizer.findData(config.optimizer), 0))
        self.optimizer.blockSignals(False)
        self.optimizer.setToolTip(f"Optimizer: {optimizers.RULES[config.optimizer]}")
        self.lr.set_value(config.lr)

    # -- reactions --

    def _optimizer_chosen(self) -> None:
        name = self.optimizer.currentData()
        if name == self._config.optimizer:
            return
        # as the hyper panel: a new optimizer starts from its own defaults
        lr = optimizers.DEFAULT_LR[name]
        self.lr.set_value(lr)
        changes: dict[str, Any] = {"optimizer": name, "hyper": dict(optimizers.HYPERPARAMETERS[name])}
        if lr != self._config.lr:
            changes["lr"] = lr
        self._emit(changes)

    def _lr_edited(self, lr: float) -> None:
        config = self._config
        try:  # the schedule may refuse the rate (a cosine's lr_min above it, for instance)
            schedules.create(config.schedule, lr, config.warmup_steps,
                             **{**schedules.SETTINGS[config.schedule], **config.schedule_dict})
        except ValueError as error:
            set_invalid(self.lr, str(error))
            return
        if lr != config.lr:
            self._emit({"lr": lr})

    def _emit(self, changes: dict[str, Any]) -> None:
        # shown as in force until the window shows what the controller made of it: Return and
        # the focus leaving the field report the same rate once, not twice
        self._config = self._config.replace(**changes)
        self.changed.emit(changes)

    def _lr_returned(self) -> None:
        # a valid rate is in: give the keys back to the window (Space plays, arrows step)
        if self.lr.value() is not None and not self.lr.property("invalid"):
            self.lr.clearFocus()
