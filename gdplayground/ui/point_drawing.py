"""Drawing data points by hand on a pyqtgraph plot of the input plane.

A ``PointDrawing`` attaches to any PlotItem. While enabled it takes the plot's mouse events:
left click adds a point of the "positive" class (blue), right click one of the "negative" class
(orange), Shift+click one of a third class (the data becomes 3-class). In brush mode a drag
sprays several points within a radius; in erase mode a click or drag removes the points within
the radius. It shows the points it holds on top of the plot and emits ``points_changed`` after
each click, stroke and clear (not on every mouse move: a new dataset is built from each signal).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsSceneMouseEvent

from . import colors

MODES = ("point", "brush", "erase")
EXTENT = 6.0  # the input plane is [-6, 6]²
MAX_POINTS = 5000  # as many as a generated dataset has at most; more makes drawing sluggish
_STROKE_SPACING = 0.5  # a brush dab every half radius of mouse travel


class PointDrawing(QObject):
    """``set_enabled``, ``set_mode`` ("point", "brush", "erase"), ``set_radius``,
    ``set_points`` (start from a dataset), ``clear``; ``points()`` -> (x, y, kind)."""

    points_changed = Signal(object, object, str)  # x (n, 2) float, y (n,) labels, kind

    def __init__(self, plot: pg.PlotItem, parent: QObject | None = None, seed: int = 0) -> None:
        super().__init__(parent)
        self.plot = plot
        self.enabled = False
        self.mode = "point"
        self.radius = 0.6
        self.per_dab = 3
        self.kind = "binary"
        self._x = np.empty((0, 2))
        self._y = np.empty(0)
        self._rng = np.random.default_rng(seed)
        self._stroke: tuple[float, QPointF] | None = None  # (label, last dab) while dragging
        self._scene = None
        self.scatter = pg.ScatterPlotItem(size=7, pxMode=True, pen=pg.mkPen(255, 255, 255, 230, width=1))
        self.scatter.setZValue(20)
        self.scatter.setVisible(False)
        plot.addItem(self.scatter, ignoreBounds=True)
        self.cursor = QGraphicsEllipseItem()
        pen = QPen(QColor(40, 40, 40, 200))
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.cursor.setPen(pen)
        self.cursor.setZValue(30)
        self.cursor.setVisible(False)
        plot.addItem(self.cursor, ignoreBounds=True)

    # -- commands ------------------------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        """Drawing on: the plot's mouse events draw points. Off: the plot behaves as before."""
        self.enabled = bool(on)
        self.scatter.setVisible(self.enabled)
        self.cursor.setVisible(False)
        scene = self.plot.scene()
        if self.enabled and scene is not None and scene is not self._scene:
            scene.installEventFilter(self)
            self._scene = scene
        for view in scene.views() if scene is not None else []:
            if self.enabled:
                view.viewport().setCursor(Qt.CursorShape.CrossCursor)
            else:
                view.viewport().unsetCursor()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown drawing mode {mode!r}; choose one of {', '.join(MODES)}")
        self.mode = mode
        self.cursor.setVisible(False)

    def set_radius(self, radius: float) -> None:
        """Brush and eraser radius, in input units."""
        self.radius = float(np.clip(radius, 0.1, 3.0))

    def set_points(self, x: np.ndarray, y: np.ndarray, kind: str) -> None:
        """Start from these points (no signal). Regression data cannot be drawn: it starts empty."""
        if kind == "regression":
            x, y, kind = np.empty((0, 2)), np.empty(0), "binary"
        self._x = np.array(x, dtype=float).reshape(-1, 2)
        self._y = np.array(y, dtype=float).reshape(-1)
        self.kind = kind
        self._show()

    def clear(self) -> None:
        self._x, self._y = np.empty((0, 2)), np.empty(0)
        self._show()
        self._emit()

    def refresh_colors(self) -> None:
        """Take the colours again after ``colors.set_scheme``."""
        self._show()

    def points(self) -> tuple[np.ndarray, np.ndarray, str]:
        """(x (n, 2), y (n,), kind): ±1.0 labels for "binary", 0/1/2 integers for "multiclass"."""
        y = self._y.astype(np.int64) if self.kind == "multiclass" else self._y.copy()
        return self._x.copy(), y, self.kind

    # -- mouse -----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.enabled or not isinstance(event, QGraphicsSceneMouseEvent):
            return False
        kind = event.type()
        if kind in (QEvent.Type.GraphicsSceneMousePress, QEvent.Type.GraphicsSceneMouseDoubleClick):
            taken = self._press(event)
        elif kind == QEvent.Type.GraphicsSceneMouseMove:
            taken = self._move(event)
        elif kind == QEvent.Type.GraphicsSceneMouseRelease:
            taken = self._release()
        else:
            return False
        if taken:
            event.accept()
        return taken

    def _inside(self, event: QGraphicsSceneMouseEvent) -> QPointF | None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return None
        p = vb.mapSceneToView(event.scenePos())
        return p if abs(p.x()) <= EXTENT and abs(p.y()) <= EXTENT else None

    def _press(self, event: QGraphicsSceneMouseEvent) -> bool:
        p = self._inside(event)
        if p is None:
            return False
        label = self._label(event)
        if label is None:
            return False
        if self.mode == "erase":
            self._erase(p)
            self._stroke = (0.0, p)
        elif self.mode == "brush":
            self._dab(p, label)
            self._stroke = (label, p)
        else:
            self._add(np.array([[p.x(), p.y()]]), label)
            self._emit()
        self._show()
        return True

    def _move(self, event: QGraphicsSceneMouseEvent) -> bool:
        p = self._inside(event)
        self._show_cursor(p)
        if self._stroke is None or p is None:
            return self._stroke is not None
        label, last = self._stroke
        if np.hypot(p.x() - last.x(), p.y() - last.y()) >= self.radius * _STROKE_SPACING:
            if self.mode == "erase":
                self._erase(p)
            else:
                self._dab(p, label)
            self._stroke = (label, p)
            self._show()
        return True

    def _release(self) -> bool:
        if self._stroke is None:
            return False
        self._stroke = None
        self._emit()
        return True

    def _label(self, event: QGraphicsSceneMouseEvent) -> float | None:
        """The class a click adds: left blue, right orange, Shift+click (either) the third."""
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return None
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if self.kind != "multiclass":
                self._to_three_classes()
            return 2.0
        positive = button == Qt.MouseButton.LeftButton
        if self.kind == "multiclass":
            return 1.0 if positive else 0.0
        return 1.0 if positive else -1.0

    def _to_three_classes(self) -> None:
        # the binary classes keep their colours: orange (-1) becomes class 0, blue (+1) class 1
        self._y = np.where(self._y > 0, 1.0, 0.0)
        self.kind = "multiclass"

    # -- the points --------------------------------------------------------------------------------
    def _add(self, x: np.ndarray, label: float) -> None:
        room = MAX_POINTS - len(self._x)
        if room <= 0:
            return
        x = np.clip(x[:room], -EXTENT, EXTENT)
        self._x = np.concatenate([self._x, x])
        self._y = np.concatenate([self._y, np.full(len(x), label)])

    def _dab(self, p: QPointF, label: float) -> None:
        # uniform in the disc: radius ∝ sqrt(u)
        r = self.radius * np.sqrt(self._rng.uniform(0, 1, self.per_dab))
        a = self._rng.uniform(0, 2 * np.pi, self.per_dab)
        self._add(np.column_stack([p.x() + r * np.cos(a), p.y() + r * np.sin(a)]), label)

    def _erase(self, p: QPointF) -> None:
        keep = np.hypot(self._x[:, 0] - p.x(), self._x[:, 1] - p.y()) > self.radius
        self._x, self._y = self._x[keep], self._y[keep]

    def _emit(self) -> None:
        self.points_changed.emit(*self.points())

    # -- drawing -----------------------------------------------------------------------------------
    def _show(self) -> None:
        if self.kind == "multiclass":
            table = [pg.mkBrush(*c) for c in colors.CLASS_COLORS]
            brushes = [table[int(v) % 3] for v in self._y]
        else:
            pos, neg = pg.mkBrush(colors.positive()), pg.mkBrush(colors.negative())
            brushes = [pos if v > 0 else neg for v in self._y]
        self.scatter.setData(pos=self._x, brush=brushes)

    def _show_cursor(self, p: QPointF | None) -> None:
        visible = p is not None and self.mode in ("brush", "erase")
        self.cursor.setVisible(visible)
        if visible:
            r = self.radius
            self.cursor.setRect(QRectF(p.x() - r, p.y() - r, 2 * r, 2 * r))
