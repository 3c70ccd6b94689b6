"""The connections: pens by sign and strength, and a cached layer they are rendered into.

Measured on a two-core machine, antialiased curves drawn with translucent pens cost the raster engine
about 0.25 ms each (384 connections of a 6×8 network with 7 inputs: 95 ms); the same curves with
opaque pens already blended with the background cost about a third of that, and without
antialiasing about a tenth. So pens are opaque (a weak weight's colour is mixed towards the
background instead of being transparent; weak ones are drawn first so strong ones stay on top);
the layer is re-rendered only when a pen changed, and while weights stream in no more often than
keeps it under a quarter of the GUI thread's time; and while they stream, a network whose smooth
rendering is slow is drawn without antialiasing, then smoothly once the stream settles.
Everything else (nodes, hover, selection) repaints over the cached layer.
"""
from __future__ import annotations

import time
from typing import Callable, Mapping, Sequence

import numpy as np
from PySide6.QtCore import QLineF, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen, QPixmap

from .. import colors
from .geometry import Geometry

LEVELS = 24
# Thickness and colour strength follow tanh(|w| / SCALE): a fixed curve, not one relative to the
# largest weight, so students see weights grow or shrink as training goes on (a relative scale
# looks the same at |w| = 0.1 and 10); tanh saturates so huge weights stay readable.
SCALE = 2.0
MIN_WIDTH, MIN_ALPHA, DARK_MIN_ALPHA, FADED = 0.8, 0.25, 0.4, 0.22
NON_FINITE = 2 * (LEVELS + 1)
BUDGET = 0.25  # the largest share of the GUI thread that re-rendering connections may take
SLOW = 0.008  # s: a smooth render slower than this is replaced by a fast one while weights stream
SETTLE_MS = 250  # no new weights for this long: the stream has stopped, draw smoothly
STREAM_GAP = 0.1  # s: weights changing again within this are a stream (training), not a Step


def blend(color: QColor, background: QColor, alpha: float) -> QColor:
    """``color`` at ``alpha`` over ``background``, as an opaque colour: translucent pens and
    brushes are several times slower in the raster engine, and here nothing needs to show through."""
    return QColor.fromRgbF(*(alpha * c + (1 - alpha) * b for c, b in zip(color.getRgbF()[:3], background.getRgbF()[:3])))


def strength(values: np.ndarray) -> np.ndarray:
    """0..1: how strongly a weight of this size is drawn."""
    return np.tanh(np.abs(np.where(np.isfinite(values), values, 0.0)) / SCALE)


def buckets(values: np.ndarray) -> np.ndarray:
    """The pen index of each weight: sign and one of LEVELS + 1 strengths (NON_FINITE apart)."""
    level = np.rint(strength(values) * LEVELS).astype(np.intp)
    index = np.where(values >= 0, LEVELS + 1, 0) + level
    index[~np.isfinite(values)] = NON_FINITE
    return index


class Pens:
    """Every pen a connection can have, made once per colour scheme, palette and size."""

    def __init__(self, max_width: float, palette: QPalette) -> None:
        self.max_width = max_width
        self.background = palette.color(QPalette.ColorRole.Window)
        self.normal = self._make(palette, 1.0)
        self.faded = self._make(palette, FADED)

    def _make(self, palette: QPalette, fade: float) -> list[QPen]:
        pens = []
        # on a dark background a faint colour reads as mud: weak weights keep more of theirs
        floor = MIN_ALPHA if self.background.lightnessF() >= 0.5 else DARK_MIN_ALPHA
        for color in (colors.negative(), colors.positive()):
            for level in range(LEVELS + 1):
                f = level / LEVELS
                c = blend(color, self.background, fade * (floor + (1 - floor) * f))
                pens.append(QPen(c, self.width(f), Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        grey = blend(palette.color(QPalette.ColorRole.WindowText), self.background, 0.35 * fade)
        pens.append(QPen(grey, MIN_WIDTH, Qt.PenStyle.DotLine))  # non-finite: never drawn as data
        return pens

    def width(self, f: float) -> float:
        return MIN_WIDTH + (self.max_width - MIN_WIDTH) * f

    def widths(self, index: np.ndarray) -> np.ndarray:
        level = np.where(index == NON_FINITE, 0, index % (LEVELS + 1))
        return MIN_WIDTH + (self.max_width - MIN_WIDTH) * level / LEVELS


class EdgeLayer(QObject):
    """A pixmap with the background, the explain-mode glow and every connection, and when to
    re-render it. ``wanted`` asks the owner for a repaint."""

    wanted = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pixmap: QPixmap | None = None
        self.invalid = True  # must re-render before the next paint (size, structure, palette, phase)
        self.dirty = False  # weights changed: re-render when the budget allows
        self.cost = self.smooth_cost = 0.0
        self.smooth = False  # whether the pixmap was last rendered with antialiasing
        self.last = self._last_change = -1e9
        self.streaming = False
        self._budget_timer = QTimer(self, singleShot=True)
        self._budget_timer.timeout.connect(self.wanted)
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self._settled)

    def weights_changed(self) -> None:
        now = time.perf_counter()
        # a stream is weights changing again soon after; one Step is drawn smoothly at once
        self.streaming = now - self._last_change < STREAM_GAP
        self._last_change = now
        self.dirty = True
        self._settle_timer.start()
        self.schedule()

    def schedule(self) -> None:
        """Repaint now, or when re-rendering the connections fits the budget again."""
        wait = self.wait() if self.dirty else 0.0
        if wait <= 0.0:
            self.wanted.emit()
        elif not self._budget_timer.isActive():
            self._budget_timer.start(max(int(wait * 1000), 1))

    def pending(self) -> bool:
        return self.dirty or self.invalid or (not self.smooth and self._settle_timer.isActive())

    def _settled(self) -> None:
        self.streaming = False
        if not self.smooth:
            self.invalid = True
            self.wanted.emit()

    def wait(self) -> float:
        """Seconds until a re-render keeps within BUDGET."""
        return max(0.0, self.last + self.cost / BUDGET - time.perf_counter())

    def render_if_needed(self, size: QSize, dpr: float, draw: Callable[[QPainter], None]) -> None:
        if self.invalid or (self.dirty and self.wait() <= 0.0):
            self.render(size, dpr, draw)
        elif self.dirty:
            self.schedule()

    def render(self, size: QSize, dpr: float, draw: Callable[[QPainter], None]) -> None:
        """Re-render through ``draw(painter)`` and remember what it cost."""
        start = time.perf_counter()
        if self.pixmap is None or self.pixmap.size() != size * dpr:
            self.pixmap = QPixmap(size * dpr)
            self.pixmap.setDevicePixelRatio(dpr)
        p = QPainter(self.pixmap)
        self.smooth = not (self.streaming and self.smooth_cost > SLOW)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.smooth)
        draw(p)
        p.end()
        self.invalid = self.dirty = False
        self.last = time.perf_counter()
        self.cost = self.last - start
        if self.smooth:
            self.smooth_cost = self.cost


def read_params(params: Mapping[str, np.ndarray], sizes: Sequence[int]) -> tuple[list, list, list]:
    """Copies of the weights (raveled, per W_l; None if missing or misshapen), their pen indices,
    and the biases (per network layer, None for the inputs or if misshapen)."""
    shapes = list(zip(sizes[:-1], sizes[1:]))
    ws = [params.get(f"W{l}") for l in range(1, len(sizes))]
    ok = [w is not None and np.shape(w) == shape for w, shape in zip(ws, shapes)]
    # one copy and one bucketing for the whole network: NumPy's cost here is the call count
    flat = np.concatenate([np.ravel(w) if good else np.full(a * b, np.nan) for w, good, (a, b) in zip(ws, ok, shapes)]).astype(float)
    cuts = np.cumsum([a * b for a, b in shapes])[:-1]
    weights = [w if good else None for w, good in zip(np.split(flat, cuts), ok)]
    biases: list[np.ndarray | None] = [None]
    for l in range(1, len(sizes)):
        b = params.get(f"b{l}")
        biases.append(np.array(b, dtype=float) if b is not None and np.shape(b) == (sizes[l],) else None)
    return weights, np.split(buckets(flat), cuts), biases


def draw_edges(p: QPainter, geo: Geometry, pens: Pens, index: list[np.ndarray], focus: set[int] | None) -> None:
    """Every connection, weakest first; outside ``focus`` (explain mode) faded and underneath."""
    layers, flat = [], []
    for l, paths in enumerate(geo.edge_paths, start=1):
        k = index[l - 1] if l - 1 < len(index) else np.full(len(paths), NON_FINITE)
        flat.append(k)
        layers.append(np.full(len(paths), focus is None or l in focus))
    if not flat:
        return
    k, on = np.concatenate(flat), np.concatenate(layers)
    level = np.where(k == NON_FINITE, -1, k % (LEVELS + 1))
    order = np.lexsort((level, on))
    shapes = [shape for ps in geo.edge_paths for shape in ps]
    current = None
    for e in order.tolist():
        pen = (pens.normal if on[e] else pens.faded)[k[e]]
        if pen is not current:
            p.setPen(pen)
            current = pen
        draw_shape(p, shapes[e])


def draw_shape(p: QPainter, shape: QPainterPath | QLineF) -> None:
    if isinstance(shape, QLineF):
        p.drawLine(shape)
    else:
        p.drawPath(shape)
