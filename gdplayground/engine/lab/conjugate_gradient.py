"""Nonlinear conjugate gradient (Polak–Ribière with restarts), for a surface or a network.

d₀ = −g₀; θ₊ = θ + α d; β = max(0, g₊ᵀ(g₊ − g) / gᵀg); d₊ = −g₊ + β d. The max(0, ·) restarts
with steepest descent when the directions stop being conjugate, and a direction that does not
go downhill (g₊ᵀd₊ ≥ 0) is replaced by −g₊. On a quadratic with its Hessian given the line
search is exact (α = −gᵀd / dᵀAd) and CG reaches the minimum of an n-dimensional quadratic in
n steps; elsewhere Armijo backtracking picks α.

E. Polak, G. Ribière, "Note sur la convergence de méthodes de directions conjuguées", 1969;
J. Nocedal, S. Wright, "Numerical Optimization", 2nd ed., chapter 5 (and 3.5 for the first trial
step α₀ = α_prev·g_prevᵀd_prev / gᵀd).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import line_search

Array = np.ndarray


def _frozen(a: Array) -> Array:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class CGStep:
    """One CG update: the point, f and g there, the direction, its step length α, the β that
    built the direction (0 on a restart), where it landed, and the cost."""

    step: int
    point: Array
    value: float
    grad: Array
    direction: Array
    alpha: float
    beta: float
    restarted: bool
    point_after: Array
    value_after: float
    loss_evaluations: int
    gradient_evaluations: int

    @property
    def delta(self) -> Array:
        return self.point_after - self.point


def conjugate_gradient(value: Callable[[Array], float], gradient: Callable[[Array], Array], start: Array,
                       steps: int, *, hessian: Array | None = None, alpha0: float = 1.0) -> list[CGStep]:
    """``steps`` CG updates from ``start``. With ``hessian`` (a quadratic's A) the line search is
    exact; otherwise backtracking from ``alpha0`` at the first step."""
    theta = _frozen(start)
    f, g = float(value(theta)), _frozen(gradient(theta))
    d = -g
    beta, restarted = 0.0, True
    prev_alpha, prev_slope = float(alpha0), None
    records: list[CGStep] = []
    with np.errstate(all="ignore"):  # an unbounded surface (the saddle) runs off to infinity
        for t in range(1, steps + 1):
            slope = float(g @ d)
            if not slope < 0:  # not downhill (or at a stationary point): steepest descent again
                d, beta, restarted, slope = -g, 0.0, True, float(-(g @ g))
            if slope == 0:
                alpha, f_new, evals = 0.0, f, 0
            elif hessian is not None:
                alpha, evals = line_search.exact_quadratic(g, d, hessian), 0
            else:
                trial = prev_alpha if prev_slope is None else prev_alpha * prev_slope / slope
                alpha, f_new, evals = line_search.backtracking(value, theta, f, g, d, max(trial, 1e-12))
            after = _frozen(theta + alpha * d)
            if hessian is not None or slope == 0:
                f_new, evals = float(value(after)), evals + 1
            g_new = _frozen(gradient(after))
            records.append(CGStep(t, theta, f, g, _frozen(d), alpha, beta, restarted, after, f_new, evals, 1))
            gg = float(g @ g)
            beta = max(0.0, float(g_new @ (g_new - g)) / gg) if gg > 0 else 0.0
            restarted = beta == 0.0
            if alpha > 0:
                prev_alpha, prev_slope = alpha, slope
            theta, f, g = after, f_new, g_new
            d = -g + beta * d
    return records
