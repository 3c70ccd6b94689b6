"""What is under the mouse: bias markers first (they are small and on top), then nodes, then
connections (nearest within a few pixels of the drawn line)."""
from __future__ import annotations

import numpy as np

from . import geometry
from .geometry import Geometry, Structure

Target = tuple  # ("feature", name) | ("node", layer, index) | ("param", name, position)
TOLERANCE = 3.0  # px beyond a connection's drawn edge that still counts as on it


def target_at(geo: Geometry, s: Structure, widths: list[np.ndarray], x: float, y: float) -> Target | None:
    for l, rects in enumerate(geo.bias_rects):
        for j, r in enumerate(rects):
            if r.adjusted(-2, -2, 2, 2).contains(x, y):
                return ("param", f"b{l}", (j,))
    for name, r in geo.feature_rects.items():
        if r.adjusted(-2, -2, 2, 2).contains(x, y):
            return ("feature", name)
    for l, rects in enumerate(geo.node_rects[1:], start=1):
        for i, r in enumerate(rects):
            if r.contains(x, y):
                return ("node", l, i)
    return _edge_at(geo, s, widths, x, y)


def _edge_at(geo: Geometry, s: Structure, widths: list[np.ndarray], x: float, y: float) -> Target | None:
    # only the connections of the gap between two columns the mouse is in: cheap for wide nets
    for l, (x0, x1) in enumerate(geo.edge_span, start=1):
        if not x0 <= x <= x1 or not len(geo.edge_points[l - 1]):
            continue
        d = geometry.distances(geo.edge_points[l - 1], x, y)
        if l - 1 < len(widths):
            d = d - widths[l - 1] / 2
        e = int(np.argmin(d))
        if d[e] <= TOLERANCE:
            n_out = s.sizes[l]
            return ("param", f"W{l}", (e // n_out, e % n_out))
    return None


def param_point(geo: Geometry, s: Structure, widths: list[np.ndarray], name: str, position: tuple[int, ...]) -> tuple[float, float]:
    """A point on ``name[position]``'s connection or bias marker that hits it and nothing else
    (edges cross in the middle of a gap, so the midpoint is not always it)."""
    layer = int(name[1:])
    if name.startswith("b"):
        c = geo.bias_rects[layer][position[0]].center()
        return c.x(), c.y()
    points = geo.edge_points[layer - 1][position[0] * s.sizes[layer] + position[1]]
    mid = len(points) // 2
    for k in sorted(range(2, len(points) - 2), key=lambda k: abs(k - mid)):
        x, y = round(points[k][0]), round(points[k][1])
        if target_at(geo, s, widths, x, y) == ("param", name, tuple(position)):
            return x, y
    return points[mid][0], points[mid][1]


def neuron_of(s: Structure, target: Target | None) -> tuple[int, int]:
    """(layer, index) of the network neuron ``target`` is, or (-1, -1): an inactive feature is
    not in the network."""
    if target is not None and target[0] == "node":
        return target[1], target[2]
    if target is not None and target[0] == "feature" and target[1] in s.active:
        return 0, s.active.index(target[1])
    return -1, -1
