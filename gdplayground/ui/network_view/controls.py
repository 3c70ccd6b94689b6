"""The widgets above the graph: + / − for hidden layers, and for each hidden layer + / − for its
neurons, its neuron count and its activation. They only report clicks; the view turns them into
the new structure it emits."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ...engine import activations
from . import naming

MAX_NEURONS = 32
MAX_LAYERS = 8


def _button(text: str, tip: str, name: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setObjectName(name)
    b.setAutoRaise(False)
    b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return b


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
        self.add_button.setEnabled(n < MAX_LAYERS)
        self.remove_button.setEnabled(n > 0)


class LayerControls(QWidget):
    """One hidden layer's + / −, neuron count and activation."""

    added = Signal()
    removed = Signal()
    activation_picked = Signal(str)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.add_button = _button("+", f"Add a neuron to hidden layer {index + 1} (at most {MAX_NEURONS})", f"add_neuron_{index}")
        self.remove_button = _button("−", f"Remove a neuron from hidden layer {index + 1}", f"remove_neuron_{index}")
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.activation_combo = QComboBox()
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

    def set_state(self, neurons: int, activation: str) -> None:
        self.count_label.setText(naming.neurons(neurons))
        self.add_button.setEnabled(neurons < MAX_NEURONS)
        self.remove_button.setEnabled(neurons > 1)
        i = self.activation_combo.findData(activation)
        self.activation_combo.blockSignals(True)
        self.activation_combo.setCurrentIndex(max(i, 0))
        self.activation_combo.blockSignals(False)

    def _on_activation(self, index: int) -> None:
        self.activation_picked.emit(self.activation_combo.itemData(index))
