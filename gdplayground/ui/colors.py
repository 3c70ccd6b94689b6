"""Colours with a meaning: negative values orange, positive blue (TensorFlow Playground's
convention, which students know), or a colour-blind-safe purple/green scheme.

Every view takes its colours from here so that one switch changes all of them.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

SCHEMES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]] = {
    # negative, middle, positive
    "orange_blue": ((245, 147, 34), (232, 234, 235), (8, 119, 189)),
    "colorblind": ((153, 112, 171), (247, 247, 247), (90, 174, 97)),
}
_scheme = "orange_blue"


def set_scheme(name: str) -> None:
    global _scheme
    if name not in SCHEMES:
        raise ValueError(f"unknown colour scheme {name!r}")
    _scheme = name


def scheme() -> str:
    return _scheme


def negative() -> QColor:
    return QColor(*SCHEMES[_scheme][0])


def positive() -> QColor:
    return QColor(*SCHEMES[_scheme][2])


def for_sign(value: float) -> QColor:
    return positive() if value >= 0 else negative()


def lookup_table(n: int = 256) -> np.ndarray:
    """(n, 3) uint8 colours from negative (row 0) through the middle to positive (row n-1)."""
    neg, mid, pos = (np.array(c, dtype=float) for c in SCHEMES[_scheme])
    t = np.linspace(-1.0, 1.0, n)[:, None]
    rows = np.where(t < 0, mid + (neg - mid) * (-t), mid + (pos - mid) * t)
    return np.round(rows).astype(np.ubyte)


def value_color(value: float, limit: float = 1.0) -> QColor:
    """The colour of ``value`` on the diverging scale clipped at ±limit."""
    lut = lookup_table()
    i = int(round((np.clip(value / limit if limit else 0.0, -1, 1) + 1) / 2 * (len(lut) - 1)))
    return QColor(*(int(c) for c in lut[i]))


# Three classes (3-class datasets): the two scheme colours plus a third that reads apart from both.
CLASS_COLORS: tuple[tuple[int, int, int], ...] = ((245, 147, 34), (8, 119, 189), (80, 160, 60))
