"""What one frame shows, and drawing it: the cached connection layer's content (background,
explain-mode glow, connections) and what goes over it (accents, nodes, biases, labels)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPalette

from . import edges, painting
from .geometry import Geometry, Structure
from .hits import Target
from .images import NodeImages


@dataclass
class Scene:
    s: Structure
    images: NodeImages
    buckets: list[np.ndarray]  # pen index of each connection, per W_l
    biases: list[np.ndarray | None]  # per network layer
    hover: Target | None
    selected: tuple[str, tuple[int, ...]] | None
    phase: tuple[str, int | None] | None

    def hover_param(self) -> tuple[str, tuple[int, ...]] | None:
        return (self.hover[1], self.hover[2]) if self.hover and self.hover[0] == "param" else None

    def edge_focus(self) -> set[int] | None:
        """The connection layers explain mode is about (None: all)."""
        if self.phase is None or self.phase[0] == "update":
            return None
        phase, layer = self.phase
        return {self.s.output_layer} if phase == "loss" else ({layer} if layer is not None else None)


def draw_edge_layer(p: QPainter, geo: Geometry, pens: edges.Pens, pal: QPalette, scene: Scene, width: int, height: int) -> None:
    p.fillRect(QRectF(0, 0, width, height), pal.color(QPalette.ColorRole.Window))
    if scene.phase is not None:
        painting.draw_phase(p, geo, scene.s, pal, *scene.phase)
    edges.draw_edges(p, geo, pens, scene.buckets, scene.edge_focus())


def draw_overlay(p: QPainter, geo: Geometry, pens: edges.Pens, pal: QPalette, scene: Scene, width: int) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    _param_accents(p, geo, pens, pal, scene)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # nodes and markers sit on whole pixels
    _nodes(p, geo, pal, scene)
    painting.draw_biases(p, geo, scene.biases, pal)
    _bias_accents(p, geo, pal, scene)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    painting.draw_labels(p, geo, scene.s, pal, width)
    if scene.phase is not None:
        painting.draw_caption(p, geo, scene.s, pal, *scene.phase)


def _param_accents(p: QPainter, geo: Geometry, pens: edges.Pens, pal: QPalette, scene: Scene) -> None:
    """The selected connection gets a halo, the hovered one is redrawn on top, bolder."""
    for target, halo in ((scene.selected, True), (scene.hover_param(), False)):
        if target is None or target[0][0] != "W":
            continue
        name, (i, j) = target
        layer = int(name[1:])
        e = i * scene.s.sizes[layer] + j
        pen = pens.normal[int(scene.buckets[layer - 1][e])] if layer - 1 < len(scene.buckets) else pens.normal[-1]
        if halo:
            color = QColor(pal.color(QPalette.ColorRole.Highlight))
            color.setAlphaF(0.55)  # one translucent stroke is cheap
            painting.draw_edge_accent(p, geo, layer, e, pen, 8.0, color)
        painting.draw_edge_accent(p, geo, layer, e, pen, 0.0 if halo else 1.5, None)


def _nodes(p: QPainter, geo: Geometry, pal: QPalette, scene: Scene) -> None:
    s, images, background = scene.s, scene.images, pal.color(QPalette.ColorRole.Window)
    style = painting.NodeStyle(pal)
    for name, rect in geo.feature_rects.items():
        on = name in s.active
        i, size = s.active.index(name) if on else -1, int(rect.width())
        if on and images.has(0, i):
            picture = images.neuron(0, i, size)
        else:  # the feature's own picture until the caller sends one, dimmed when off
            picture = images.feature(name, size, None if on else background)
        painting.draw_node(p, rect, picture, style, on)
    for l, rects in enumerate(geo.node_rects[1:], start=1):
        for i, rect in enumerate(rects):
            painting.draw_node(p, rect, images.neuron(l, i, int(rect.width())), style, True)
    highlight = pal.color(QPalette.ColorRole.Highlight)
    if scene.phase is not None and scene.phase[0] in ("forward", "backward", "loss"):
        layer = s.output_layer if scene.phase[0] == "loss" else scene.phase[1]
        for rect in geo.node_rects[layer] if layer is not None and 0 <= layer < len(geo.node_rects) else ():
            painting.draw_outline(p, rect, highlight, 2)
    hovered = _hover_rect(geo, scene.hover)
    if hovered is not None:
        painting.draw_outline(p, hovered, highlight, 2)


def _bias_accents(p: QPainter, geo: Geometry, pal: QPalette, scene: Scene) -> None:
    for target, color in ((scene.selected, pal.color(QPalette.ColorRole.Highlight)),
                          (scene.hover_param(), pal.color(QPalette.ColorRole.WindowText))):
        if target is not None and target[0][0] == "b":
            painting.draw_outline(p, geo.bias_rects[int(target[0][1:])][target[1][0]], color, 2)


def _hover_rect(geo: Geometry, hover: Target | None) -> QRectF | None:
    if hover is not None and hover[0] == "feature":
        return geo.feature_rects[hover[1]]
    if hover is not None and hover[0] == "node":
        return geo.node_rects[hover[1]][hover[2]]
    return None
