"""Learning-rate schedules: a schedule maps the step number to the learning rate.

The step ``t`` is the 0-based count of updates already made, so ``schedule(0)`` is the rate of
the very first update. Schedules are pure and cheap (they run every step) and return plain
Python floats; the rate actually used is recorded with each step, never written back.

Closed forms, with ``lr`` the base rate:

* constant:      lr
* step:          lr * gamma ** (t // step_size)                      (PyTorch's StepLR)
* exponential:   lr * gamma ** t                                     (PyTorch's ExponentialLR)
* inverse_time:  lr / (1 + decay_rate * t / decay_steps)             (Keras' InverseTimeDecay)
* cosine:        lr_min + (lr - lr_min) * (1 + cos(pi * t / t_max)) / 2 for t < t_max, then
                 lr_min (PyTorch's CosineAnnealingLR, held at the bottom instead of rising again)

Any of them can get a linear warm-up in front (see :func:`create`).
"""

from __future__ import annotations

import math
from typing import Any, Callable

from .checks import finite_number

Schedule = Callable[[int], float]

NAMES = ("constant", "step", "exponential", "inverse_time", "cosine")

SETTINGS: dict[str, dict[str, float]] = {
    "constant": {},
    "step": {"step_size": 1000, "gamma": 0.5},
    "exponential": {"gamma": 0.999},
    "inverse_time": {"decay_rate": 1.0, "decay_steps": 1000},
    "cosine": {"t_max": 10000, "lr_min": 0.0},
}


def _count(key: str, value: Any, minimum: int) -> int:
    # Step counts may arrive as 1000.0 from a form; accept them if they are whole numbers.
    x = finite_number(key, value)
    if x != int(x) or x < minimum:
        raise ValueError(f"{key} must be a whole number >= {minimum}, got {value!r}")
    return int(x)


def _gamma(value: Any) -> float:
    x = finite_number("gamma", value)
    if not 0.0 < x <= 1.0:
        raise ValueError(f"gamma must be in (0, 1], got {value!r}")
    return x


def _constant(lr: float) -> Schedule:
    def schedule(t: int) -> float:
        return lr

    return schedule


def _step(lr: float, step_size: Any, gamma: Any) -> Schedule:
    size, g = _count("step_size", step_size, 1), _gamma(gamma)

    def schedule(t: int) -> float:
        return lr * g ** int(t // size)

    return schedule


def _exponential(lr: float, gamma: Any) -> Schedule:
    g = _gamma(gamma)

    def schedule(t: int) -> float:
        return lr * g ** int(t)

    return schedule


def _inverse_time(lr: float, decay_rate: Any, decay_steps: Any) -> Schedule:
    rate = finite_number("decay_rate", decay_rate)
    steps = finite_number("decay_steps", decay_steps)
    if rate < 0:
        raise ValueError(f"decay_rate must be >= 0, got {decay_rate!r}")
    if steps <= 0:
        raise ValueError(f"decay_steps must be > 0, got {decay_steps!r}")

    def schedule(t: int) -> float:
        return lr / (1.0 + rate * float(t) / steps)

    return schedule


def _cosine(lr: float, t_max: Any, lr_min: Any) -> Schedule:
    period = _count("t_max", t_max, 1)
    low = finite_number("lr_min", lr_min)
    if not 0.0 <= low <= lr:
        raise ValueError(f"lr_min must be in [0, lr] = [0, {lr!r}], got {lr_min!r}")

    def schedule(t: int) -> float:
        if t >= period:
            return low
        return low + (lr - low) * (1.0 + math.cos(math.pi * float(t) / period)) / 2.0

    return schedule


_BUILDERS: dict[str, Callable[..., Schedule]] = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "inverse_time": _inverse_time,
    "cosine": _cosine,
}


def _warmed_up(base: Schedule, warmup_steps: int) -> Schedule:
    def schedule(t: int) -> float:
        if t < warmup_steps:
            return base(t) * (int(t) + 1) / warmup_steps
        return base(t)

    return schedule


def _guarded(inner: Schedule) -> Schedule:
    # A negative step would silently extrapolate (gamma ** -t grows); refuse it instead.
    def schedule(t: int) -> float:
        if t < 0:
            raise ValueError(f"step must be >= 0, got {t!r}")
        return inner(t)

    return schedule


def create(name: str, lr: float, warmup_steps: int = 0, **settings: Any) -> Schedule:
    """Return ``t -> learning rate`` for schedule ``name`` starting from base rate ``lr``.

    ``settings`` override the defaults in ``SETTINGS[name]``.

    Warm-up: for ``t < warmup_steps`` the rate is ``base(t) * (t + 1) / warmup_steps``, where
    ``base`` is the schedule without warm-up. The ramp multiplies the schedule rather than
    delaying it, so the decay's clock is the same with or without warm-up; the ``+ 1`` makes the
    first update move (rate ``base(0) / warmup_steps``, not 0) and the last warm-up step reach
    the full ``base(warmup_steps - 1)``.

    Raises ValueError with a one-line reason for an unknown name or setting, or a bad value.
    """
    if name not in _BUILDERS:
        raise ValueError(f"unknown schedule {name!r}; choose one of: {', '.join(NAMES)}")
    rate = finite_number("lr", lr)
    if rate <= 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    warmup = _count("warmup_steps", warmup_steps, 0)
    defaults = SETTINGS[name]
    for key in settings:
        if key not in defaults:
            allowed = ", ".join(defaults) or "none"
            raise ValueError(f"{name} schedule: unknown setting {key!r}; allowed: {allowed}")
    try:
        base = _BUILDERS[name](rate, **{**defaults, **settings})
    except ValueError as error:
        raise ValueError(f"{name} schedule: {error}") from None
    return _guarded(_warmed_up(base, warmup) if warmup > 0 else base)
