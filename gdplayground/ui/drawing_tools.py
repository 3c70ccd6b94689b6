"""A small bar of drawing tools for a PointDrawing: Draw on/off, point / brush / eraser, the
brush radius, Clear, and a one-line reminder of the mouse buttons."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .point_drawing import PointDrawing

HINT = "Left click: class + · right click: class − · Shift+click: a third class"


class DrawingTools(QWidget):
    """Drives ``drawing``. ``drawing_toggled(bool)`` says drawing was switched on or off (the
    window pauses training and hands the current points to the drawing when it starts)."""

    drawing_toggled = Signal(bool)

    def __init__(self, drawing: PointDrawing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawingTools")
        self.drawing = drawing
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        layout = QHBoxLayout()
        column.addLayout(layout)
        self.draw_button = self._button("&Draw points", "Draw your own data on the plot", "drawButton")
        self.draw_button.toggled.connect(self._toggle)
        layout.addWidget(self.draw_button)
        self.modes = QButtonGroup(self)
        self.mode_buttons = {}
        for mode, text, tip in (("point", "Point", "One point per click"),
                                ("brush", "Brush", "Drag to spray points within the radius"),
                                ("erase", "Eraser", "Click or drag to remove points within the radius")):
            button = self._button(text, tip, f"{mode}Mode")
            self.modes.addButton(button)
            self.mode_buttons[mode] = button
            button.toggled.connect(lambda on, m=mode: on and drawing.set_mode(m))
            layout.addWidget(button)
        self.mode_buttons["point"].setChecked(True)
        self.radius = QDoubleSpinBox(self)
        self.radius.setObjectName("brushRadius")
        self.radius.setRange(0.1, 3.0)
        self.radius.setSingleStep(0.1)
        self.radius.setDecimals(1)
        self.radius.setValue(drawing.radius)
        self.radius.setPrefix("radius ")
        self.radius.setToolTip("Brush and eraser radius, in input units")
        self.radius.valueChanged.connect(drawing.set_radius)
        layout.addWidget(self.radius)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearPoints")
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Remove every point")
        self.clear_button.clicked.connect(drawing.clear)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        font = self.hint.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.hint.setFont(font)
        column.addWidget(self.hint)
        self._toggle(False)

    def _button(self, text: str, tip: str, name: str) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(True)
        return b

    def _toggle(self, on: bool) -> None:
        for widget in (*self.mode_buttons.values(), self.radius, self.clear_button, self.hint):
            widget.setEnabled(on)
        self.drawing.set_enabled(on)
        self.drawing_toggled.emit(on)

    def set_drawing(self, on: bool) -> None:
        """Switch drawing on or off as if the Draw button had been clicked."""
        self.draw_button.setChecked(on)
