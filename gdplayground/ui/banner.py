"""A yellow banner across the window for a run that diverged: what happened, and a button that
restarts with a learning rate ten times smaller. Yellow with dark text in both palettes, like a
warning a student has seen elsewhere."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

_STYLE = """
#divergenceBanner { background: #fff3cd; border: 1px solid #e0b100; border-radius: 4px; }
#divergenceBanner QLabel { color: #4a3800; }
#divergenceBanner QPushButton { color: #222; background: #ffe08a; border: 1px solid #b38b00;
                                border-radius: 3px; padding: 3px 10px; }
#divergenceBanner QPushButton:hover { background: #ffd24d; }
#divergenceBanner QToolButton { color: #4a3800; border: none; font-weight: bold; }
"""


class DivergenceBanner(QFrame):
    """``show_divergence(reason, suggested_lr)``, ``clear()``. Signals: ``lr_accepted(float)``
    (the student chose the smaller learning rate), ``dismissed()``."""

    lr_accepted = Signal(float)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("divergenceBanner")
        self.setStyleSheet(_STYLE)
        self._lr = 0.0
        self.icon = QLabel("⚠", self)
        self.icon.setStyleSheet("font-size: 18px;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_button = QPushButton(self)
        self.use_button.setObjectName("useSmallerLr")
        self.use_button.setToolTip("Set this learning rate and start the run again from update 0 (the weights have blown up)")
        self.use_button.clicked.connect(lambda: self.lr_accepted.emit(self._lr))
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self._dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.icon)
        row.addWidget(self.message, 1)
        row.addWidget(self.use_button)
        row.addWidget(self.close_button)
        self.hide()

    def show_divergence(self, reason: str, suggested_lr: float) -> None:
        self._lr = suggested_lr
        self.message.setText(reason)
        self.use_button.setText(f"Use lr = {suggested_lr:g} and restart")
        self.show()

    def clear(self) -> None:
        self.hide()

    def suggested_lr(self) -> float:
        return self._lr

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
