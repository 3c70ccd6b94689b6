"""The row on top: Reset, Play/Pause, Step, Step epoch, the speed slider and the counters.
Passive: it shows the state and counters it is given and emits what was clicked."""
from __future__ import annotations

import math
from typing import Mapping

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QSlider, QStyle, QToolButton, QWidget,
)

SPEED_STOPS: tuple[tuple[float, str], ...] = (
    (1.0, "1/s"), (5.0, "5/s"), (30.0, "30/s"), (100.0, "100/s"), (1000.0, "1000/s"), (math.inf, "max"),
)
_COUNTERS = (("step", "Update"), ("epoch", "Epoch"), ("train_loss", "Train loss"), ("test_loss", "Test loss"),
             ("train_accuracy", "Train acc."), ("test_accuracy", "Test acc."))
_TIPS = {
    "step": "Updates so far: one update = one mini-batch and one change of the weights",
    "epoch": "Complete passes over the training set",
    "train_loss": "Loss on the whole training set (not just the last mini-batch)",
    "test_loss": "Loss on the test set, which training never sees",
    "train_accuracy": "Share of training points on the right side of the boundary",
    "test_accuracy": "Share of test points on the right side of the boundary",
}
_WIDEST = {"step": "0,000,000", "epoch": "000,000", "train_loss": "0.00e-00", "test_loss": "0.00e-00",
           "train_accuracy": "100.0 %", "test_accuracy": "100.0 %"}


def format_metric(key: str, value: float | None) -> str:
    """How a counter reads: losses with 4 decimals (small or large ones in e-notation),
    accuracies in percent."""
    if value is None:
        return "–"
    if key in ("step", "epoch"):
        return f"{int(value):,}"
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "not a number"
    if key.endswith("accuracy"):
        return f"{100 * value:.1f} %"
    if value == 0 or 1e-3 <= abs(value) < 10:
        return f"{value:.4f}"
    if 10 <= abs(value) < 1e4:
        return f"{value:.4g}"
    return f"{value:.2e}"


class RunControls(QWidget):
    """Signals: ``reset_clicked``, ``play_clicked`` (toggle), ``step_clicked``,
    ``step_epoch_clicked``, ``speed_changed(float)`` (updates per second; inf = as fast as
    possible). Methods: ``set_state``, ``set_counters``, ``set_speed``, ``speed``,
    ``add_settings`` (a widget of settings between the speed slider and the counters)."""

    reset_clicked = Signal()
    play_clicked = Signal()
    step_clicked = Signal()
    step_epoch_clicked = Signal()
    speed_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style = self.style()
        self._icons = {
            "play": style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            "pause": style.standardIcon(QStyle.StandardPixmap.SP_MediaPause),
        }
        self.reset_button = self._button("Reset", QStyle.StandardPixmap.SP_BrowserReload, "Start again from update 0 (R)")
        self.play_button = self._button("Play", QStyle.StandardPixmap.SP_MediaPlay, "Train continuously (Space)")
        self.play_button.setObjectName("playButton")
        self.play_button.setIconSize(QSize(28, 28))
        self.play_button.setMinimumWidth(84)
        self.step_button = self._button("Step", QStyle.StandardPixmap.SP_MediaSkipForward, "Exactly one update: one mini-batch, one change of the weights (→)")
        self.epoch_button = self._button("Epoch", QStyle.StandardPixmap.SP_MediaSeekForward, "Train to the end of this epoch: one pass over the training set (Shift+→)")
        self.reset_button.clicked.connect(self.reset_clicked)
        self.play_button.clicked.connect(self.play_clicked)
        self.step_button.clicked.connect(self.step_clicked)
        self.epoch_button.clicked.connect(self.step_epoch_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.setSpacing(6)
        for b in (self.reset_button, self.play_button, self.step_button, self.epoch_button):
            row.addWidget(b)
        row.addSpacing(8)
        row.addWidget(self._speed_box())
        row.addSpacing(8)
        self._kind = "binary"
        self._counters = self._counter_box()
        row.addWidget(self._counters, 1)
        self._row = row
        self.set_state("idle")

    def add_settings(self, widget: QWidget) -> None:
        """Show ``widget`` (settings the student changes while training) after the speed
        slider, before the counters."""
        at = self._row.indexOf(self._counters)
        # on top, as the speed slider's title: captions on one line, fields beside the slider
        self._row.insertWidget(at, widget, 0, Qt.AlignmentFlag.AlignTop)
        self._row.insertSpacing(at + 1, 10)

    def _button(self, text: str, icon: QStyle.StandardPixmap, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setIcon(self.style().standardIcon(icon))
        b.setToolTip(tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        b.setAutoRaise(False)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows belong to the window's shortcuts
        b.setMinimumWidth(56)
        return b

    def _speed_box(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(2)
        title = QLabel("Speed (updates/s)", box)
        title.setFont(_small_font(self.font()))
        grid.addWidget(title, 0, 0, 1, len(SPEED_STOPS))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal, box)
        self.speed_slider.setRange(0, len(SPEED_STOPS) - 1)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed_slider.setTickInterval(1)
        self.speed_slider.setValue(len(SPEED_STOPS) - 1)
        self.speed_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_slider.setToolTip("From one update per second (to watch each one) to as fast as possible")
        self.speed_slider.valueChanged.connect(lambda i: self.speed_changed.emit(SPEED_STOPS[i][0]))
        grid.addWidget(self.speed_slider, 1, 0, 1, len(SPEED_STOPS))
        for i, (_, label) in enumerate(SPEED_STOPS):
            tick = QLabel(label, box)
            tick.setFont(_small_font(self.font()))
            align = Qt.AlignmentFlag.AlignLeft if i == 0 else Qt.AlignmentFlag.AlignRight if i == len(SPEED_STOPS) - 1 else Qt.AlignmentFlag.AlignHCenter
            grid.addWidget(tick, 2, i, align)
        box.setMinimumWidth(200)
        return box

    def _counter_box(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(10)
        self._values: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        value_font = QFont(self.font())
        value_font.setPointSizeF(value_font.pointSizeF() * 1.25)
        for col, (key, caption) in enumerate(_COUNTERS):
            cap = QLabel(caption, box)
            cap.setFont(_small_font(self.font()))
            cap.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            val = QLabel("–", box)
            val.setObjectName(f"counter_{key}")
            val.setFont(value_font)
            # a fixed size: new text must not lay out the window again on every repaint
            val.setFixedSize(val.fontMetrics().horizontalAdvance(_WIDEST[key]) + 4, val.fontMetrics().height() + 2)
            cap.setToolTip(_TIPS[key])
            val.setToolTip(_TIPS[key])
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(cap, 0, col)
            grid.addWidget(val, 1, col)
            self._values[key], self._captions[key] = val, cap
        grid.setColumnStretch(len(_COUNTERS), 1)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # a narrow window cuts the last counters off rather than hiding the whole toolbar row
        # behind its overflow button: update, epoch and train loss stay
        box.setMinimumWidth(sum(self._values[k].width() for k in ("step", "epoch", "train_loss")) + 20)
        return box

    # -- showing -------------------------------------------------------------------------------
    def set_state(self, state: str) -> None:
        """"idle", "playing", "paused" or "diverged"."""
        playing = state == "playing"
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self._icons["pause" if playing else "play"])
        self.play_button.setToolTip("Pause training (Space)" if playing else "Train continuously (Space)")
        self.play_button.setEnabled(state != "diverged")
        self.step_button.setEnabled(state != "diverged")
        self.epoch_button.setEnabled(state != "diverged")

    def set_counters(self, step: int, epoch: int, metrics: Mapping[str, float], kind: str) -> None:
        """Update and epoch counts, and the latest full-set metrics (accuracy hidden for
        regression)."""
        values = {"step": step, "epoch": epoch, **metrics}
        self._kind = kind
        for key, label in self._values.items():
            label.setText(format_metric(key, values.get(key)))
        self._show_counters()

    def _show_counters(self) -> None:
        """The counters of this kind of problem that fit whole; the last ones go first."""
        room = self._counters.width()
        spacing = self._counters.layout().horizontalSpacing()
        used = 0
        for key, label in self._values.items():
            wanted = self._kind != "regression" or not key.endswith("accuracy")
            needed = max(label.width(), self._captions[key].sizeHint().width())
            shown = wanted and used + needed <= room
            used += needed + spacing if shown else 0
            label.setVisible(shown)
            self._captions[key].setVisible(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_counters()

    def counter_text(self, key: str) -> str:
        return self._values[key].text()

    def set_speed(self, updates_per_second: float) -> None:
        """Move the slider to the stop nearest to ``updates_per_second`` (no signal)."""
        i = min(range(len(SPEED_STOPS)), key=lambda k: abs(math.log10(min(SPEED_STOPS[k][0], 1e6)) - math.log10(min(max(updates_per_second, 1e-3), 1e6))))
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(i)
        self.speed_slider.blockSignals(False)

    def speed(self) -> float:
        return SPEED_STOPS[self.speed_slider.value()][0]


def _small_font(base: QFont) -> QFont:
    f = QFont(base)
    f.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
    return f
