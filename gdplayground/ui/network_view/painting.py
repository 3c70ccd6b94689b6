"""Drawing what lies on top of the connections: nodes, bias markers, labels, accents and the
explain-mode glow, with a QPainter from cached geometry."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPen

from .. import colors
from . import naming
from .edges import blend, draw_shape
from .geometry import TOP_ROW, Geometry, Structure, control_width

BIAS_SCALE = 2.0  # a bias of ±2 shows the full colour, like a connection of |w| ≈ 2
CAPTIONS = {
    "forward": "forward pass: computing layer {l}",
    "loss": "loss: comparing the output with the targets",
    "backward": "backward pass: gradients of W{l} and b{l}",
    "update": "update: every weight moves, w ← w − η·g",
}


def draw_edge_accent(p: QPainter, geo: Geometry, layer: int, e: int, pen: QPen, extra: float, color: QColor | None) -> None:
    accent = QPen(pen)
    accent.setWidthF(pen.widthF() + extra)
    accent.setCapStyle(Qt.PenCapStyle.RoundCap)
    if color is not None:
        accent.setColor(color)
        accent.setStyle(Qt.PenStyle.SolidLine)
    p.setPen(accent)
    draw_shape(p, geo.edge_paths[layer - 1][e])


def _band(geo: Geometry, s: Structure, phase: str, layer: int | None) -> QRectF:
    last = s.output_layer
    if phase == "loss":
        lo, hi = last, last
    elif phase == "update" or layer is None:
        lo, hi = 0, last
    else:
        lo, hi = min(max(layer - 1, 0), last), min(max(layer, 0), last)
    rects = [r for l in range(lo, hi + 1) for r in geo.node_rects[l]] or [QRectF(0, geo.graph_top, 1, 1)]
    bottom = max(r.bottom() for r in rects)
    left = geo.column_x[lo] - geo.node_size[lo] / 2 - 16
    right = geo.column_x[hi] + geo.node_size[hi] / 2 + 8
    return QRectF(left, geo.graph_top - 6, right - left, bottom - geo.graph_top + 16)  # within the live repaint area


def draw_phase(p: QPainter, geo: Geometry, s: Structure, palette: QPalette, phase: str, layer: int | None) -> None:
    """A glow behind the columns the current phase computes."""
    band = _band(geo, s, phase, layer)
    glow = QColor(palette.color(QPalette.ColorRole.Highlight))
    glow.setAlphaF(0.16)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(glow)
    p.drawRoundedRect(band, 10, 10)
    glow.setAlphaF(0.7)
    p.setPen(QPen(glow, 1.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(band, 10, 10)


def draw_caption(p: QPainter, geo: Geometry, s: Structure, palette: QPalette, phase: str, layer: int | None) -> None:
    """What the phase computes, under its glow."""
    band = _band(geo, s, phase, layer)
    caption = CAPTIONS[phase].format(l=layer if layer is not None else "")
    caption = "← " + caption if phase == "backward" else caption + " →" if phase == "forward" else caption
    p.setPen(palette.color(QPalette.ColorRole.WindowText))
    width = p.fontMetrics().horizontalAdvance(caption) + 12
    x = min(max(band.center().x() - width / 2, 4), geo.column_x[-1] + geo.node_size[-1] / 2 - width)
    p.drawText(QRectF(x, band.bottom() + 4, width, 22), Qt.AlignmentFlag.AlignCenter, caption)


class NodeStyle:
    """Pens and fills for node frames, made once per paint rather than once per node."""

    def __init__(self, palette: QPalette) -> None:
        text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
        self.frame = QPen(blend(text, window, 0.45), 1)
        self.frame_off = QPen(blend(text, window, 0.35), 1, Qt.PenStyle.DashLine)
        self.empty = palette.color(QPalette.ColorRole.Midlight)
        self.empty_off = window


def draw_node(p: QPainter, rect: QRectF, picture: tuple[QImage, QRect] | None, style: NodeStyle, active: bool) -> None:
    """A node's picture (or a neutral square before pictures arrive) in a thin frame; call with
    antialiasing off: rects are on whole pixels."""
    r = rect.toRect()
    if picture is not None:
        p.drawImage(r.topLeft(), *picture)
    else:
        p.fillRect(r, style.empty if active else style.empty_off)
    p.setPen(style.frame if active else style.frame_off)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(r.adjusted(-1, -1, 0, 0))


def draw_outline(p: QPainter, rect: QRectF, color: QColor, width: int) -> None:
    p.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap, Qt.PenJoinStyle.MiterJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    d = width // 2 + 2
    p.drawRect(rect.toRect().adjusted(-d, -d, d - 1, d - 1))


@lru_cache(maxsize=4)
def _scale_colors(scheme: str) -> list[QColor]:
    """The lookup table as QColors, made once per colour scheme."""
    return [QColor(int(r), int(g), int(b)) for r, g, b in colors.lookup_table()]


def draw_biases(p: QPainter, geo: Geometry, biases: list[np.ndarray | None], palette: QPalette) -> None:
    """Bias markers on the diverging scale (near zero reads as neutral, large as saturated)."""
    edge = blend(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.55)
    p.setPen(QPen(edge, 1))
    scale = _scale_colors(colors.scheme())
    missing = palette.color(QPalette.ColorRole.Mid)
    for l, rects in enumerate(geo.bias_rects):
        values = biases[l] if l < len(biases) and biases[l] is not None else np.zeros(len(rects))
        finite = np.isfinite(values)
        scaled = np.clip(np.where(finite, values, 0.0) / BIAS_SCALE, -1, 1)
        rows = np.rint((scaled + 1) / 2 * (len(scale) - 1)).astype(np.intp).tolist()
        for j, rect in enumerate(rects):
            p.setBrush(scale[rows[j]] if finite[j] else missing)
            p.drawRect(rect.toRect().adjusted(0, 0, -1, -1))


def draw_labels(p: QPainter, geo: Geometry, s: Structure, palette: QPalette, width: float) -> None:
    text = palette.color(QPalette.ColorRole.WindowText)
    dim = blend(text, palette.color(QPalette.ColorRole.Window), 0.5)
    font = QFont(p.font())
    font.setPixelSize(int(min(max(geo.node_size[0] * 0.3, 11), 15)))
    p.setFont(font)
    for name, rect in geo.feature_rects.items():
        p.setPen(text if name in s.active else dim)
        box = QRectF(0, rect.center().y() - 12, geo.label_right, 24)
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, naming.feature_label(name))
    bold = QFont(font)
    bold.setBold(True)
    p.setFont(bold)
    p.setPen(text)
    left, right = geo.column_x[0], geo.column_x[-1]
    reach = control_width(geo.spacing) / 2  # how far a hidden layer's controls spread
    half = max(p.fontMetrics().horizontalAdvance(t) for t in ("Features", "Output")) / 2 + 4
    room = len(geo.column_x) == 2 or (left + half < geo.column_x[1] - reach and right - half > geo.column_x[-2] + reach)
    if not room or right + half > width:  # at the ends of the '+ layer' row, clear of the controls
        p.drawText(QRectF(6, 6, 120, TOP_ROW), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "Features")
        p.drawText(QRectF(width - 126, 6, 120, TOP_ROW), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "Output")
        return
    for x, title in ((left, "Features"), (right, "Output")):
        box = QRectF(x - 60, geo.graph_top - 26, 120, 20)
        p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, title)
