"""The timeline: a scrubber over every update so far, with step back / step forward buttons and
"update 37 of 120". Passive: it shows the range and position it is given and asks to move with
``seek_requested``; whoever owns the run decides what seeking means. ``confirm_branch`` asks
before training from an earlier update discards the later ones (only when that is more than a
handful, so that Step back then Step never nags).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QSlider, QStyle, QToolButton, QWidget

BRANCH_QUIET = 10  # discarding this many updates or fewer needs no question


class Timeline(QWidget):
    """``set_range(head, position)``: ``head`` updates exist, the one shown is ``position``
    (0 = the initial weights). Signal ``seek_requested(int)``: the user asked to show another
    update (dragging, clicking, the buttons, the keyboard)."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._head = 0
        self._setting = False
        self.back_button = self._button(QStyle.StandardPixmap.SP_MediaSeekBackward, "Step back: show the update before",
                                        "timelineBack")
        self.forward_button = self._button(QStyle.StandardPixmap.SP_MediaSeekForward, "Step forward: show the next update",
                                           "timelineForward")
        self.latest_button = self._button(QStyle.StandardPixmap.SP_MediaSkipForward, "Go to the latest update", "timelineLatest")
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("timelineSlider")
        self.slider.setToolTip("Every update so far: drag to see the network as it was then. Training from an "
                               "earlier update starts a new branch there.")
        self.slider.setRange(0, 0)
        self.slider.setPageStep(10)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderMoved.connect(self._show)  # the label follows a drag even when not live
        self.label = QLabel(self)
        self.label.setObjectName("timelinePosition")
        self.label.setMinimumWidth(self.fontMetrics().horizontalAdvance("update 000,000 of 000,000 (latest)"))
        self.details = QLabel(self)
        self.details.setObjectName("timelineDetails")
        self.details.setToolTip("The batch loss of the update shown (before it was applied) and the learning rate it used")
        self.back_button.clicked.connect(lambda: self._request(self.slider.value() - 1))
        self.forward_button.clicked.connect(lambda: self._request(self.slider.value() + 1))
        self.latest_button.clicked.connect(lambda: self._request(self._head))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.back_button)
        layout.addWidget(self.forward_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.latest_button)
        layout.addWidget(self.label)
        layout.addWidget(self.details)
        self._show()

    def _button(self, icon: QStyle.StandardPixmap, tip: str, name: str) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setIcon(self.style().standardIcon(icon))
        b.setToolTip(tip)
        b.setAutoRaise(True)
        return b

    # -- public API ---------------------------------------------------------------------------
    def set_range(self, head: int, position: int | None = None) -> None:
        """``head`` updates so far; show update ``position`` (default: the latest). No signal."""
        self._head = max(0, int(head))
        position = self._head if position is None else min(max(0, int(position)), self._head)
        self._setting = True
        self.slider.setRange(0, self._head)
        if not self.slider.isSliderDown():  # never pull the handle from under a drag
            self.slider.setValue(position)
        self._setting = False
        self._show()

    def set_live(self, live: bool) -> None:
        """Live: ask to seek all along a drag. Not live: only where the drag ends (when going
        back is slow: a long history replays up to its checkpoint interval for each seek)."""
        self.slider.setTracking(bool(live))

    @property
    def position(self) -> int:
        return self.slider.value()

    @property
    def head(self) -> int:
        return self._head

    def text(self) -> str:
        return self.label.text()

    def set_details(self, text: str) -> None:
        """A short line about the update shown (its batch loss and learning rate)."""
        self.details.setText(text)

    # -- internals ----------------------------------------------------------------------------
    def _request(self, step: int) -> None:
        step = min(max(0, step), self._head)
        if step != self.slider.value():
            self.slider.setValue(step)  # emits through _on_slider

    def _on_slider(self, value: int) -> None:
        self._show()
        if not self._setting:
            self.seek_requested.emit(int(value))

    def _show(self, *_: object) -> None:
        k, n = self.slider.sliderPosition(), self._head
        if n == 0:
            text = "no updates yet"
        elif k == 0:
            text = f"start (before update 1) of {n:,}"
        else:
            text = f"update {k:,} of {n:,}" + (" (latest)" if k == n else "")
        self.label.setText(text)
        self.back_button.setEnabled(k > 0)
        self.forward_button.setEnabled(k < n)
        self.latest_button.setEnabled(k < n)


def branch_question(n_discarded: int) -> str:
    return (f"Training from here starts a new branch: the {n_discarded:,} later updates will be "
            f"discarded. Continue?")


def confirm_branch(parent: QWidget | None, n_discarded: int) -> bool:
    """True when training may go on from an earlier update, discarding ``n_discarded`` later
    ones: without asking for a handful (≤ BRANCH_QUIET), else after the user agreed."""
    if n_discarded <= BRANCH_QUIET:
        return True
    box = QMessageBox(QMessageBox.Icon.Question, "Start a new branch?", branch_question(n_discarded),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("branchDialog")
    go = box.addButton("Discard and continue", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(go)
    box.exec()
    return box.clickedButton() is go
