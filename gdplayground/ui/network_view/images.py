"""Neuron pictures: small float arrays over the input plane, resampled in NumPy to the node's
pixel size and coloured through the lookup table once, so a repaint only blits them (scaling a
QImage at draw time cost about 0.4 ms per node here)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtGui import QColor, QImage

from ...engine import features
from .. import colors

PREVIEW_SIZE = 24
EXTENT = 6.0
DIM = 0.3  # how much of an inactive feature's picture shows through the background


@lru_cache(maxsize=64)
def _resampler(n: int, size: int) -> np.ndarray:
    """(size, n) matrix of bilinear weights taking n samples to size pixel centres."""
    centres = (np.arange(size) + 0.5) * n / size - 0.5
    lo = np.clip(np.floor(centres).astype(int), 0, n - 1)
    hi = np.clip(lo + 1, 0, n - 1)
    t = np.clip(centres - lo, 0.0, 1.0)
    m = np.zeros((size, n))
    m[np.arange(size), lo] += 1 - t
    m[np.arange(size), hi] += t
    return m


def to_image(values: np.ndarray, size: int, lut: np.ndarray, background: QColor | None = None) -> QImage | None:
    """A size×size RGB32 picture of ``values`` (row 0 = bottom of the plane); None if the array
    is not a 2-D picture. Non-finite values take the middle colour: never drawn as data. With a
    ``background`` the picture is dimmed towards it."""
    a = np.asarray(values, dtype=float)
    if a.ndim != 2 or a.size == 0 or size < 1:
        return None
    a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    a = _resampler(a.shape[0], size) @ a @ _resampler(a.shape[1], size).T
    index = np.clip(np.rint((a[::-1] + 1.0) * (len(lut) - 1) / 2.0), 0, len(lut) - 1).astype(np.intp)
    rgb = lut[index].astype(np.float64)
    if background is not None:
        rgb = DIM * rgb + (1 - DIM) * np.array([background.red(), background.green(), background.blue()])
    rgb = np.rint(rgb).astype(np.uint32)
    argb = np.ascontiguousarray(0xFF000000 | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2])
    return QImage(argb.data, size, size, 4 * size, QImage.Format.Format_RGB32).copy()


@lru_cache(maxsize=16)
def feature_values(name: str, n: int = PREVIEW_SIZE) -> np.ndarray:
    """An input feature over the plane scaled to [-1, 1], row 0 = bottom (x2 = -6)."""
    axis = np.linspace(-EXTENT, EXTENT, n)
    x1, x2 = np.meshgrid(axis, axis)
    values = features.transform(np.column_stack([x1.ravel(), x2.ravel()]), (name,)).reshape(n, n)
    peak = float(np.abs(values).max())
    return values / peak if peak else values


class NodeImages:
    """The pictures the caller sent (one list per network layer) and the input features' own,
    converted lazily at the size each node is drawn and cached until either changes."""

    def __init__(self) -> None:
        self.raw: list[list[np.ndarray]] = []
        self._cache: dict[tuple, QImage | None] = {}
        self._key: tuple = ()

    def set_raw(self, raw: list[list[np.ndarray]]) -> None:
        self.raw = raw
        self._cache.clear()

    def clear_if_changed(self, key: tuple) -> None:
        """Forget every converted picture when the colours (scheme, palette) changed."""
        if key != self._key:
            self._key = key
            self._cache.clear()

    def has(self, layer: int, index: int) -> bool:
        return layer < len(self.raw) and index < len(self.raw[layer])

    def neuron(self, layer: int, index: int, size: int) -> QImage | None:
        key = ("n", layer, index, size)
        if key not in self._cache:
            self._cache[key] = to_image(self.raw[layer][index], size, colors.lookup_table()) if self.has(layer, index) else None
        return self._cache[key]

    def feature(self, name: str, size: int, background: QColor | None) -> QImage | None:
        key = ("f", name, size, background is not None)
        if key not in self._cache:
            ok = name in features.NAMES
            self._cache[key] = to_image(feature_values(name), size, colors.lookup_table(), background) if ok else None
        return self._cache[key]
