"""A simple evolution strategy (OpenAI-ES): no gradient, only loss values of a population.

Each step samples ε₁…ε_{n/2} ~ N(0, I) and uses antithetic pairs ±ε (half the variance for the
same cost), evaluates F_i = f(θ + σε_i), replaces the values by centred ranks F̃_i in [−½, ½]
(so the step does not depend on the loss's scale) and moves the mean downhill:
θ ← θ − α/(nσ) · Σ F̃_i ε_i. The samples of step t come from ``default_rng([seed, ES_STREAM, t])``
so any step can be recomputed on its own.

T. Salimans, J. Ho, X. Chen, S. Sidor, I. Sutskever, "Evolution strategies as a scalable
alternative to reinforcement learning", arXiv:1703.03864, 2017.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray
ES_STREAM = 0xE5


def _frozen(a: Array) -> Array:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class ESStep:
    """One ES update: the mean, its loss, the population and its losses, the step and the
    cost (population losses, plus one for the mean's loss shown here; no gradient)."""

    step: int
    point: Array
    value: float
    samples: Array  # (n, P) the population θ + σε_i
    sample_values: Array  # (n,)
    delta: Array
    point_after: Array
    loss_evaluations: int
    gradient_evaluations: int = 0


def centred_ranks(values: Array) -> Array:
    """Ranks scaled to [−½, ½]: the lowest value gets −½, the highest +½."""
    n = len(values)
    ranks = np.empty(n)
    ranks[np.argsort(values, kind="stable")] = np.arange(n)
    return ranks / max(n - 1, 1) - 0.5


def check_settings(lr: float, sigma: float, population: int) -> None:
    """ValueError with a reason for a setting the strategy cannot use."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"es: the learning rate must be a finite number > 0, not {lr!r}")
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"es: sigma must be a finite number > 0, not {sigma!r}")
    if int(population) != population or population < 2 or population % 2:
        raise ValueError(f"es: population must be an even whole number >= 2 (antithetic pairs), not {population!r}")


def evolution_strategy(values: Callable[[Array], Array], start: Array, steps: int, *, lr: float,
                       sigma: float = 0.1, population: int = 20, seed: int = 0) -> list[ESStep]:
    """``steps`` ES updates from ``start``; ``values`` maps points (n, P) to losses (n,)."""
    check_settings(lr, sigma, population)
    theta = _frozen(start)
    records: list[ESStep] = []
    for t in range(1, steps + 1):
        half = np.random.default_rng([seed, ES_STREAM, t]).standard_normal((population // 2, theta.size))
        eps = np.concatenate([half, -half])
        samples = theta + sigma * eps
        with np.errstate(all="ignore"):
            both = np.asarray(values(np.vstack([theta[None, :], samples])), dtype=float)
        f_mean, f = float(both[0]), both[1:]
        delta = -(lr / (population * sigma)) * (centred_ranks(f) @ eps)
        after = _frozen(theta + delta)
        records.append(ESStep(t, theta, f_mean, _frozen(samples), _frozen(f), _frozen(delta), after, population + 1))
        theta = after
    return records
