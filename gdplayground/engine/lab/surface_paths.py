"""Paths of the network engine's optimizers on a 2-D surface.

The update rule is the engine's own (``optimizers.create(...).update``): a ball's position is the
parameter vector, so what the lab shows is exactly what a weight of a network would do. Many balls
move at once: positions (K, 2) and, optionally, one learning rate per ball (K,), which is how the
(lr, momentum) map and the range test run on surfaces.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .. import optimizers
from .surfaces import Surface

Array = np.ndarray


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class SurfaceStep:
    """One update of every ball: where it was, f and ∇f there, the rate, the optimizer's state
    after the update (velocity, moments...), the step taken and where it landed. ``evaluations``
    counts loss and gradient evaluations per ball (1 and 1 for a gradient method)."""

    step: int
    point: Array  # (K, 2) before
    value: Array  # (K,)
    grad: Array  # (K, 2)
    lr: Array  # (K,)
    state: Any  # the optimizer's state record after the update (arrays (K, 2)), or a method's
    delta: Array  # (K, 2), point_after = point + delta
    point_after: Array
    loss_evaluations: int = 1
    gradient_evaluations: int = 1
    state_before: Any = None  # the state record the update started from


@dataclass(frozen=True)
class SurfacePath:
    """Positions (steps + 1, K, 2), start included, and every step's record."""

    method: str
    points: Array
    steps: tuple[SurfaceStep, ...]
    diverged: Array  # (K,) True where a ball left the finite numbers

    def ball(self, k: int = 0) -> Array:
        """The path of ball k as (n, 2), cut before its first non-finite point."""
        pts = self.points[:, k]
        bad = ~np.isfinite(pts).all(axis=1)
        return pts[: int(np.argmax(bad))] if bad.any() else pts


def _starts(start: Any) -> Array:
    p = np.array(start, dtype=float)
    if p.ndim == 1:
        p = p[None, :]
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"a start is a point (x, y) or an array of them, not shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("a start point must be finite")
    return p


def _rates(lr: Any, k: int) -> Array:
    rates = np.broadcast_to(np.asarray(lr, dtype=float), (k,)).copy()
    if not (np.isfinite(rates).all() and (rates > 0).all()):
        raise ValueError(f"a learning rate must be a finite number > 0, not {lr!r}")
    return rates


class Balls:
    """K balls on a surface moved by one of the engine's optimizers, one update per ``step``."""

    def __init__(self, surface: Surface, optimizer: str, start: Any, hyper: Mapping[str, Any] | None = None) -> None:
        self.surface = surface
        self.optimizer = optimizers.create(optimizer, **dict(hyper or {}))
        self.point = _frozen(_starts(start))
        self.state = self.optimizer.init({"theta": self.point})
        self.count = 0

    def step(self, lr: Any) -> SurfaceStep:
        """Move every ball by one update at rate ``lr`` (one, or one per ball)."""
        p, before = self.point, self.state
        rates = _frozen(_rates(lr, len(p)))
        with np.errstate(all="ignore"):
            value = _frozen(np.asarray(self.surface.value(p), dtype=float))
            grad = _frozen(self.surface.gradient(p))
            # (K, 1) rates: the rule's lr * g is then the same product per ball as with one float
            updates, self.state = self.optimizer.update({"theta": grad}, self.state, {"theta": p}, rates[:, None])
            delta = updates["theta"]
            after = _frozen(p + delta)
        self.count += 1
        self.point = after
        return SurfaceStep(self.count, p, value, grad, rates, self.state, delta, after, state_before=before)

    def losses(self, lr: Any) -> Array:
        """One update; f at the points before it (the range test's reading)."""
        return self.step(lr).value


def optimizer_path(surface: Surface, optimizer: str, lr: Any, steps: int, start: Any,
                   hyper: Mapping[str, Any] | None = None) -> SurfacePath:
    """``steps`` updates of ``optimizer`` (a name from ``optimizers.NAMES``, with ``hyper`` over
    its defaults) on ``surface`` from ``start`` ((2,) or (K, 2)) at rate ``lr`` (one or (K,))."""
    if steps < 0:
        raise ValueError(f"steps must be >= 0, not {steps}")
    balls = Balls(surface, optimizer, start, hyper)
    _rates(lr, len(balls.point))
    records = [balls.step(lr) for _ in range(steps)]
    return path_of(optimizer, balls.point if not records else records[0].point, records)


def path_of(method: str, start: Array, records: list) -> SurfacePath:
    """A SurfacePath from a start and records that each have ``point_after`` (K, 2)."""
    stacked = _frozen(np.stack([np.atleast_2d(start), *(np.atleast_2d(r.point_after) for r in records)]))
    return SurfacePath(method, stacked, tuple(records), _frozen(~np.isfinite(stacked).all(axis=(0, 2))))
