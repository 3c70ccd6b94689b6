"""Conjugate gradient and the evolution strategy on a 2-D surface, as paths like the optimizers'."""
from __future__ import annotations

from typing import Any

import numpy as np

from .conjugate_gradient import conjugate_gradient
from .evolution import evolution_strategy
from .surface_paths import SurfacePath, path_of
from .surfaces import Surface

METHODS: tuple[str, ...] = ("cg", "es")
ES_DEFAULTS: dict[str, float] = {"sigma": 0.1, "population": 20, "seed": 0}


def _start(start: Any) -> np.ndarray:
    p = np.asarray(start, dtype=float).reshape(-1)
    if p.shape != (2,) or not np.isfinite(p).all():
        raise ValueError(f"a start is one finite point (x, y), not {start!r}")
    return p


def cg_path(surface: Surface, steps: int, start: Any, lr: float = 1.0) -> SurfacePath:
    """CG from ``start``: exact line search on a quadratic surface (the bowl reaches its minimum
    in 2 steps), Armijo backtracking from a first trial step ``lr`` elsewhere."""
    p = _start(start)
    records = conjugate_gradient(lambda q: float(surface.value(q)), surface.gradient, p, steps,
                                 hessian=surface.hessian, alpha0=lr)
    return path_of("cg", p, records)


def es_path(surface: Surface, steps: int, start: Any, lr: float, hyper: dict[str, Any] | None = None) -> SurfacePath:
    """The evolution strategy from ``start`` at step size ``lr``; ``hyper`` may set sigma,
    population and seed (defaults in ES_DEFAULTS)."""
    settings = {**ES_DEFAULTS, **(hyper or {})}
    unknown = set(settings) - set(ES_DEFAULTS)
    if unknown:
        raise ValueError(f"es: unknown setting {sorted(unknown)[0]!r}; allowed: {', '.join(ES_DEFAULTS)}")
    p = _start(start)
    population = settings["population"]
    if int(population) == population:
        population = int(population)
    records = evolution_strategy(surface.value, p, steps, lr=lr, sigma=float(settings["sigma"]),
                                 population=population, seed=int(settings["seed"]))
    return path_of("es", p, records)
