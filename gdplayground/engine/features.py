"""Input features: the columns the network sees, computed from the raw point (x1, x2).

Pure NumPy. `transform` runs on every training step, so it does no per-row Python work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

NAMES: tuple[str, ...] = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")

LABELS: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁x₂",
    "sinx1": "sin(x₁)",
    "sinx2": "sin(x₂)",
}

_Column = Callable[[np.ndarray, np.ndarray], np.ndarray]

# Each takes the x1 and x2 columns; the result is written into the output, so views are fine.
_COLUMNS: dict[str, _Column] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1sq": lambda a, b: a * a,
    "x2sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sinx1": lambda a, b: np.sin(a),
    "sinx2": lambda a, b: np.sin(b),
}


def validate(features: Sequence[str]) -> tuple[str, ...]:
    """Return `features` as a tuple, or raise ValueError naming what is wrong with it.

    A valid list is non-empty, has no repeats, and uses only names from NAMES.
    """
    if isinstance(features, str):
        # a bare string would otherwise be read as the features 'x', '1', ...
        raise ValueError(f"features must be a list of names, not the single string {features!r}")
    names = tuple(features)
    if not all(isinstance(n, str) for n in names):
        raise ValueError(f"features: names must be strings, got {names!r}")
    return _validated(names)


@lru_cache(maxsize=256)
def _validated(names: tuple[str, ...]) -> tuple[str, ...]:
    # cached: transform validates on every call and feature lists rarely change
    if not names:
        raise ValueError("features: choose at least one input feature")
    for name in names:
        if name not in _COLUMNS:
            raise ValueError(f"features: unknown feature {name!r}; choose from {', '.join(NAMES)}")
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"features: each feature may be used once; repeated: {', '.join(repeated)}")
    return names


def transform(x: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Map points `x` of shape (n, 2) to a new (n, len(features)) float64 array.

    Columns follow the order of `features`. Raises ValueError for a bad feature list or a
    wrongly shaped `x`.
    """
    names = validate(features)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"features: points must have shape (n, 2), got {x.shape}")
    a, b = x[:, 0], x[:, 1]
    out = np.empty((x.shape[0], len(names)), dtype=np.float64)
    for j, name in enumerate(names):
        out[:, j] = _COLUMNS[name](a, b)
    return out
