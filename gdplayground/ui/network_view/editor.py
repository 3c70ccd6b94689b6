"""A small inline editor for one weight or bias: Enter applies, Esc or clicking away cancels,
text that is not a finite number is refused with a tooltip."""
from __future__ import annotations

import math

from PySide6.QtCore import QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QToolTip, QWidget

REFUSAL = "Type a number between -1e6 and 1e6, such as -0.25, 3 or 1e-3, then Enter (Esc cancels)."


class ParamEditor(QLineEdit):
    applied = Signal(float)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("param_editor")
        validator = QDoubleValidator(-1e6, 1e6, 12, self)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        validator.setLocale(QLocale.c())  # a dot, whatever the desktop's language
        self.setValidator(validator)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.hide()

    def open(self, value: float | None, at: QPoint, title: str) -> None:
        """Show at ``at`` (clamped inside the parent), holding ``value``, all text selected."""
        # 10 significant digits: the validator allows 12 decimals, and QLineEdit lets any edit through
        # while the text it starts from is already unacceptable
        self.setText("" if value is None or not math.isfinite(value) else f"{value:.10g}")
        self.setToolTip(f"{title}\nType a new value, Enter applies, Esc cancels.")
        w, h = max(self.fontMetrics().horizontalAdvance("-0.000000000") + 16, 96), self.sizeHint().height()
        parent = self.parentWidget().rect()
        x = min(max(at.x() - w // 2, 2), parent.width() - w - 2)
        y = min(max(at.y() + 10, 2), parent.height() - h - 2)
        self.setGeometry(x, y, w, h)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.PopupFocusReason)
        self.selectAll()

    def value(self) -> float | None:
        """The typed value, or None if it is not an acceptable finite number."""
        if not self.hasAcceptableInput():
            return None
        try:
            v = float(self.text())
        except ValueError:
            return None
        return v if math.isfinite(v) else None

    def _apply(self) -> None:
        v = self.value()
        if v is None:
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), REFUSAL, self)
            return
        self.hide()
        self.applied.emit(v)

    def close_editor(self) -> None:
        if self.isVisible():
            self.hide()
            QToolTip.hideText()
            self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_editor()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._apply()  # returnPressed would stay silent on unacceptable text: refuse it visibly
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # the refusal tooltip is no reason to close
            self.close_editor()
