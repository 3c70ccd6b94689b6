"""The (lr, momentum) map: a grid of short runs, each coloured by its final loss.

On a network all cells train together in one vectorised pass (``ManyRuns``) from the run's
current weights with fresh optimizer states. A cell is diverged when its run stopped on a
non-finite loss or weight (as ``Run`` stops), or ended with a loss above BLOW_UP × the loss it
started from (a run can blow up to 1e200 and stay finite). On a 2-D surface every cell is a ball,
judged the same way; on the bowl the boundary is the heavy-ball condition
lr < 2(1 + momentum)/λ_max = 0.2(1 + momentum).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..config import RunConfig
from ..run import Run
from .many_runs import ManyRuns
from .surface_paths import Balls
from .surfaces import Surface

BLOW_UP = 4.0  # as the range test's stop
MOMENTUM_OPTIMIZERS: tuple[str, ...] = ("momentum", "gd", "nesterov", "rmsprop")


@dataclass(frozen=True)
class MapCell:
    """One grid cell: its rate and momentum, the final loss (None when it is not finite) and
    whether it diverged (``at`` is the update where the run stopped on a non-finite value, 0 if
    it did not)."""

    lr: float
    momentum: float
    final_loss: float | None
    diverged: bool
    at: int = 0


def _check(optimizer: str, lrs: Sequence[float], momenta: Sequence[float]) -> None:
    if optimizer not in MOMENTUM_OPTIMIZERS:
        raise ValueError(f"the map needs an optimizer with momentum ({', '.join(MOMENTUM_OPTIMIZERS)}), not {optimizer!r}")
    if not len(lrs) or not len(momenta):
        raise ValueError("the map needs at least one rate and one momentum")


def cell_configs(base: RunConfig, lrs: Sequence[float], momenta: Sequence[float], optimizer: str = "momentum") -> list[RunConfig]:
    """The config of every cell, momentum-major (each momentum row holds every rate)."""
    _check(optimizer, lrs, momenta)
    return [base.replace(optimizer=optimizer, lr=float(lr), hyper={"momentum": float(m)}) for m in momenta for lr in lrs]


def network_map(run: Run, lrs: Sequence[float], momenta: Sequence[float], steps: int,
                optimizer: str = "momentum", on_step: Callable[[int, np.ndarray], None] | None = None) -> list[MapCell]:
    """``steps`` updates of every cell from ``run``'s current state; final loss = the data loss on
    the training set, as ``Run.evaluate`` gives it. ``run`` is not changed."""
    configs = cell_configs(run.config, lrs, momenta, optimizer)
    many = ManyRuns(run, configs)
    start = many.evaluate()[0]["train_loss"]
    many.train(steps, on_step)
    results = many.evaluate()
    cells = []
    for k, config in enumerate(configs):
        at = int(many.diverged_at[k])
        loss = None if at or not np.isfinite(results[k]["train_loss"]) else results[k]["train_loss"]
        cells.append(MapCell(config.lr, dict(config.hyper)["momentum"], loss, bool(at) or _blew_up(loss, start), at))
    return cells


def surface_map(surface: Surface, start: Any, lrs: Sequence[float], momenta: Sequence[float], steps: int,
                optimizer: str = "momentum") -> list[MapCell]:
    """The same map on a surface: one ball per rate, one pass per momentum value."""
    _check(optimizer, lrs, momenta)
    cells = []
    f0 = float(surface.value(np.asarray(start, dtype=float)))
    for m in momenta:
        balls = Balls(surface, optimizer, np.repeat(np.asarray(start, dtype=float)[None], len(lrs), axis=0), {"momentum": float(m)})
        for _ in range(steps):
            balls.step(np.asarray(lrs, dtype=float))
        with np.errstate(all="ignore"):
            final = np.asarray(surface.value(balls.point), dtype=float)
        for lr, f in zip(lrs, final):
            loss = float(f) if np.isfinite(f) else None
            cells.append(MapCell(float(lr), float(m), loss, _blew_up(loss, f0)))
    return cells


def _blew_up(loss: float | None, start: float) -> bool:
    return loss is None or loss > BLOW_UP * abs(start)
