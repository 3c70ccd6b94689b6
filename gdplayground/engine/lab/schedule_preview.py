"""The learning-rate curve of a schedule (with its warm-up), for a preview with a "you are here"
marker. The rates are the schedule's own, so the curve is what training will use."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import schedules
from ..config import RunConfig


@dataclass(frozen=True)
class SchedulePreview:
    """Rates for updates 0..n−1 (0 = the first update) and the marker at ``current``."""

    steps: np.ndarray
    rates: np.ndarray
    current: int
    current_rate: float
    warmup_steps: int


def schedule_preview(config: RunConfig, current: int = 0, length: int | None = None) -> SchedulePreview:
    """The curve of ``config``'s schedule over ``length`` updates (default: enough to show the
    warm-up and the decay's scale, and past ``current``)."""
    settings = config.schedule_dict
    sched = schedules.create(config.schedule, config.lr, config.warmup_steps, **settings)
    if length is None:
        scale = {**schedules.SETTINGS[config.schedule], **settings}
        horizon = scale.get("t_max") or 3 * scale.get("step_size", 0) or 3 * scale.get("decay_steps", 0) or 1000
        if config.schedule == "exponential":
            horizon = int(min(100_000, 3.0 / max(1e-12, -np.log(scale["gamma"])) if scale["gamma"] < 1 else 1000))
        length = int(max(horizon, 2 * config.warmup_steps, current + 1, 10))
    if length < 1 or current < 0:
        raise ValueError(f"a preview needs length >= 1 and current >= 0, not {length} and {current}")
    steps = np.arange(length)
    rates = np.array([sched(int(t)) for t in steps])
    return SchedulePreview(steps, rates, current, sched(current), config.warmup_steps)
