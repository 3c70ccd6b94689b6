"""Small widget pieces the settings forms share: a group box with a widget in its title line,
combos filled from label dicts, dim captions and the red error line under a group."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox, QGroupBox, QHBoxLayout, QLabel, QStyle, QStyleOptionGroupBox, QWidget,
)

from .optimizer_fields import INVALID_COLOR


def labelled_combo(items: dict[str, str], tips: dict[str, str] | None = None) -> QComboBox:
    """A combo showing the labels of ``items`` with their names as item data."""
    combo = QComboBox()
    for i, (name, label) in enumerate(items.items()):
        combo.addItem(label, name)
        if tips:
            combo.setItemData(i, tips[name], Qt.ItemDataRole.ToolTipRole)
    return combo


def select_quietly(combo: QComboBox, name: Any) -> None:
    """Show the item whose data is ``name`` (else the first) without emitting."""
    combo.blockSignals(True)
    combo.setCurrentIndex(max(combo.findData(name), 0))
    combo.blockSignals(False)


def dim_label(text: str) -> QLabel:
    """A caption in the placeholder colour: a hint, not a setting."""
    label = QLabel(text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def error_label() -> QLabel:
    """A hidden, word-wrapped label in the invalid colour; ``show_error`` fills it."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {INVALID_COLOR};")
    label.hide()
    return label


def show_error(label: QLabel, error: str | None) -> None:
    """Show ``error`` in ``label``, or hide the label when there is none."""
    label.setText(error or "")
    label.setVisible(error is not None)


def side_by_side(left: QWidget, right: QWidget) -> QWidget:
    """One form field of two widgets; the left one takes the spare width."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(left, 1)
    row.addWidget(right)
    return box


class TitledGroup(QGroupBox):
    """A group box with a small widget at the right end of its title line (a row of its own
    would push the groups below further down a short screen)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._corner: QWidget | None = None

    def set_corner(self, widget: QWidget) -> None:
        widget.setParent(self)
        self._corner = widget
        self._place_corner()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_corner()

    def _place_corner(self) -> None:
        if self._corner is None:
            return
        option = QStyleOptionGroupBox()
        self.initStyleOption(option)
        label = self.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                            QStyle.SubControl.SC_GroupBoxLabel, self)
        width = self._corner.sizeHint().width()
        # as tall as the title's text, so both read on one line and the frame stays clear
        height = max(label.height(), self._corner.fontMetrics().height() + 2)
        top = max(0, label.center().y() - height // 2)
        self._corner.setGeometry(QRect(self.width() - width, top, width, height))
