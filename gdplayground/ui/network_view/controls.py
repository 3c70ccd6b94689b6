"""The widgets above the graph: + / − for hidden layers, and for each hidden layer + / − for its
neurons, its neuron count and its activation. They only report clicks; the view turns them into
the new structure it emits."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QSizePolicy, QStyle, QStyleOptionComboBox, QStylePainter,
                               QToolButton, QVBoxLayout, QWidget)

from ...engine import activations, limits
from . import naming

MAX_NEURONS = limits.WINDOW_NEURONS  # files with a bigger network are refused with this limit
MAX_LAYERS = limits.WINDOW_LAYERS


def _button(text: str, tip: str, name: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setObjectName(name)
    b.setAutoRaise(False)
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return b


def at_limit(button: QToolButton, limit: bool) -> None:
    """Disable ``button`` at a limit, and enable it again only if a limit disabled it: whoever
    else disabled it (a lesson locking the network's shape) keeps it disabled."""
    if limit and button.isEnabled():
        button.setEnabled(False)
        button.setProperty("at_limit", True)
    elif not limit and button.property("at_limit"):
        button.setEnabled(True)
        button.setProperty("at_limit", False)


class LayerCountControls(QWidget):
    """'+ layer', '− layer' and 'N hidden layers'."""

    added = Signal()
    removed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button = _button("+ layer", "Add a hidden layer (at most 8)", "add_layer")
        self.remove_button = _button("− layer", "Remove the last hidden layer", "remove_layer")
        self.label = QLabel()
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addSpacing(8)
        row.addWidget(self.label)
        self.add_button.clicked.connect(self.added)
        self.remove_button.clicked.connect(self.removed)

    def set_count(self, n: int) -> None:
        self.label.setText(naming.layers(n))
        at_limit(self.add_button, n >= MAX_LAYERS)
        at_limit(self.remove_button, n <= 0)


class ActivationCombo(QComboBox):
    """A combo that, in a narrow column, shows a short name (ReLU, sigm, leaky) instead of a
    clipped long one; the list it opens always has the full names."""

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        short = naming.ACTIVATION_SHORT.get(self.currentData(), opt.currentText)
        if self.width() < 64:  # too narrow for text and arrow: the frame alone says "a choice"
            opt.subControls &= ~QStyle.SubControl.SC_ComboBoxArrow
            p.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, fm.elidedText(short, Qt.TextElideMode.ElideRight, self.width() - 4))
            return
        p.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        room = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                           QStyle.SubControl.SC_ComboBoxEditField, self).width() - 2
        if fm.horizontalAdvance(opt.currentText) > room:
            opt.currentText = fm.elidedText(short, Qt.TextElideMode.ElideRight, room)
        p.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


class LayerControls(QWidget):
    """One hidden layer's + / −, neuron count and activation."""

    added = Signal()
    removed = Signal()
    activation_picked = Signal(str)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button = _button("+", f"Add a neuron to hidden layer {index + 1} (at most {MAX_NEURONS})", f"add_neuron_{index}")
        self.remove_button = _button("−", f"Remove a neuron from hidden layer {index + 1}", f"remove_neuron_{index}")
        for b in (self.add_button, self.remove_button):
            b.setFixedSize(QSize(22, 22))  # fixed from the start: the header's measured height stays put
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.activation_combo = ActivationCombo()
        self.activation_combo.setObjectName(f"activation_{index}")
        self.activation_combo.setToolTip(f"Activation of hidden layer {index + 1}")
        self.activation_combo.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        for name in activations.NAMES:
            self.activation_combo.addItem(naming.ACTIVATION_LABELS.get(name, name), name)
        self.activation_combo.view().setMinimumWidth(110)  # the list may be wider than a narrow column
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        buttons.addStretch()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addLayout(buttons)
        col.addWidget(self.count_label)
        col.addWidget(self.activation_combo)
        self.add_button.clicked.connect(self.added)
        self.remove_button.clicked.connect(self.removed)
        self.activation_combo.currentIndexChanged.connect(self._on_activation)
        self._neurons = 0

    def resizeEvent(self, event: QResizeEvent) -> None:
        # narrow columns: smaller buttons, and the count without the word
        side = 22 if self.width() >= 52 else 18 if self.width() >= 44 else 16  # a gap stays between layers
        for b in (self.add_button, self.remove_button):
            b.setFixedSize(QSize(side, 22))
        self._show_count()
        super().resizeEvent(event)

    def _show_count(self) -> None:
        text = naming.neurons(self._neurons)
        fits = self.count_label.fontMetrics().horizontalAdvance(text) <= self.width() - 2
        self.count_label.setText(text if fits else str(self._neurons))
        self.count_label.setToolTip(text)

    def set_state(self, neurons: int, activation: str) -> None:
        self._neurons = neurons
        self._show_count()
        at_limit(self.add_button, neurons >= MAX_NEURONS)
        at_limit(self.remove_button, neurons <= 1)
        i = self.activation_combo.findData(activation)
        self.activation_combo.blockSignals(True)
        self.activation_combo.setCurrentIndex(max(i, 0))
        self.activation_combo.blockSignals(False)

    def _on_activation(self, index: int) -> None:
        self.activation_picked.emit(self.activation_combo.itemData(index))
