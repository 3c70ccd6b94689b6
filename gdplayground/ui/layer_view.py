"""One layer's update in matrix form: W before, ∂L/∂W, the update ΔW and W after, side by side
as small heatmaps (biases as a separate bottom row), with every value on hover.

Colours: the diverging scale of colors.py, symmetric around 0 per matrix. W before and W after
share one scale, so that what changed shows as a change of colour; ∂L/∂W and ΔW each get their
own (they are orders of magnitude smaller than W). Rows are the neurons a weight comes from,
columns the neurons it goes to (the engine's W_l[i, j]).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QHelpEvent, QImage, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from . import colors
from .display_names import OPTIMIZER_TITLES
from .math_text import number_plain

PANELS = ("before", "grad", "update", "after")
TITLES = {"before": "W old", "grad": "∂L/∂W", "update": "ΔW", "after": "W new"}
OPERATORS = ("", "→", "→", "")  # drawn between panels: see the caption for the rule
MAX_CELL, MIN_CELL, GAP, BIAS_GAP = 26, 7, 18, 4


@dataclass(frozen=True)
class _Panel:
    key: str
    w: np.ndarray  # (fan_in, fan_out)
    b: np.ndarray  # (fan_out,)
    limit: float


class _Heatmaps(QWidget):
    """The four matrices, painted; hover for values, click to choose a weight."""

    cell_clicked = Signal(str, tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.panels: list[_Panel] = []
        self.layer = 1
        self.selected: tuple[str, tuple[int, ...]] | None = None
        self.row_names: list[str] = []
        self.col_names: list[str] = []

    def set_panels(self, panels: list[_Panel], layer: int) -> None:
        reshaped = [p.w.shape for p in panels[:1]] != [p.w.shape for p in self.panels[:1]]
        self.panels, self.layer = panels, layer
        if reshaped:
            self.updateGeometry()
        self.update()

    # geometry: the cell size follows the width; four panels in a row
    def _shape(self) -> tuple[int, int]:
        return self.panels[0].w.shape if self.panels else (1, 1)

    def cell_size(self, width: int | None = None) -> float:
        rows, cols = self._shape()
        avail = (self.width() if width is None else width) - GAP * (len(PANELS) - 1) - 4
        return float(max(MIN_CELL, min(MAX_CELL, avail / (len(PANELS) * cols))))

    def _origin(self, k: int) -> QPointF:
        rows, cols = self._shape()
        c = self.cell_size()
        total = len(PANELS) * cols * c + GAP * (len(PANELS) - 1)
        left = max(2.0, (self.width() - total) / 2)
        return QPointF(left + k * (cols * c + GAP), self._title_height())

    def _title_height(self) -> float:
        return self.fontMetrics().height() + 4

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows, _ = self._shape()
        c = self.cell_size(width)
        return int(self._title_height() + (rows + 1) * c + BIAS_GAP + self.fontMetrics().height() + 6)

    def sizeHint(self) -> QSize:
        _, cols = self._shape()
        width = int(len(PANELS) * cols * 16 + 3 * GAP)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        _, cols = self._shape()
        width = int(len(PANELS) * cols * MIN_CELL + 3 * GAP)
        return QSize(width, self.heightForWidth(width))

    def cell_rect(self, k: int, name: str, position: tuple[int, ...]) -> QRectF:
        """Where cell ``name[position]`` of panel ``k`` is drawn (for tests and hit testing)."""
        c = self.cell_size()
        o = self._origin(k)
        rows, _ = self._shape()
        if name.startswith("W"):
            i, j = position
            return QRectF(o.x() + j * c, o.y() + i * c, c, c)
        return QRectF(o.x() + position[0] * c, o.y() + rows * c + BIAS_GAP, c, c)

    def hit(self, pos: QPointF) -> tuple[int, str, tuple[int, ...]] | None:
        rows, cols = self._shape()
        for k in range(len(self.panels)):
            for name, positions in ((f"W{self.layer}", [(i, j) for i in range(rows) for j in range(cols)]),
                                    (f"b{self.layer}", [(j,) for j in range(cols)])):
                for p in positions:
                    if self.cell_rect(k, name, p).contains(pos):
                        return k, name, p
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.panels:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        lut = colors.lookup_table()
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        back = pal.color(QPalette.ColorRole.Window)
        # an opaque mix, not a translucent pen: far cheaper to draw
        frame = QColor(*[round(0.35 * a + 0.65 * b) for a, b in zip(text.getRgb()[:3], back.getRgb()[:3])])
        rows, cols = self._shape()
        c = self.cell_size()
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() * 0.85))
        for k, panel in enumerate(self.panels):
            o = self._origin(k)
            p.setPen(text)
            p.setFont(self.font())
            title_rect = QRectF(o.x() - GAP / 2, 0, cols * c + GAP, self._title_height())
            p.drawText(title_rect, Qt.AlignmentFlag.AlignCenter, TITLES[panel.key])
            for name, values in ((f"W{self.layer}", panel.w), (f"b{self.layer}", panel.b.reshape(1, -1))):
                # one pixel per cell, scaled up without smoothing: one call per matrix
                top_left = self.cell_rect(k, name, (0, 0) if name.startswith("W") else (0,)).topLeft()
                extent = QRectF(top_left, QSize(values.shape[1], values.shape[0]).toSizeF() * c)
                p.drawImage(extent, _image(lut, values, panel.limit))
                p.setPen(QPen(frame, 1))
                p.drawRect(extent)
            p.setFont(small)
            p.setPen(text)
            scale_rect = QRectF(o.x() - GAP / 2, o.y() + (rows + 1) * c + BIAS_GAP + 2, cols * c + GAP, self.fontMetrics().height())
            p.drawText(scale_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"±{number_plain(panel.limit, 2)}")
        if self.selected is not None and self.selected[0][1:] == str(self.layer):
            pen = QPen(pal.color(QPalette.ColorRole.Highlight), 2)
            p.setPen(pen)
            for k in range(len(self.panels)):
                p.drawRect(self.cell_rect(k, *self.selected).adjusted(1, 1, -1, -1))
        p.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.hit(QPointF(event.pos()))
            if found is None:
                QToolTip.showText(event.globalPos(), self.toolTip(), self) if self.toolTip() else QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.describe(found[1], found[2]), self)
            return True
        return super().event(event)

    def describe(self, name: str, position: tuple[int, ...]) -> str:
        """The tooltip of one weight or bias: its place and its four values."""
        where = f"{name}[{', '.join(map(str, position))}]"
        if name.startswith("W") and self.row_names and self.col_names:
            where += f": {self.row_names[position[0]]} → {self.col_names[position[1]]}"
        elif not name.startswith("W") and self.col_names:
            where += f": bias of {self.col_names[position[0]]}"
        lines = [where]
        for panel in self.panels:
            v = panel.w[position] if name.startswith("W") else panel.b[position]
            lines.append(f"{TITLES[panel.key]} = {number_plain(float(v), 6)}")
        return "\n".join(lines)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.hit(event.position())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(found[1], found[2])
        super().mousePressEvent(event)


def _image(lut: np.ndarray, values: np.ndarray, limit: float) -> QImage:
    """``values`` as an RGB image, one pixel per cell, on the diverging scale clipped at ±limit."""
    with np.errstate(all="ignore"):
        t = np.nan_to_num(np.clip(values / limit, -1.0, 1.0), nan=0.0) if limit > 0 else np.zeros_like(values)
    rgb = np.ascontiguousarray(lut[np.rint((t + 1) / 2 * (len(lut) - 1)).astype(int)], dtype=np.uint8)
    rows, cols = values.shape
    return QImage(rgb.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy()


def _limit(*arrays: np.ndarray) -> float:
    m = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrays)
    return m if np.isfinite(m) and m > 0 else 1.0


class LayerView(QWidget):
    """``show_record(record, optimizer)`` shows the chosen layer of that update. Signals:
    ``param_chosen(name, position)`` when a cell is clicked; ``layer_chosen(layer)`` when the
    layer combo changes."""

    param_chosen = Signal(str, tuple)
    layer_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record = None
        self._optimizer = "gd"
        self._layers = 0
        self._sizes: tuple[int, ...] = ()
        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("layerChoice")
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.activated.connect(self._on_layer)
        self.caption = QLabel(self)
        self.caption.setObjectName("layerCaption")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self.caption.setToolTip(LEGEND)
        self.heatmaps = _Heatmaps(self)
        self.heatmaps.setToolTip(LEGEND)
        self.heatmaps.cell_clicked.connect(self._on_cell)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Layer", self))
        top.addWidget(self.layer_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.heatmaps)
        layout.addStretch(1)
        self.caption.setText("No update yet.")

    @property
    def layer(self) -> int:
        return self.heatmaps.layer

    def show_record(self, record, optimizer: str, sizes: tuple[int, ...] | None = None,
                    names: tuple[list[str], ...] | None = None) -> None:
        """Show layer ``layer`` of ``record`` (a StepRecord) made by ``optimizer``. ``sizes``
        (neurons per layer) labels the combo; ``names`` (one list of neuron names per layer)
        labels the tooltips."""
        self._record, self._optimizer = record, optimizer
        layers = len(record.layout.names) // 2
        sizes = tuple(sizes) if sizes is not None else self._sizes_of(record)
        if (layers, sizes) != (self._layers, self._sizes):
            self._layers, self._sizes = layers, sizes
            self._fill_combo()
        self._names = names
        self._refresh()

    def set_layer(self, layer: int) -> None:
        """Show W_layer (1-based, as in W1); no signal."""
        if 1 <= layer <= max(self._layers, 1):
            self.heatmaps.layer = layer
            self.layer_combo.setCurrentIndex(layer - 1)
            self._refresh()

    def set_selected(self, name: str | None, position: tuple | None) -> None:
        """Outline ``name[position]`` in every panel (and switch to its layer)."""
        if name is None or position is None:
            self.heatmaps.selected = None
        else:
            self.heatmaps.selected = (name, tuple(int(p) for p in position))
            layer = int(name[1:])
            if layer != self.layer and 1 <= layer <= self._layers:
                self.set_layer(layer)
        self.heatmaps.update()

    def clear(self, message: str = "No update yet.") -> None:
        self._record = None
        self.heatmaps.set_panels([], self.layer)
        self.caption.setText(message)

    def panels(self) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
        """What is drawn: panel key -> (W, b, colour limit) (for tests)."""
        return {p.key: (p.w, p.b, p.limit) for p in self.heatmaps.panels}

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _sizes_of(record) -> tuple[int, ...]:
        shapes = record.layout.shapes
        return (shapes[0][0],) + tuple(s[1] for s in shapes[::2])

    def _fill_combo(self) -> None:
        self.layer_combo.clear()
        last = self._layers
        for l in range(1, last + 1):
            src = "inputs" if l == 1 else f"layer {l - 1}"
            dst = "output" if l == last else f"layer {l}"
            self.layer_combo.addItem(f"W{l}: {src} → {dst}", l)
        if self.layer > last:
            self.heatmaps.layer = 1
        self.layer_combo.setCurrentIndex(self.layer - 1)

    def _on_layer(self, index: int) -> None:
        layer = self.layer_combo.itemData(index)
        if layer is None:
            return
        self.heatmaps.layer = int(layer)
        self._refresh()
        self.layer_chosen.emit(int(layer))

    def _on_cell(self, name: str, position: tuple) -> None:
        self.set_selected(name, position)
        self.param_chosen.emit(name, position)

    def _refresh(self) -> None:
        rec = self._record
        if rec is None:
            return
        l = self.layer
        w, b = f"W{l}", f"b{l}"
        before, grads, update, after = rec.params_before, rec.grads, rec.update, rec.params_after
        shared = _limit(before[w], before[b], after[w], after[b])
        panels = [
            _Panel("before", before[w], before[b], shared),
            _Panel("grad", grads[w], grads[b], _limit(grads[w], grads[b])),
            _Panel("update", update[w], update[b], _limit(update[w], update[b])),
            _Panel("after", after[w], after[b], shared),
        ]
        if self._names is not None and l < len(self._names):
            self.heatmaps.row_names, self.heatmaps.col_names = list(self._names[l - 1]), list(self._names[l])
        else:
            self.heatmaps.row_names, self.heatmaps.col_names = [], []
        self.heatmaps.set_panels(panels, l)
        self.caption.setText(_caption(self._optimizer, l, rec.lr, rec.step))


def _caption(optimizer: str, layer: int, lr: float, step: int) -> str:
    if optimizer == "gd":
        return (f"Update {step}: W<sub>new</sub> = W<sub>old</sub> + ΔW, &nbsp;ΔW = −η∇W "
                f"(η = {number_plain(lr, 4)})")
    return (f"Update {step}: W<sub>new</sub> = W<sub>old</sub> + ΔW, where ΔW is "
            f"{OPTIMIZER_TITLES.get(optimizer, optimizer)}'s step, not simply −η∇W")


LEGEND = ("Rows: the neuron a weight comes from; columns: the neuron it goes to; the bottom row holds "
          "the biases. Colours are symmetric around 0 for each matrix; W old and W new share one scale, "
          "∂L/∂W and ΔW each have their own (±limit under each). Hover a cell for its values, click it "
          "to inspect it.")
