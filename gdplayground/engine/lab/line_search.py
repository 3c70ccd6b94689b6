"""Line searches along a direction d from theta: exact on a quadratic, backtracking (Armijo)
elsewhere. Each returns the step length and what it cost in loss evaluations."""
from __future__ import annotations

from typing import Callable

import numpy as np

Array = np.ndarray


def exact_quadratic(grad: Array, direction: Array, hessian: Array) -> float:
    """α minimising f(θ + αd) for f = ½θᵀAθ − bᵀθ: α = −gᵀd / dᵀAd (no loss evaluation)."""
    curvature = float(direction @ hessian @ direction)
    if not curvature > 0:
        raise ValueError("exact line search needs positive curvature along the direction")
    return -float(grad @ direction) / curvature


def backtracking(value: Callable[[Array], float], theta: Array, f0: float, grad: Array, direction: Array,
                 alpha0: float, *, c1: float = 1e-4, shrink: float = 0.5, max_tries: int = 60) -> tuple[float, float, int]:
    """Armijo backtracking: halve α from ``alpha0`` until f(θ + αd) ≤ f(θ) + c1·α·gᵀd; if the
    first try is accepted, double α while that keeps lowering f (so a too-short first guess can
    grow). Returns (α, f at the accepted point, loss evaluations); α = 0 if no try succeeded."""
    slope = float(grad @ direction)

    def accepted(a: float) -> tuple[bool, float]:
        with np.errstate(all="ignore"):
            f = float(value(theta + a * direction))
        return bool(np.isfinite(f) and f <= f0 + c1 * a * slope), f

    alpha = float(alpha0)
    for tries in range(1, max_tries + 1):
        ok, f = accepted(alpha)
        if ok:
            break
        alpha *= shrink
    else:
        return 0.0, f0, max_tries
    if tries == 1:
        while tries < max_tries:
            ok, f_more = accepted(2.0 * alpha)
            tries += 1
            if not (ok and f_more < f):
                break
            alpha, f = 2.0 * alpha, f_more
    return alpha, f, tries
