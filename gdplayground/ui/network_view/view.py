"""NetworkView: the network as a graph of input features, hidden neurons and outputs, with
connections coloured by sign and thickened by magnitude.

Painted with a QPainter from cached geometry (not a QGraphicsScene): a scene keeps one item per
connection and re-sorts and re-indexes them whenever a pen changes, while here a live update is
a vectorised bucketing of the weights plus one repaint. The view is passive: clicks are reported
as signals and nothing changes until the owner calls ``set_structure``/``set_params`` again.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QCursor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QResizeEvent, QStatusTipEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from .. import colors
from . import edges, geometry, hits, images, naming, scene
from .controls import MAX_LAYERS, MAX_NEURONS, LayerControls, LayerCountControls
from .editor import ParamEditor
from .naming import LAST_FEATURE
from .geometry import Geometry, Structure
from .hits import Target
from .scene import Scene

PHASES = ("forward", "loss", "backward", "update")


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
        self._layer = edges.EdgeLayer(self)
        self._layer.wanted.connect(self._update_graph)
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
        weights, buckets, self._biases = edges.read_params(params, self._s.sizes)
        self._weights = weights
        if len(buckets) != len(self._buckets) or not all(map(np.array_equal, buckets, self._buckets)):
            self._buckets = buckets
            self._layer.weights_changed()
        else:
            self._update_graph()  # biases may have changed
        self._refresh_tooltip()

    def set_neuron_images(self, images_: Sequence[Sequence[np.ndarray]]) -> None:
        self._images.set_raw([list(layer) for layer in images_])
        self._update_graph()

    def set_selected(self, name: str | None, position: tuple | None) -> None:
        target = (name, tuple(int(p) for p in position)) if name is not None and position is not None else None
        self._selected = target if self._param_exists(target) else None
        self._update_graph()

    def set_phase(self, phase: str | None, layer: int | None = None) -> None:
        """Explain mode: highlight what ``phase`` computes. ``layer`` is the engine's layer number:
        forward l computes layer l from layer l-1 through W_l; backward l computes the gradients of
        W_l and b_l; loss is at the output; update moves every weight (layer ignored)."""
        phase_ = (phase, layer) if phase in PHASES else None
        relayout = (phase_ is None) != (self._phase is None)  # explain mode keeps room for its caption
        self._phase = phase_
        if relayout:
            self._geo = None
            self._place_controls()
        self._layer.invalid = True
        self.update()

    @property
    def connections_pending(self) -> bool:
        """True while new weights wait for the rendering budget (see edges.py); a screenshot
        taken now would show the previous ones."""
        return self._layer.pending()

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
            self._geo = geometry.compute(self._s, self.width(), self.height(), self._header_height(), self._phase is not None)
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
        frame = Scene(self._s, self._images, self._buckets, self._biases, self._hover, self._selected, self._phase)
        draw = lambda q: scene.draw_edge_layer(q, geo, pens, pal, frame, self.width(), self.height())  # noqa: E731
        self._layer.render_if_needed(self.size(), self.devicePixelRatioF(), draw)
        p.drawPixmap(0, 0, self._layer.pixmap)
        scene.draw_overlay(p, geo, pens, pal, frame, self.width())

    def _update_graph(self) -> None:
        """Repaint below the layer controls only: repainting those child widgets cost more than
        the whole graph (measured 12 ms against 9 for the 6×8 network)."""
        if self._s is None or self._geo is None:
            self.update()
            return
        top = max(int(self._geo.graph_top) - 8, 0)
        self.update(QRect(0, top, self.width(), self.height() - top))

    def _hover_param(self) -> tuple[str, tuple[int, ...]] | None:
        return (self._hover[1], self._hover[2]) if self._hover and self._hover[0] == "param" else None

    # --- mouse, tooltips, editing ----------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        target = self.target_at(event.position())
        if target != self._hover:
            self._hover = target
            self._set_hovered_neuron(hits.neuron_of(self._s, target))
            if target is not None and target[0] in ("feature", "param"):
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()
            if QToolTip.isVisible():  # follow the mouse from one connection to the next
                self._show_tooltip(event.globalPosition().toPoint())
            self._update_graph()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self._set_hovered_neuron((-1, -1))
        self._update_graph()
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

    def _set_hovered_neuron(self, neuron: tuple[int, int]) -> None:
        if neuron != self._hovered_neuron:
            self._hovered_neuron = neuron
            self.neuron_hovered.emit(*neuron)

    def describe(self, target: Target | None) -> str:
        """The tooltip text for ``target`` ("" for none)."""
        if target is None or self._s is None:
            return ""
        value = self._value(target[1], target[2]) if target[0] == "param" else None
        return naming.describe(self._s, target, value)

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
        self._update_graph()
        self._editing = (name, pos)
        self.editor.open(self._value(name, pos), at, naming.param(self._s, name, pos, None))

    def _on_edit_applied(self, value: float) -> None:
        if self._editing is not None:
            name, pos = self._editing
            self._editing = None
            self.param_edited.emit(name, pos, value)

    def _on_edit_closed(self) -> None:
        self._editing = None
