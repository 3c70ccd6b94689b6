"""2-D test surfaces with exact formulas and analytic gradients.

Every function takes points as an array of shape (..., 2) and works on any leading shape, so a
whole population of balls (or a contour grid) is one call. The quadratic surfaces also carry
their constant Hessian, which conjugate gradient's exact line search needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray

_R = np.sqrt(0.5)


@dataclass(frozen=True)
class Surface:
    """f, its gradient, where its minima are, a sensible start and view, and (for quadratics) A
    such that f(p) = ½ pᵀAp."""

    name: str
    formula: str
    value: Callable[[Array], Array]
    gradient: Callable[[Array], Array]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max for a contour plot
    hessian: Array | None = None  # constant Hessian of a quadratic, else None
    log_levels: bool = False  # contours read better log-spaced (steep walls, flat valleys)


def _xy(p: Array) -> tuple[Array, Array]:
    p = np.asarray(p, dtype=float)
    return p[..., 0], p[..., 1]


def _pack(gx: Array, gy: Array) -> Array:
    return np.stack([gx, gy], axis=-1)


def _bowl(p: Array) -> Array:
    x, y = _xy(p)
    return 0.5 * (x * x + 10.0 * y * y)


def _bowl_grad(p: Array) -> Array:
    x, y = _xy(p)
    return _pack(x, 10.0 * y)


def _rosenbrock(p: Array) -> Array:
    x, y = _xy(p)
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(p: Array) -> Array:
    x, y = _xy(p)
    r = y - x * x
    return _pack(-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r)


_BEALE_C = (1.5, 2.25, 2.625)


def _beale(p: Array) -> Array:
    x, y = _xy(p)
    return sum((c - x + x * y ** (i + 1)) ** 2 for i, c in enumerate(_BEALE_C))


def _beale_grad(p: Array) -> Array:
    x, y = _xy(p)
    gx = np.zeros_like(x)
    gy = np.zeros_like(y)
    for i, c in enumerate(_BEALE_C):
        k = i + 1
        t = c - x + x * y**k
        gx = gx + 2.0 * t * (y**k - 1.0)
        gy = gy + 2.0 * t * (k * x * y ** (k - 1))
    return _pack(gx, gy)


def _himmelblau(p: Array) -> Array:
    x, y = _xy(p)
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmelblau_grad(p: Array) -> Array:
    x, y = _xy(p)
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return _pack(4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)


def _saddle(p: Array) -> Array:
    x, y = _xy(p)
    return x * x - y * y


def _saddle_grad(p: Array) -> Array:
    x, y = _xy(p)
    return _pack(2.0 * x, -2.0 * y)


# Ravine: a bowl of condition number 100 turned 45°, so its floor runs along y = x and no
# per-coordinate rescaling (Adagrad, RMSprop, Adam) can straighten it.
_RAVINE_A = np.array([[0.1, 0.0], [0.0, 10.0]])
_ROT = np.array([[_R, _R], [_R, -_R]])  # u = (x + y)/√2, v = (x − y)/√2
_RAVINE_H = _ROT.T @ _RAVINE_A @ _ROT


def _ravine(p: Array) -> Array:
    x, y = _xy(p)
    u = (x + y) * _R
    v = (x - y) * _R
    return 0.5 * (0.1 * u * u + 10.0 * v * v)


def _ravine_grad(p: Array) -> Array:
    x, y = _xy(p)
    u = (x + y) * _R
    v = (x - y) * _R
    gu, gv = 0.1 * u, 10.0 * v
    return _pack((gu + gv) * _R, (gu - gv) * _R)


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in (
        Surface("bowl", "½(x² + 10y²)", _bowl, _bowl_grad, ((0.0, 0.0),), (-4.0, 2.0), (-5, 5, -3, 3),
                hessian=_frozen(np.diag([1.0, 10.0]))),
        Surface("rosenbrock", "(1 − x)² + 100(y − x²)²", _rosenbrock, _rosenbrock_grad, ((1.0, 1.0),),
                (-1.5, 2.0), (-2, 2, -1, 3), log_levels=True),
        Surface("beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", _beale, _beale_grad,
                ((3.0, 0.5),), (1.0, 1.5), (-4.5, 4.5, -4.5, 4.5), log_levels=True),
        Surface("himmelblau", "(x² + y − 11)² + (x + y² − 7)²", _himmelblau, _himmelblau_grad,
                ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
                (0.0, 0.0), (-5, 5, -5, 5), log_levels=True),
        Surface("saddle", "x² − y²", _saddle, _saddle_grad, (), (-2.0, 1e-3), (-2, 2, -2, 2)),
        Surface("ravine", "½(0.1u² + 10v²), u = (x + y)/√2, v = (x − y)/√2", _ravine, _ravine_grad,
                ((0.0, 0.0),), (-4.0, -3.0), (-5, 5, -5, 5), hessian=_frozen(_RAVINE_H)),
    )
}
NAMES: tuple[str, ...] = tuple(SURFACES)


def get(name: str) -> Surface:
    """The surface called ``name``; ValueError naming the choices otherwise."""
    try:
        return SURFACES[name]
    except KeyError:
        raise ValueError(f"unknown surface {name!r}; choose one of {', '.join(NAMES)}") from None


def contour_grid(surface: Surface, n: int = 200) -> tuple[Array, Array, Array]:
    """x (n,), y (n,) and f on the n×n grid over the surface's extent (rows follow y)."""
    x0, x1, y0, y1 = surface.extent
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, surface.value(np.stack([gx, gy], axis=-1))


def contour_levels(surface: Surface, values: Array, count: int = 20) -> Array:
    """Contour levels: log-spaced above the minimum where the surface asks for it, else even."""
    lo, hi = float(np.min(values)), float(np.max(values))
    if surface.log_levels and hi > lo:
        return lo + np.geomspace(1e-3 * (hi - lo) + 1e-12, hi - lo, count)
    return np.linspace(lo, hi, count + 2)[1:-1]
