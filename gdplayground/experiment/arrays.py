"""JSON lists <-> float64 arrays, checked: rectangular, numbers only, finite, not too many."""
from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ExperimentError, shown


def _numbers(where: str, row: Any, width: int | None) -> None:
    if type(row) is not list:
        raise ExperimentError(f"{where}: expected a list of numbers, got {shown(row)}")
    if width is not None and len(row) != width:
        raise ExperimentError(f"{where}: expected {width} numbers, got {len(row)}")
    for v in row:
        if type(v) is not float and type(v) is not int:  # bool and str are refused too
            raise ExperimentError(f"{where}: expected a number, got {shown(v)}")


def _finite(where: str, values: Any, shape: tuple[int, ...]) -> np.ndarray:
    try:
        a = np.array(values, dtype=np.float64)
    except OverflowError:
        raise ExperimentError(f"{where}: a number is too large") from None
    if a.shape != shape:  # cannot happen after the checks; kept as a guard for the next reader
        raise ExperimentError(f"{where}: expected shape {shape}, got {a.shape}")
    bad = ~np.isfinite(a)
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), a.shape)
        raise ExperimentError(f"{where}{list(int(k) for k in i)}: expected a finite number, got {a[i]}")
    return a


def vector(where: str, value: Any, max_items: int) -> np.ndarray:
    """A 1-D list of finite numbers."""
    _numbers(where, value, None)
    if len(value) > max_items:
        raise ExperimentError(f"{where}: more than {max_items} numbers")
    return _finite(where, value, (len(value),))


def matrix(where: str, value: Any, max_items: int, width: int | None = None) -> np.ndarray:
    """A list of equally long lists of finite numbers (``width`` long each, if given)."""
    if type(value) is not list:
        raise ExperimentError(f"{where}: expected a list of rows, got {shown(value)}")
    if not value:
        raise ExperimentError(f"{where}: has no rows")
    columns = width if width is not None else (len(value[0]) if type(value[0]) is list else 0)
    if len(value) * max(columns, 1) > max_items:
        raise ExperimentError(f"{where}: more than {max_items} numbers")
    for i, row in enumerate(value):
        _numbers(f"{where}[{i}]", row, columns)
    return _finite(where, value, (len(value), columns))


def to_lists(a: np.ndarray) -> list:
    """Plain Python floats (repr round-trips exactly)."""
    return np.asarray(a, dtype=np.float64).tolist()
