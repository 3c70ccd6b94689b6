"""The batch-size control: a slider over round sizes plus a spin box for any size, from 1
(stochastic) to the whole training set (full batch)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from .form_widgets import dim_label
from .optimizer_fields import CountSpin

# the sizes the slider stops at; the training-set size is always added as the last stop
_BATCH_STEPS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150,
                200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000)


class BatchControl(QWidget):
    """Batch size from 1 (stochastic) to the whole training set (full batch, batch_size 0).

    The slider steps through round sizes; the spin box takes any size. ``edited(int)`` gives
    batch_size as RunConfig wants it.
    """

    edited = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._n = 250
        self._steps: list[int] = []
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setAccessibleName("Batch size")
        self._spin = CountSpin(1, self._n, 1)
        self._spin.setAccessibleName("Batch size")
        self._info = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self._slider, 1)
        top.addWidget(self._spin)
        ends = QHBoxLayout()
        ends.addWidget(dim_label("1 = stochastic"))
        ends.addStretch(1)
        ends.addWidget(dim_label("full batch"))
        ends.addSpacing(self._spin.sizeHint().width())
        layout.addLayout(top)
        layout.addLayout(ends)
        layout.addWidget(self._info)
        self._slider.valueChanged.connect(lambda i: self._user_set(self._steps[i]))
        self._spin.valueChanged.connect(self._user_set)
        self.set_train_size(self._n, 10)

    def set_train_size(self, n: int, batch_size: int) -> None:
        """Range 1 … n (the training-set size); show ``batch_size`` (0 = full). No signal."""
        self._n = max(int(n), 1)
        self._steps = [s for s in _BATCH_STEPS if s < self._n] + [self._n]
        self._slider.blockSignals(True)
        self._slider.setRange(0, len(self._steps) - 1)
        self._slider.blockSignals(False)
        self._spin.blockSignals(True)
        self._spin.setRange(1, self._n)
        self._spin.blockSignals(False)
        self._show(batch_size)

    def set_batch_size(self, batch_size: int) -> None:
        self._show(batch_size)

    def _shown(self, batch_size: int) -> int:
        return self._n if batch_size <= 0 else min(batch_size, self._n)

    def _show(self, batch_size: int) -> None:
        size = self._shown(batch_size)
        nearest = min(range(len(self._steps)), key=lambda i: abs(self._steps[i] - size))
        for widget, value in ((self._slider, nearest), (self._spin, size)):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        updates = -(-self._n // size)
        per = f"all {size}" if size == self._n else str(size)
        self._info.setText(f"{per} per update · {updates} update{'s' * (updates != 1)} per epoch")

    def _user_set(self, size: int) -> None:
        batch_size = 0 if size >= self._n else size
        self._show(batch_size)
        self.edited.emit(batch_size)
