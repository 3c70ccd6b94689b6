"""Neuron pictures: small float arrays over the input plane, resampled in NumPy to the node's
pixel size and coloured through the lookup table once per set of pictures, a whole layer at a
time into one strip image, so a repaint only blits (scaling a QImage at draw time cost 0.4 ms
per node here, and converting pictures one by one about as much)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from ...engine import features
from .. import colors

PREVIEW_SIZE = 24
EXTENT = 6.0
DIM = 0.3  # how much of an inactive feature's picture shows through the background

Picture = tuple[QImage, QRect]  # a strip image and the node's square in it


@lru_cache(maxsize=64)
def _resampler(n: int, size: int) -> np.ndarray:
    """(size, n) matrix of bilinear weights taking n samples to size pixel centres."""
    centres = (np.arange(size) + 0.5) * n / size - 0.5
    lo = np.clip(np.floor(centres).astype(int), 0, n - 1)
    hi = np.clip(lo + 1, 0, n - 1)
    t = np.clip(centres - lo, 0.0, 1.0)
    m = np.zeros((size, n), dtype=np.float32)
    m[np.arange(size), lo] += 1 - t
    m[np.arange(size), hi] += t
    return m


@lru_cache(maxsize=8)
def _packed_lut(scheme: str, background: int | None) -> np.ndarray:
    """The colour scheme's lookup table as 0xffRRGGBB, optionally dimmed towards a background."""
    rgb = colors.lookup_table().astype(np.float64)
    if background is not None:
        bg = np.array([(background >> 16) & 255, (background >> 8) & 255, background & 255], dtype=float)
        rgb = DIM * rgb + (1 - DIM) * bg
    rgb = np.rint(rgb).astype(np.uint32)
    return 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def strip(pictures: np.ndarray, size: int, background: QColor | None = None) -> QImage:
    """One image of width ``size`` holding ``pictures`` (k, h, w) one under the other, each
    resampled to size×size with row 0 (the bottom of the plane) drawn last. Non-finite values
    take the middle colour: never drawn as data."""
    a = np.where(np.isfinite(pictures), pictures, 0.0).astype(np.float32)  # float32: half the time
    a = _resampler(a.shape[1], size) @ a @ _resampler(a.shape[2], size).T
    lut = _packed_lut(colors.scheme(), None if background is None else background.rgb() & 0xFFFFFF)
    half = (len(lut) - 1) / 2.0
    index = ((a[:, ::-1] + 1.0) * half + 0.5).clip(0, len(lut) - 1).astype(np.intp)  # +0.5 then truncate: rounded
    argb = np.ascontiguousarray(lut[index]).reshape(-1, size)
    return QImage(argb.data, size, argb.shape[0], 4 * size, QImage.Format.Format_RGB32).copy()


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
    converted lazily, a layer at a time, at the size the layer's nodes are drawn; cached until
    the pictures, the sizes or the colours change."""

    def __init__(self) -> None:
        self.raw: list[list[np.ndarray]] = []
        self._strips: dict[tuple, QImage | None] = {}
        self._key: tuple = ()

    def set_raw(self, raw: list[list[np.ndarray]]) -> None:
        self.raw = raw
        self._strips = {k: v for k, v in self._strips.items() if k[0] == "f"}

    def clear_if_changed(self, key: tuple) -> None:
        """Forget every converted picture when the colours (scheme, palette) changed."""
        if key != self._key:
            self._key = key
            self._strips.clear()

    def has(self, layer: int, index: int) -> bool:
        return layer < len(self.raw) and index < len(self.raw[layer])

    def neuron(self, layer: int, index: int, size: int) -> Picture | None:
        key = ("n", layer, size)
        if key not in self._strips:
            self._strips[key] = self._layer_strip(layer, size)
        image = self._strips[key]
        if image is None or not self.has(layer, index) or image.height() < (index + 1) * size:
            return None
        return image, QRect(0, index * size, size, size)

    def _layer_strip(self, layer: int, size: int) -> QImage | None:
        arrays = [np.asarray(a, dtype=float) for a in (self.raw[layer] if layer < len(self.raw) else [])]
        if not arrays or arrays[0].ndim != 2 or arrays[0].size == 0 or any(a.shape != arrays[0].shape for a in arrays):
            return None  # not a layer of same-sized pictures: neutral squares
        return strip(np.stack(arrays), size)

    def feature(self, name: str, size: int, background: QColor | None) -> Picture | None:
        key = ("f", name, size, None if background is None else background.rgb())
        if key not in self._strips:
            ok = name in features.NAMES
            self._strips[key] = strip(feature_values(name)[None], size, background) if ok else None
        image = self._strips[key]
        return None if image is None else (image, QRect(0, 0, size, size))
