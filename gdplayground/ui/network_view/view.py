"""NetworkView: the network as a graph of input features, hidden neurons and outputs, with
connections coloured by sign and thickened by magnitude.

Painted with a QPainter from cached geometry (not a QGraphicsScene): a scene keeps one item per
connection and re-sorts and re-indexes them whenever a pen changes, while here a live update is
a vectorised bucketing of the weights plus one repaint. The view is passive: clicks are reported
as signals and nothing changes until the owner calls ``set_structure``/``set_params`` again.
"""
from __future__ import annotations

import time
from typing import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QResizeEvent, QStatusTipEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from .. import colors
from . import edges, geometry, hits, images, naming, painting
from .controls import MAX_LAYERS, MAX_NEURONS, LayerControls, LayerCountControls
from .editor import ParamEditor
from .geometry import Geometry, Structure
from .hits import Target

LAST_FEATURE = "At least one input feature must stay on: turn another one on first."
PHASES = ("forward", "loss", "backward", "update")
SETTLE_MS = 250  # no new weights for this long: the stream has stopped, draw smoothly
STREAM_GAP = 0.1  # s: weights changing again within this are a stream (training), not a Step


class NetworkView(QWidget):
    feature_toggled = Signal(str, bool)
    hidden_changed = Signal(tuple)
    activation_changed = Signal(int, str)
    param_edited = Signal(str, tuple, float)
    param_selected = Signal(str, tuple)
    neuron_hovered = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click here takes focus from the editor, closing it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(440, 360)
        self._s: Structure | None = None
        self._geo: Geometry | None = None
        self._pens: edges.Pens | None = None
        self._layer = edges.EdgeLayer()
        self._render_timer = QTimer(self, singleShot=True)
        self._render_timer.timeout.connect(self.update)
        self._streaming = False
        self._last_change = -1e9
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self._settled)
        self._pens_key: tuple = ()
        self._weights: list[np.ndarray | None] = []  # per W_l, raveled copies
        self._buckets: list[np.ndarray] = []
        self._biases: list[np.ndarray | None] = []  # per network layer
        self._images = images.NodeImages()
        self._selected: tuple[str, tuple[int, ...]] | None = None
        self._hover: Target | None = None
        self._hovered_neuron = (-1, -1)
        self._phase: tuple[str, int | None] | None = None
        self._editing: tuple[str, tuple[int, ...]] | None = None
        self.layer_count = LayerCountControls(self)
        self.layer_count.added.connect(self._add_layer)
        self.layer_count.removed.connect(self._remove_layer)
        self.layer_controls = [self._make_controls(k) for k in range(MAX_LAYERS)]
        self.editor = ParamEditor(self)
        self.editor.applied.connect(self._on_edit_applied)
        self.editor.cancelled.connect(self._on_edit_closed)

    # --- the contract ---------------------------------------------------------------------

    def set_structure(self, all_features: Sequence[str], active: Sequence[str], hidden: Sequence[int],
                      activations: Sequence[str], n_out: int) -> None:
        active = tuple(a for a in active if a in all_features)
        hidden = tuple(int(n) for n in hidden)
        acts = tuple(activations) + ("tanh",) * max(len(hidden) - len(activations), 0)
        s = Structure(tuple(all_features), active, hidden, acts[: len(hidden)], max(int(n_out), 1))
        changed = self._s is None or s.sizes != self._s.sizes or s.active != self._s.active
        self._s = s
        self._geo = None
        self._layer.invalid = True
        if changed:
            self._weights, self._buckets, self._biases = [], [], []
            self._images.set_raw([])
            self._selected = self._selected if self._param_exists(self._selected) else None
            self.editor.close_editor()
        self.layer_count.set_count(len(hidden))
        for k, controls in enumerate(self.layer_controls):
            controls.setVisible(k < len(hidden))
            if k < len(hidden):
                controls.set_state(hidden[k], s.activations[k])
        self._place_controls()
        self.update()

    def set_params(self, params: Mapping[str, np.ndarray]) -> None:
        """Live: copies the values (the caller's arrays may change later) and buckets them into
        pens; the repaint does the rest."""
        if self._s is None:
            return
        sizes = self._s.sizes
        shapes = list(zip(sizes[:-1], sizes[1:]))
        ws = [params.get(f"W{l}") for l in range(1, len(sizes))]
        ok = [w is not None and np.shape(w) == shape for w, shape in zip(ws, shapes)]
        # one copy and one bucketing for the whole network: NumPy's cost here is the call count
        flat = np.concatenate([np.ravel(w) if good else np.full(a * b, np.nan) for w, good, (a, b) in zip(ws, ok, shapes)]).astype(float)
        cuts = np.cumsum([a * b for a, b in shapes])[:-1]
        buckets = np.split(edges.buckets(flat), cuts)
        weights = [w if good else None for w, good in zip(np.split(flat, cuts), ok)]
        biases = [None]
        for l in range(1, len(sizes)):
            b = params.get(f"b{l}")
            biases.append(np.array(b, dtype=float) if b is not None and np.shape(b) == (sizes[l],) else None)
        self._weights, self._biases = weights, biases
        if len(buckets) != len(self._buckets) or not all(map(np.array_equal, buckets, self._buckets)):
            self._buckets = buckets
            self._layer.dirty = True
            now = time.perf_counter()
            # a stream is weights changing again soon after; one Step is drawn smoothly at once
            self._streaming = now - self._last_change < STREAM_GAP
            self._last_change = now
            self._settle_timer.start()
        self._refresh_tooltip()
        self._schedule()

    def set_neuron_images(self, images_: Sequence[Sequence[np.ndarray]]) -> None:
        self._images.set_raw([list(layer) for layer in images_])
        self.update()

    def set_selected(self, name: str | None, position: tuple | None) -> None:
        target = (name, tuple(int(p) for p in position)) if name is not None and position is not None else None
        self._selected = target if self._param_exists(target) else None
        self.update()

    def set_phase(self, phase: str | None, layer: int | None = None) -> None:
        """Explain mode: highlight what ``phase`` computes. ``layer`` is the engine's layer number:
        forward l computes layer l from layer l-1 through W_l; backward l computes the gradients of
        W_l and b_l; loss is at the output; update moves every weight (layer ignored)."""
        self._phase = (phase, layer) if phase in PHASES else None
        self._layer.invalid = True
        self.update()

    @property
    def connections_pending(self) -> bool:
        """True while new weights wait for the rendering budget (see edges.py); a screenshot
        taken now would show the previous ones."""
        return self._layer.dirty or self._layer.invalid or (not self._layer.smooth and self._settle_timer.isActive())

    # --- positions, for tests and for the owner (e.g. to place a callout) ------------------

    def feature_point(self, name: str) -> QPoint:
        return self._geometry().feature_rects[name].center().toPoint()

    def node_point(self, layer: int, index: int) -> QPoint:
        return self._geometry().node_rects[layer][index].center().toPoint()

    def param_point(self, name: str, position: tuple[int, ...]) -> QPoint:
        """A point on the connection (or the bias marker) of ``name[position]`` where a click
        hits that parameter and nothing else."""
        x, y = hits.param_point(self._geometry(), self._s, self._edge_widths(), name, tuple(position))
        return QPoint(round(x), round(y))

    def target_at(self, pos: QPoint | QPointF) -> Target | None:
        """What is under ``pos``: ("feature", name), ("node", layer, index) or ("param", name, position)."""
        if self._s is None:
            return None
        return hits.target_at(self._geometry(), self._s, self._edge_widths(), float(pos.x()), float(pos.y()))

    # --- internals ---------------------------------------------------------------------------

    def _make_controls(self, k: int) -> LayerControls:
        c = LayerControls(k, self)
        c.added.connect(lambda: self._change_neurons(k, +1))
        c.removed.connect(lambda: self._change_neurons(k, -1))
        c.activation_picked.connect(lambda name: self.activation_changed.emit(k, name))
        c.hide()
        return c

    def _change_neurons(self, k: int, delta: int) -> None:
        hidden = list(self._s.hidden)
        hidden[k] = min(max(hidden[k] + delta, 1), MAX_NEURONS)
        if tuple(hidden) != self._s.hidden:
            self.hidden_changed.emit(tuple(hidden))

    def _add_layer(self) -> None:
        if self._s is not None and len(self._s.hidden) < MAX_LAYERS:
            # a new layer copies the last one's width, the likeliest next experiment
            self.hidden_changed.emit(self._s.hidden + ((self._s.hidden or (4,))[-1],))

    def _remove_layer(self) -> None:
        if self._s is not None and self._s.hidden:
            self.hidden_changed.emit(self._s.hidden[:-1])

    def _param_exists(self, target: tuple | None) -> bool:
        if target is None or self._s is None:
            return False
        name, pos = target
        try:
            layer = int(name[1:])
        except ValueError:
            return False
        sizes = self._s.sizes
        if not 1 <= layer < len(sizes):
            return False
        shape = (sizes[layer - 1], sizes[layer]) if name[0] == "W" else (sizes[layer],)
        return name[0] in "Wb" and len(pos) == len(shape) and all(0 <= p < n for p, n in zip(pos, shape))

    def _value(self, name: str, pos: tuple[int, ...]) -> float | None:
        layer = int(name[1:])
        if name[0] == "W":
            w = self._weights[layer - 1] if layer - 1 < len(self._weights) else None
            return None if w is None else float(w[pos[0] * self._s.sizes[layer] + pos[1]])
        b = self._biases[layer] if layer < len(self._biases) else None
        return None if b is None else float(b[pos[0]])

    def _geometry(self) -> Geometry:
        if self._geo is None:
            self._geo = geometry.compute(self._s, self.width(), self.height(), self._header_height())
        return self._geo

    def _edge_widths(self) -> list[np.ndarray]:
        pens = self._ensure_pens()
        return [pens.widths(b) for b in self._buckets]

    def _header_height(self) -> int:
        """Room for the '+ layer' row and one layer's controls, measured: fonts differ by desktop."""
        return 14 + self.layer_count.sizeHint().height() + self.layer_controls[0].sizeHint().height() + 10

    def _place_controls(self) -> None:
        if self._s is None:
            return
        geo = self._geometry()
        top = self.layer_count.sizeHint()
        mid = (geo.column_x[0] + geo.column_x[-1]) / 2
        self.layer_count.setGeometry(int(mid - top.width() / 2), 6, top.width(), top.height())
        width = geometry.control_width(geo.spacing)
        for k, controls in enumerate(self.layer_controls[: len(self._s.hidden)]):
            h = controls.sizeHint().height()
            controls.setGeometry(int(geo.column_x[k + 1] - width / 2), 14 + top.height(), width, h)

    def _ensure_pens(self) -> edges.Pens:
        geo = self._geometry()
        key = (colors.scheme(), geo.max_pen, self.palette().cacheKey())
        if self._pens is None or key != self._pens_key:
            self._pens, self._pens_key = edges.Pens(geo.max_pen, self.palette()), key
            self._layer.invalid = True
        self._images.clear_if_changed(key)
        return self._pens

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        if self._s is None:
            p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Window))
            return
        geo, pens = self._geometry(), self._ensure_pens()
        if self._layer.needs_render():
            self._layer.render(self.size(), self.devicePixelRatioF(), lambda q: self._draw_edge_layer(q, geo, pens, pal), self._streaming)
        elif self._layer.dirty:
            self._schedule()
        p.drawPixmap(0, 0, self._layer.pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._draw_param_accents(p, geo, pens, pal)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # nodes and markers sit on whole pixels
        self._draw_nodes(p, geo, pal)
        painting.draw_biases(p, geo, self._biases, pal)
        self._draw_bias_accents(p, geo, pal)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        painting.draw_labels(p, geo, self._s, pal, self.width())
        if self._phase is not None:
            painting.draw_caption(p, geo, self._s, pal, *self._phase)

    def _draw_edge_layer(self, p: QPainter, geo: Geometry, pens: edges.Pens, pal: QPalette) -> None:
        p.fillRect(QRectF(0, 0, self.width(), self.height()), pal.color(QPalette.ColorRole.Window))
        if self._phase is not None:
            painting.draw_phase(p, geo, self._s, pal, *self._phase)
        edges.draw_edges(p, geo, pens, self._buckets, self._edge_focus())

    def _settled(self) -> None:
        self._streaming = False
        if not self._layer.smooth:
            self._layer.invalid = True
            self.update()

    def _schedule(self) -> None:
        """Repaint now, or when re-rendering the connections fits the budget again."""
        wait = self._layer.wait() if self._layer.dirty else 0.0
        if wait <= 0.0:
            self.update()
        elif not self._render_timer.isActive():
            self._render_timer.start(max(int(wait * 1000), 1))

    def _edge_focus(self) -> set[int] | None:
        if self._phase is None or self._phase[0] == "update":
            return None
        phase, layer = self._phase
        return {self._s.output_layer} if phase == "loss" else ({layer} if layer is not None else None)

    def _draw_param_accents(self, p: QPainter, geo: Geometry, pens: edges.Pens, pal: QPalette) -> None:
        """The selected connection gets a halo, the hovered one is redrawn on top, bolder."""
        for target, halo in ((self._selected, True), (self._hover_param(), False)):
            if target is None or target[0][0] != "W":
                continue
            name, (i, j) = target
            layer = int(name[1:])
            e = i * self._s.sizes[layer] + j
            pen = pens.normal[int(self._buckets[layer - 1][e])] if layer - 1 < len(self._buckets) else pens.normal[-1]
            if halo:
                color = QColor(pal.color(QPalette.ColorRole.Highlight))
                color.setAlphaF(0.55)
                painting.draw_edge_accent(p, geo, layer, e, pen, 8.0, color)
            painting.draw_edge_accent(p, geo, layer, e, pen, 1.5 if not halo else 0.0, None)

    def _draw_nodes(self, p: QPainter, geo: Geometry, pal: QPalette) -> None:
        s, background = self._s, pal.color(QPalette.ColorRole.Window)
        style = painting.NodeStyle(pal)
        for name, rect in geo.feature_rects.items():
            on = name in s.active
            i = s.active.index(name) if on else -1
            size = int(rect.width())
            if on and self._images.has(0, i):
                image = self._images.neuron(0, i, size)
            else:  # the feature's own picture until the caller sends one, dimmed when off
                image = self._images.feature(name, size, None if on else background)
            painting.draw_node(p, rect, image, style, on)
        for l, rects in enumerate(geo.node_rects[1:], start=1):
            for i, rect in enumerate(rects):
                painting.draw_node(p, rect, self._images.neuron(l, i, int(rect.width())), style, True)
        highlight = pal.color(QPalette.ColorRole.Highlight)
        if self._phase is not None and self._phase[0] in ("forward", "backward", "loss"):
            layer = s.output_layer if self._phase[0] == "loss" else self._phase[1]
            for rect in geo.node_rects[layer] if layer is not None and 0 <= layer < len(geo.node_rects) else ():
                painting.draw_outline(p, rect, highlight, 2)
        hovered = self._hover_rect(geo)
        if hovered is not None:
            painting.draw_outline(p, hovered, highlight, 2)

    def _draw_bias_accents(self, p: QPainter, geo: Geometry, pal: QPalette) -> None:
        for target, color in ((self._selected, pal.color(QPalette.ColorRole.Highlight)),
                              (self._hover_param(), pal.color(QPalette.ColorRole.WindowText))):
            if target is not None and target[0][0] == "b":
                rect = geo.bias_rects[int(target[0][1:])][target[1][0]]
                painting.draw_outline(p, rect, color, 2)

    def _hover_param(self) -> tuple[str, tuple[int, ...]] | None:
        return (self._hover[1], self._hover[2]) if self._hover and self._hover[0] == "param" else None

    def _hover_rect(self, geo: Geometry) -> QRectF | None:
        if self._hover is None:
            return None
        if self._hover[0] == "feature":
            return geo.feature_rects[self._hover[1]]
        if self._hover[0] == "node":
            return geo.node_rects[self._hover[1]][self._hover[2]]
        return None

    # --- mouse, tooltips, editing ----------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        target = self.target_at(event.position())
        if target != self._hover:
            self._hover = target
            self._set_hovered_neuron(self._neuron_of(target))
            if target is not None and target[0] in ("feature", "param"):
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            if QToolTip.isVisible():  # follow the mouse from one connection to the next
                self._show_tooltip(event.globalPosition().toPoint())
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self._set_hovered_neuron((-1, -1))
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        target = self.target_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        self.editor.close_editor()  # a click anywhere else ends the edit, with or without focus
        if target is None:
            super().mousePressEvent(event)
        elif target[0] == "feature":
            self._toggle_feature(target[1], event.globalPosition().toPoint())
        elif target[0] == "param":
            self._select_and_edit(target[1], target[2], event.position().toPoint())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._hover = self.target_at(event.pos())
            self._show_tooltip(event.globalPos())
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._geo = None
        self._layer.invalid = True
        self.editor.close_editor()
        self._place_controls()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._pens = None
            self._layer.invalid = True
            self.update()
        super().changeEvent(event)

    def _neuron_of(self, target: Target | None) -> tuple[int, int]:
        if target is not None and target[0] == "node":
            return target[1], target[2]
        if target is not None and target[0] == "feature" and target[1] in self._s.active:
            return 0, self._s.active.index(target[1])
        return -1, -1

    def _set_hovered_neuron(self, neuron: tuple[int, int]) -> None:
        if neuron != self._hovered_neuron:
            self._hovered_neuron = neuron
            self.neuron_hovered.emit(*neuron)

    def describe(self, target: Target | None) -> str:
        """The tooltip text for ``target`` ("" for none)."""
        s = self._s
        if target is None or s is None:
            return ""
        if target[0] == "feature":
            label, on = naming.feature_label(target[1]), target[1] in s.active
            if on and len(s.active) == 1:
                return f"{label} is on. {LAST_FEATURE}"
            return f"{label} is {'on' if on else 'off'}: click to turn it {'off' if on else 'on'}."
        if target[0] == "node":
            layer, i = target[1], target[2]
            kind = f" ({naming.ACTIVATION_LABELS.get(s.activations[layer - 1], s.activations[layer - 1])})" if layer <= len(s.hidden) else ""
            text = naming.neuron(s, layer, i)
            return f"{text[0].upper()}{text[1:]}{kind}: its output over the input plane."
        name, pos = target[1], target[2]
        return naming.param(s, name, pos, self._value(name, pos)) + "\nClick to type a new value."

    def _show_tooltip(self, global_pos: QPoint) -> None:
        text = self.describe(self._hover)
        if text:
            QToolTip.showText(global_pos, text, self)
        else:
            QToolTip.hideText()

    def _refresh_tooltip(self) -> None:
        if self._hover_param() is not None and QToolTip.isVisible() and not self.editor.isVisible():
            QToolTip.showText(QCursor.pos(), self.describe(self._hover), self)

    def _toggle_feature(self, name: str, global_pos: QPoint) -> None:
        on = name in self._s.active
        if on and len(self._s.active) == 1:
            QToolTip.showText(global_pos, LAST_FEATURE, self)
            QApplication.sendEvent(self, QStatusTipEvent(LAST_FEATURE))  # the window's status bar, if any
            return
        self.feature_toggled.emit(name, not on)

    def _select_and_edit(self, name: str, pos: tuple[int, ...], at: QPoint) -> None:
        self._selected = (name, pos)
        self.param_selected.emit(name, pos)
        self.update()
        self._editing = (name, pos)
        self.editor.open(self._value(name, pos), at, naming.param(self._s, name, pos, None))

    def _on_edit_applied(self, value: float) -> None:
        if self._editing is not None:
            name, pos = self._editing
            self._editing = None
            self.param_edited.emit(name, pos, value)

    def _on_edit_closed(self) -> None:
        self._editing = None
