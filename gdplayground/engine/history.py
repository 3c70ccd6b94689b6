"""What a run remembers: every batch loss and learning rate, the most recent full records, and
checkpoints to go back to any earlier update by deterministic replay.

Memory stays bounded: soft checkpoints are taken every ``interval`` updates and, when there are
more than ``max_soft`` of them, every other one is dropped and the interval doubles, so going back
anywhere costs at most ``interval`` replayed updates. Hard checkpoints mark where the run changed
by hand (start, new settings, an edited weight); replay never crosses one, and they are never
dropped. A checkpoint holds references to immutable arrays, so taking one copies nothing.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .training import StepRecord, TrainState


@dataclass(frozen=True)
class Checkpoint:
    state: TrainState
    setup: Any  # training.Setup in force from this step on
    config: Any  # the RunConfig that built it
    hard: bool


class _Growable:
    """A float64 array that grows by doubling; appending is O(1) amortised."""

    def __init__(self) -> None:
        self._data = np.empty(1024)
        self.size = 0

    def append(self, value: float) -> None:
        if self.size == len(self._data):
            self._data = np.concatenate([self._data, np.empty(len(self._data))])
        self._data[self.size] = value
        self.size += 1

    def extend(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        while self.size + len(values) > len(self._data):
            self._data = np.concatenate([self._data, np.empty(len(self._data))])
        self._data[self.size : self.size + len(values)] = values
        self.size += len(values)

    def view(self) -> np.ndarray:
        out = self._data[: self.size]
        out.flags.writeable = False
        return out

    def truncate(self, size: int) -> None:
        self.size = min(self.size, size)

    @property
    def nbytes(self) -> int:
        return self._data.nbytes


class History:
    """Loss and learning rate of every update, recent records, checkpoints."""

    def __init__(self, start: Checkpoint, recent: int = 256, interval: int = 64, max_soft: int = 1024) -> None:
        self.losses = _Growable()
        self.lrs = _Growable()
        self.recent: deque[StepRecord] = deque(maxlen=recent)
        self.interval = interval
        self.max_soft = max_soft
        self._steps: list[int] = [start.state.step]
        self._points: list[Checkpoint] = [start]

    @property
    def start_step(self) -> int:
        """The update the history starts at."""
        return self._points[0].state.step

    @property
    def head_step(self) -> int:
        return self.losses.size + self.start_step

    def record(self, rec: StepRecord, setup: Any, config: Any) -> None:
        """Remember one update that has just been applied."""
        self.losses.append(rec.loss)
        self.lrs.append(rec.lr)
        self.recent.append(rec)
        if rec.step % self.interval == 0:
            self._add(Checkpoint(rec.after, setup, config, hard=False))

    def extend(self, losses: np.ndarray, lrs: np.ndarray, checkpoints: Sequence[TrainState],
               records: Sequence[StepRecord], setup: Any, config: Any) -> None:
        """Remember updates made elsewhere (by a training process) with ``setup``: their losses
        and learning rates, the states they passed at checkpoint steps, their latest records."""
        self.losses.extend(losses)
        self.lrs.extend(lrs)
        for state in checkpoints:
            if state.step % self.interval == 0:
                self._add(Checkpoint(state, setup, config, hard=False))
        if records:
            if self.recent and self.recent[-1].step != records[0].step - 1:
                self.recent.clear()  # record_at needs the recent records without gaps
            self.recent.extend(records)

    def mark(self, state: TrainState, setup: Any, config: Any) -> None:
        """A hard checkpoint: from ``state`` on, ``setup`` applies (settings or weights changed)."""
        self._add(Checkpoint(state, setup, config, hard=True))

    def _add(self, cp: Checkpoint) -> None:
        step = cp.state.step
        if self._steps[-1] == step:
            if self._points[-1].hard and not cp.hard:
                return
            self._points[-1] = cp
        else:
            self._steps.append(step)
            self._points.append(cp)
        if sum(not p.hard for p in self._points) > self.max_soft:
            self._thin()

    def _thin(self) -> None:
        self.interval *= 2
        kept = [(s, p) for s, p in zip(self._steps, self._points) if p.hard or s % self.interval == 0]
        self._steps = [s for s, _ in kept]
        self._points = [p for _, p in kept]

    def checkpoint_before(self, step: int) -> Checkpoint:
        """The last checkpoint at or before ``step``."""
        i = bisect_right(self._steps, step) - 1
        if i < 0:
            raise ValueError(f"step {step} is before the start of this run")
        return self._points[i]

    def truncate(self, step: int) -> None:
        """Forget everything after update ``step`` (for going back and for branching)."""
        first = self._points[0].state.step
        self.losses.truncate(step - first)
        self.lrs.truncate(step - first)
        i = bisect_right(self._steps, step)
        del self._steps[i:], self._points[i:]
        while self.recent and self.recent[-1].step > step:
            self.recent.pop()

    def record_at(self, step: int) -> StepRecord | None:
        """The full record of update ``step`` if it is still among the recent ones."""
        if self.recent and self.recent[0].step <= step <= self.recent[-1].step:
            rec = self.recent[step - self.recent[0].step]
            if rec.step == step:
                return rec
        return None

    def nbytes(self) -> int:
        """An estimate of the memory held: loss arrays, checkpoint arrays, recent records."""
        seen: set[int] = set()
        total = self.losses.nbytes + self.lrs.nbytes
        for cp in self._points:
            total += _state_bytes(cp.state, seen)
        for rec in self.recent:
            total += _state_bytes(rec.after, seen) + rec.grad.nbytes + rec.delta.nbytes
        return total

    @property
    def checkpoint_count(self) -> int:
        return len(self._points)


def _state_bytes(state: TrainState, seen: set[int]) -> int:
    total = 0
    arrays = [state.theta] + [v for f in getattr(state.opt_state, "__dataclass_fields__", {}) for v in _arrays(getattr(state.opt_state, f))]
    for a in arrays:
        if id(a) not in seen:
            seen.add(id(a))
            total += a.nbytes
    return total


def _arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, np.ndarray)]
    return []
