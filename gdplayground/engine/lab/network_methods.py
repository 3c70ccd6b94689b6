"""Conjugate gradient and the evolution strategy on a network's full-batch training objective
(data loss plus penalty, as ``training.objective``), from the run's current weights, on copies."""
from __future__ import annotations

import numpy as np

from ..run import Run
from ..training import objective
from .conjugate_gradient import CGStep, conjugate_gradient
from .evolution import ESStep, evolution_strategy
from .stacked_network import StackedNetwork

Array = np.ndarray


def _value(run: Run):
    x, y = run.x_train, run.data.y_train

    def value(theta: Array) -> float:
        return objective(run.setup, theta, x, y)[0]

    return value


def _gradient(run: Run):
    x, y = run.x_train, run.data.y_train

    def gradient(theta: Array) -> Array:
        return objective(run.setup, np.ascontiguousarray(theta), x, y)[2]

    return gradient


def network_cg(run: Run, steps: int, alpha0: float = 1.0) -> list[CGStep]:
    """``steps`` full-batch Polak–Ribière CG updates with Armijo backtracking (a network's loss
    is not quadratic, so no exact step); each record counts its loss and gradient evaluations."""
    with np.errstate(all="ignore"):
        return conjugate_gradient(_value(run), _gradient(run), run.theta, steps, alpha0=alpha0)


def network_es(run: Run, steps: int, *, lr: float, sigma: float = 0.05, population: int = 20,
               seed: int | None = None) -> list[ESStep]:
    """``steps`` ES updates; the whole population's losses are one vectorised forward pass."""
    stacked = StackedNetwork(run.network)
    s = run.setup
    x, y = run.x_train, run.data.y_train

    def values(thetas: Array) -> Array:
        loss, _ = stacked.data_losses(np.ascontiguousarray(thetas), x, y)
        if s.regularization == "l2" and s.reg_rate:
            w = thetas * s.weight_mask
            loss = loss + 0.5 * s.reg_rate * np.einsum("kp,kp->k", w, w)
        elif s.regularization == "l1" and s.reg_rate:
            loss = loss + s.reg_rate * np.abs(thetas * s.weight_mask).sum(axis=1)
        return loss

    return evolution_strategy(values, run.theta, steps, lr=lr, sigma=sigma, population=population,
                              seed=run.config.seed if seed is None else seed)
