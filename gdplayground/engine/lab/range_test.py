"""The learning-rate range test (Smith 2017; fastai's lr_find, pytorch-lr-finder).

The rate grows exponentially from ``lo`` to ``hi`` over ``steps`` updates, one update per rate,
starting from the current weights (on copies: the run is not touched). The reading is the batch
loss at each rate, smoothed: first a running median of 3 (one noisy batch cannot move the stop or
the suggestion), then an exponential moving average with bias correction,
avg ← β·avg + (1 − β)·loss, smoothed = avg / (1 − βᵗ). The sweep stops once the smoothed loss
exceeds ``stop_factor`` × its best (or turns non-finite). The suggested rate is where the smoothed
loss falls fastest against log(lr) ("steepest", as pytorch-lr-finder), measured as the median of
the local slopes over a window, skipping the first and last few points, so the descent must last
several points.

L. N. Smith, "Cyclical learning rates for training neural networks", WACV 2017.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..config import RunConfig
from ..run import Run
from .many_runs import ManyRuns
from .surface_paths import Balls
from .surfaces import Surface

Array = np.ndarray

BETA = 0.95  # pytorch-lr-finder's weight 0.05 for the new value: less lag over ~100 points than 0.98
STOP_FACTOR = 4.0  # fastai's
SKIP_START, SKIP_END, WINDOW = 10, 5, 5  # at least; longer sweeps skip a tenth at the start
# The playground's networks never need rates below 1e-5; 200 updates over six decades read the
# descent far more steadily through batch noise than 100 over eight (measured on the defaults).
LOWEST, HIGHEST, UPDATES = 1e-5, 10.0, 200


@dataclass(frozen=True)
class RangeTest:
    """One sweep: the rates tried (up to and including the stop), raw and smoothed losses,
    why it stopped, the suggested rate with its reason (None if there is no descent) and the
    rate where the smoothed loss was lowest."""

    lrs: Array
    losses: Array
    smoothed: Array
    stopped: str
    suggested_lr: float | None
    reason: str
    minimum_lr: float | None = None

    def __post_init__(self) -> None:
        for value in vars(self).values():  # records leave the engine read-only
            if isinstance(value, np.ndarray):
                value.flags.writeable = False


def tuned_rate(test: RangeTest) -> tuple[float | None, str]:
    """The rate a race trains at after a range test: the smaller of the steepest descent and a
    tenth of the lowest loss's rate (fastai's "minimum / 10"). A sweep spends one update per
    rate, so its boldest readings overshoot in a longer run; the cap keeps them safe."""
    if test.suggested_lr is None:
        return None, test.reason
    if test.minimum_lr is not None and test.minimum_lr / 10 < test.suggested_lr:
        return test.minimum_lr / 10, (f"a tenth of lr = {test.minimum_lr:.3g}, where the smoothed loss was lowest "
                                      f"(below the steepest descent at {test.suggested_lr:.3g})")
    return test.suggested_lr, test.reason


def sweep_rates(lo: float, hi: float, steps: int) -> Array:
    """``steps`` rates from lo to hi, evenly spaced in log(lr)."""
    if not (0 < lo < hi and np.isfinite(hi)):
        raise ValueError(f"the sweep needs 0 < lowest rate < highest rate, not {lo!r} and {hi!r}")
    if steps < SKIP_START + SKIP_END + WINDOW:
        raise ValueError(f"the sweep needs at least {SKIP_START + SKIP_END + WINDOW} updates, not {steps}")
    return np.geomspace(lo, hi, steps)


def median3(losses: Array) -> Array:
    """Running median of the last three values (the first two use what there is)."""
    x = np.asarray(losses, dtype=float)
    out = x.copy()
    if len(x) >= 2:
        out[1] = 0.5 * (x[0] + x[1])
    if len(x) >= 3:
        out[2:] = np.median(np.stack([x[:-2], x[1:-1], x[2:]]), axis=0)
    return out


def smooth(losses: Array, beta: float = BETA) -> Array:
    """Bias-corrected exponential moving average of the running median of 3."""
    x = median3(losses)
    out = np.empty_like(x)
    avg = 0.0
    for t, value in enumerate(x, start=1):
        avg = beta * avg + (1.0 - beta) * value
        out[t - 1] = avg / (1.0 - beta**t)
    return out


def suggest(lrs: Array, smoothed: Array) -> tuple[float | None, str]:
    """The steepest lasting descent of the smoothed loss against log(lr), with the reason.

    The slope at point i is measured across ±h points (h = n/20, at least 2), so batch noise
    between neighbours is divided by a wide step in log(lr); the median of WINDOW such slopes
    then ignores any one odd reading."""
    n = len(lrs)
    lo, hi = max(SKIP_START, n // 10), n - SKIP_END
    h = max(2, n // 20)
    if hi - lo < 2 * h + WINDOW or not np.isfinite(smoothed[lo:hi]).all():
        return None, f"the sweep stopped after {n} rates, too few to read a descent from"
    s, x = smoothed[lo:hi], np.log(lrs[lo:hi])
    slopes = (s[2 * h:] - s[:-2 * h]) / (x[2 * h:] - x[:-2 * h])
    robust = np.median(np.lib.stride_tricks.sliding_window_view(slopes, WINDOW), axis=1)
    best = int(np.argmin(robust))
    if not -robust[best] > 1e-9 * np.abs(s).max():  # a fall below rounding is no descent
        return None, "the smoothed loss never falls for several rates in a row: no rate to suggest"
    lr = float(lrs[lo + h + best + WINDOW // 2])
    return lr, (f"steepest descent of the smoothed loss: it falls by {-robust[best]:.3g} per unit of ln(lr) "
                f"around lr = {lr:.3g} (measured over {2 * h + WINDOW} rates)")


def sweep(step: Callable[[Array], Array], k: int, lrs: Array, *, beta: float = BETA,
          stop_factor: float = STOP_FACTOR, on_step: Callable[[int, Array], None] | None = None) -> list[RangeTest]:
    """Run K sweeps at once: ``step(rates (K,))`` makes one update of every sweep and returns the
    losses (K,) it read. Each sweep stops on its own; the pass ends when all have.
    ``on_step(done, losses)`` follows every update."""
    raw = np.full((len(lrs), k), np.nan)
    stop = np.full(k, len(lrs))
    why = ["it reached the highest rate"] * k
    avg, best = np.zeros(k), np.full(k, np.inf)
    for t, lr in enumerate(lrs):
        alive = stop == len(lrs)
        if not alive.any():
            break
        with np.errstate(all="ignore"):
            raw[t] = step(np.full(k, lr))
        if on_step is not None:
            on_step(t + 1, raw[t])
        recent = median3(raw[max(0, t - 2): t + 1])[-1]
        avg = beta * avg + (1.0 - beta) * recent
        smoothed = avg / (1.0 - beta ** (t + 1))
        bad = alive & ~np.isfinite(smoothed)
        blown = alive & np.isfinite(smoothed) & (smoothed > stop_factor * best)
        best = np.where(alive & np.isfinite(smoothed), np.minimum(best, smoothed), best)
        for i in np.flatnonzero(bad | blown):
            stop[i] = t + 1
            why[i] = ("the loss became non-finite" if bad[i] else
                      f"the smoothed loss passed {stop_factor:g}× its best") + f" at lr = {lr:.3g}"
    results = []
    for i in range(k):
        n = int(stop[i])
        losses = raw[:n, i]
        smoothed = smooth(losses, beta)
        lr, reason = suggest(lrs[:n], smoothed)
        finite = np.isfinite(smoothed)
        lowest = float(lrs[:n][finite][np.argmin(smoothed[finite])]) if finite.any() else None
        results.append(RangeTest(lrs[:n].copy(), losses, smoothed, why[i], lr, reason, lowest))
    return results


def network_range_tests(run: Run, configs: Sequence[RunConfig] | None = None, *, lo: float = LOWEST, hi: float = HIGHEST,
                        steps: int = UPDATES, on_step: Callable[[int, Array], None] | None = None) -> list[RangeTest]:
    """A sweep per config (default: the run's own), all in one vectorised pass from the run's
    current weights and place in the batch order, with fresh optimizer states. ``run`` is not
    changed."""
    lrs = sweep_rates(lo, hi, steps)
    many = ManyRuns(run, list(configs) if configs else [run.config])
    return sweep(many.step, many.size, lrs, on_step=on_step)


def surface_range_test(surface: Surface, optimizer: str, start: Any, hyper: Mapping[str, Any] | None = None, *,
                       lo: float = 1e-4, hi: float = 10.0, steps: int = 100) -> RangeTest:
    """The same sweep for a ball on a 2-D surface (on the bowl, plain GD blows up past lr = 0.2)."""
    balls = Balls(surface, optimizer, start, hyper)
    return sweep(balls.losses, 1, sweep_rates(lo, hi, steps))[0]
