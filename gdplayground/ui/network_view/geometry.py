"""Where every node, bias marker and connection of the network view sits.

Computed once per size or structure change (never per frame), so painting and hit-testing only
read arrays. Network layers are numbered as in the engine: 0 = the active input features (in the
order of the features tuple), 1..L = hidden layers, L+1 = output; W_l connects layer l-1 to l.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath

HEADER = 118  # room above the graph for the layer controls, unless the view measures them
TOP_ROW = 28  # the '+ layer' row, where the headings go when columns are narrow
BOTTOM = 12
CAPTION = 26  # extra room at the bottom in explain mode, for the phase caption
MAX_NODE = 96  # bigger squares add nothing but empty space
GAP = 0.3  # gap between nodes, as a fraction of the node side
SAMPLES = 17  # points per connection for hit-testing
STRAIGHT_ABOVE = 512  # connections in one layer beyond which they are drawn straight


@dataclass(frozen=True)
class Structure:
    all_features: tuple[str, ...]
    active: tuple[str, ...]
    hidden: tuple[int, ...]
    activations: tuple[str, ...]
    n_out: int

    @property
    def sizes(self) -> tuple[int, ...]:
        return (len(self.active), *self.hidden, self.n_out)

    @property
    def output_layer(self) -> int:
        return len(self.hidden) + 1


@dataclass
class Geometry:
    column_x: list[float]  # centre of each network layer's column
    node_size: list[float]
    feature_rects: dict[str, QRectF]
    node_rects: list[list[QRectF]]  # per network layer
    bias_rects: list[list[QRectF]]  # per network layer ([] for the inputs)
    edge_paths: list[list[QPainterPath | QLineF]]  # [l-1] holds W_l's connections in W_l.ravel() order
    edge_points: list[np.ndarray]  # (E, SAMPLES, 2) polylines, same order
    edge_span: list[tuple[float, float]]  # x range covered by W_l's connections
    label_right: float  # feature labels are right-aligned here
    graph_top: float
    spacing: float  # distance between column centres
    max_pen: float  # the thickest connection


def control_width(spacing: float) -> int:
    """Width of a hidden layer's controls: the column spacing less a gap, within reason."""
    return int(min(spacing - 6 if spacing >= 44 else spacing - 2, 124))  # never into the next column


def _fit(height: float, n: int) -> float:
    return height / (n + (n - 1) * GAP) if n > 0 else MAX_NODE


def compute(s: Structure, width: float, height: float, header: float = HEADER, caption: bool = False) -> Geometry:
    label_w = min(max(0.075 * width, 58.0), 92.0)
    left, right = 8.0 + label_w, width - 18.0
    graph_top, graph_h = float(header), max(height - header - BOTTOM - (CAPTION if caption else 0), 40.0)
    n_cols = len(s.sizes)
    spacing = (right - left) / max(n_cols - 1, 1)
    n_feat = max(len(s.all_features), 1)
    base = max(min(MAX_NODE, _fit(graph_h, n_feat), 0.42 * spacing), 6.0)
    # whole pixels, rounded down so that a full column still fits
    sizes = [float(int(base if n <= n_feat else max(min(base, _fit(graph_h, n)), 4.0))) for n in s.sizes]
    sizes[0] = base = float(int(base))
    x_first, x_last = left + base / 2, right - sizes[-1] / 2
    step = (x_last - x_first) / max(n_cols - 1, 1)
    xs = [x_first + k * step for k in range(n_cols)]
    feature_rects = {name: _square(xs[0], graph_top, base, row) for row, name in enumerate(s.all_features)}
    nodes = [[feature_rects[name] for name in s.active]]
    nodes += [[_square(xs[l], graph_top, sizes[l], i) for i in range(n)] for l, n in enumerate(s.sizes) if l > 0]
    biases = [[]] + [[_bias_rect(r) for r in layer] for layer in nodes[1:]]
    paths, points, spans = [], [], []
    for l in range(1, n_cols):
        p, pts = _edges(nodes[l - 1], nodes[l])
        paths.append(p)
        points.append(pts)
        spans.append((xs[l - 1], xs[l]))
    return Geometry(xs, sizes, feature_rects, nodes, biases, paths, points, spans,
                    left - 10.0, graph_top, step, min(max(base * 0.16, 3.0), 8.0))


def _square(x: float, top: float, size: float, row: int) -> QRectF:
    # whole pixels: node pictures and borders are blitted, not resampled or antialiased
    return QRectF(round(x - size / 2), int(top + row * size * (1 + GAP)), size, size)


def _bias_rect(node: QRectF) -> QRectF:
    b = round(min(max(node.width() * 0.22, 5.0), 11.0))
    return QRectF(node.left() - b - 2, node.bottom() - b, b, b)


def _edges(sources: list[QRectF], targets: list[QRectF]) -> tuple[list[QPainterPath | QLineF], np.ndarray]:
    """Cubic Béziers leaving and entering horizontally (as in TensorFlow Playground): they read
    as flowing left to right and cross less confusingly than straight lines. A layer with more
    than STRAIGHT_ABOVE connections gets straight lines: at that density curves no longer read
    as curves, and they cost about five times more to rasterise."""
    t = np.linspace(0.0, 1.0, SAMPLES)[:, None]
    basis = np.hstack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3])  # (S, 4)
    straight = len(sources) * len(targets) > STRAIGHT_ABOVE
    shapes, controls = [], []
    for a in sources:
        x0, y0 = a.right(), a.center().y()
        for b in targets:
            x3, y3 = b.left(), b.center().y()
            if straight:
                shapes.append(QLineF(x0, y0, x3, y3))
                controls.append([(x0, y0), ((2 * x0 + x3) / 3, (2 * y0 + y3) / 3), ((x0 + 2 * x3) / 3, (y0 + 2 * y3) / 3), (x3, y3)])
                continue
            xm = (x0 + x3) / 2
            path = QPainterPath(QPointF(x0, y0))
            path.cubicTo(QPointF(xm, y0), QPointF(xm, y3), QPointF(x3, y3))
            shapes.append(path)
            controls.append([(x0, y0), (xm, y0), (xm, y3), (x3, y3)])
    ctrl = np.asarray(controls, dtype=float).reshape(-1, 4, 2)
    return shapes, np.einsum("sk,ekd->esd", basis, ctrl)


def distances(points: np.ndarray, x: float, y: float) -> np.ndarray:
    """Distance from (x, y) to each polyline in ``points`` (E, S, 2)."""
    a, b = points[:, :-1], points[:, 1:]
    d = b - a
    p = np.array([x, y])
    t = np.clip(np.einsum("esk,esk->es", p - a, d) / np.maximum(np.einsum("esk,esk->es", d, d), 1e-12), 0, 1)
    closest = a + t[..., None] * d
    return np.sqrt(((closest - p) ** 2).sum(axis=2)).min(axis=1)
