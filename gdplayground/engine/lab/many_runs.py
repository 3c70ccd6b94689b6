"""Many small networks trained together: one vectorised pass per update for K runs.

All runs share the network's shape, the data, the batch order and the starting point (the base
run's weights, update count and place in the epoch); each has its own optimizer, learning rate,
hyperparameters and schedule. Forward and backward run for all K at once (``StackedNetwork``);
the update uses the engine's own optimizer rules, once per group of runs with the same optimizer
and hyperparameters (a rule's hyperparameters are Python numbers that steer its branches, so they
cannot vary inside one call; the learning rate can: it is passed as a (k, 1) column). A run's
numbers are those of the same run made alone with ``Run`` (tested to 1e-12), and ``state_of``
hands a run's state over so that a ``Run`` continues exactly from it.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Sequence

import numpy as np

from .. import optimizers, schedules
from ..config import RunConfig
from ..run import Run
from ..training import TrainState, batch_of
from .stacked_network import StackedNetwork

Array = np.ndarray

# What may differ between runs of one pass; everything else must equal the base run's config.
PER_RUN_FIELDS = frozenset({"optimizer", "lr", "hyper", "schedule", "schedule_settings", "warmup_steps"})


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


def check_compatible(base: RunConfig, config: RunConfig) -> None:
    """ValueError naming the first setting that keeps ``config`` out of a pass with ``base``."""
    for f in dataclasses.fields(RunConfig):
        if f.name not in PER_RUN_FIELDS and getattr(base, f.name) != getattr(config, f.name):
            raise ValueError(f"runs trained together must share {f.name}; "
                             f"{getattr(config, f.name)!r} differs from {getattr(base, f.name)!r}")


def _row(state: Any, i: int) -> Any:
    """Run i's optimizer state out of a group's stacked state record."""
    def take(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _frozen(np.array(v[i])) for k, v in value.items()}
        return value
    return dataclasses.replace(state, **{f.name: take(getattr(state, f.name)) for f in dataclasses.fields(state)})


class ManyRuns:
    """K runs from ``base``'s current state (fresh optimizer states), one per config."""

    def __init__(self, base: Run, configs: Sequence[RunConfig]) -> None:
        if not configs:
            raise ValueError("give at least one run")
        for c in configs:
            check_compatible(base.config, c)
        self.base, self.configs = base, tuple(configs)
        self.net = StackedNetwork(base.network)
        self.setup = base.setup
        self.schedules = [schedules.create(c.schedule, c.lr, c.warmup_steps, **c.schedule_dict) for c in configs]
        self.constant = all(c.schedule == "constant" and c.warmup_steps == 0 for c in configs)
        self.base_lrs = np.array([c.lr for c in configs])
        self.groups = self._groups()
        k = len(configs)
        s0 = base.state
        self.step_count, self.epoch, self.pos = s0.step, s0.epoch, s0.pos
        self.start_step = s0.step
        self.thetas = np.repeat(s0.theta[None, :], k, axis=0)
        self.losses: list[Array] = []  # one (K,) array per update: the batch objective at theta before
        self.lrs: list[Array] = []
        self.diverged_at = np.zeros(k, dtype=int)  # 0 = not diverged; else the update that blew up

    def _groups(self) -> list[tuple[slice | Array, Any, Any]]:
        keys: dict[tuple, list[int]] = {}
        for i, c in enumerate(self.configs):
            keys.setdefault((c.optimizer, c.hyper), []).append(i)
        groups = []
        for (name, hyper), idx in keys.items():
            opt = optimizers.create(name, **dict(hyper))
            rows = np.array(idx)
            # contiguous rows as a slice: views instead of gathered copies (a race has one run a group)
            sel = slice(idx[0], idx[-1] + 1) if idx == list(range(idx[0], idx[-1] + 1)) else rows
            groups.append((sel, opt, opt.init({"theta": np.zeros((len(rows), self.base.theta.size))})))
        return groups

    @property
    def size(self) -> int:
        return len(self.configs)

    @property
    def alive(self) -> Array:
        return self.diverged_at == 0

    def rates(self) -> Array:
        """Each run's learning rate for the next update (from its schedule)."""
        if self.constant:
            return self.base_lrs
        return np.array([s(self.step_count) for s in self.schedules])

    def step(self, lrs: Array | None = None) -> Array:
        """One update of every run (at ``lrs`` (K,) instead of the schedules' rates if given).
        Returns the batch losses (K,) at the weights before it; a run whose loss or weights turn
        non-finite keeps its last finite weights and is marked in ``diverged_at``, as Run stops."""
        idx, epoch, pos = batch_of(self.setup, TrainState(self.step_count, self.epoch, self.pos, self.base.theta, None))
        full = len(idx) == len(self.setup.y)
        x = self.setup.x if full else self.setup.x.take(idx, axis=0)
        y = self.setup.y if full else self.setup.y.take(idx)
        rates = self.rates() if lrs is None else np.asarray(lrs, dtype=float)
        with np.errstate(all="ignore"):
            loss, grads = self.net.loss_and_grad(self.thetas, x, y)
            loss = loss + self._penalty(grads)
            delta = np.empty_like(grads)
            for n, (sel, opt, state) in enumerate(self.groups):
                updates, state = opt.update({"theta": grads[sel]}, state, {"theta": self.thetas[sel]}, rates[sel, None])
                delta[sel] = updates["theta"]
                self.groups[n] = (sel, opt, state)
            after = self.thetas + delta
            blew = self.alive & ~(np.isfinite(loss) & np.isfinite(after).all(axis=1))
        self.step_count, self.epoch, self.pos = self.step_count + 1, epoch, pos
        self.diverged_at[blew] = self.step_count
        keep = ~self.alive
        after[keep] = self.thetas[keep]
        recorded = loss.copy()
        recorded[keep] = np.nan
        self.thetas = after
        self.losses.append(recorded)
        self.lrs.append(rates)
        return recorded

    def _penalty(self, grads: Array) -> Array:
        """Adds the regularization gradient to ``grads`` in place; returns the penalties (K,)."""
        s = self.setup
        if s.regularization == "none" or not s.reg_rate:
            return np.zeros(len(grads))
        w = self.thetas * s.weight_mask
        if s.regularization == "l2":
            grads += s.reg_rate * w
            return 0.5 * s.reg_rate * np.einsum("kp,kp->k", w, w)
        grads += s.reg_rate * np.sign(w)
        return s.reg_rate * np.abs(w).sum(axis=1)

    def train(self, steps: int, on_step: Callable[[int, Array], None] | None = None) -> None:
        """``steps`` more updates of every run; ``on_step(done, losses)`` after each."""
        for done in range(1, steps + 1):
            losses = self.step()
            if on_step is not None:
                on_step(done, losses)

    def loss_history(self) -> Array:
        """(updates, K) batch losses, NaN from a run's divergence on."""
        return np.array(self.losses).reshape(len(self.losses), self.size)

    def evaluate(self) -> list[dict[str, float]]:
        """``Run.evaluate`` for every run: data loss and accuracy on the training and test sets."""
        results: list[dict[str, float]] = [{} for _ in range(self.size)]
        run = self.base
        for part, x, y in (("train", run.x_train, run.data.y_train), ("test", run.x_test, run.data.y_test)):
            if len(y) == 0:
                continue
            with np.errstate(all="ignore"):
                loss, out = self.net.data_losses(self.thetas, x, y)
            correct = None if run.data.kind == "regression" else (self._classes(out) == y[None, :]).mean(axis=1)
            for k in range(self.size):
                results[k][f"{part}_loss"] = float(loss[k])
                if correct is not None:
                    results[k][f"{part}_accuracy"] = float(correct[k])
        return results

    def _classes(self, out: Array) -> Array:
        if out.shape[2] > 1:
            return out.argmax(axis=2)
        threshold = 0.5 if self.base.network.head.output == "sigmoid" else 0.0
        return np.where(out[:, :, 0] >= threshold, 1.0, -1.0)

    def state_of(self, k: int) -> TrainState:
        """Run k's state (update count, place in the epoch, weights, optimizer state), to hand
        to ``Run.load_state`` of a Run made with ``configs[k]``: it continues exactly from here."""
        for sel, _, state in self.groups:
            rows = np.arange(self.size)[sel]
            hit = np.flatnonzero(rows == k)
            if hit.size:
                theta = _frozen(self.thetas[k].copy())
                return TrainState(self.step_count, self.epoch, self.pos, theta, _row(state, int(hit[0])))
        raise IndexError(k)

    def diverged_reason(self, k: int) -> str | None:
        """Why run k stopped, worded as Run words it, or None."""
        at = int(self.diverged_at[k])
        if not at:
            return None
        lr = float(self.lrs[at - 1 - self.start_step][k])
        return (f"Training diverged at update {at}: the learning rate {lr:g} is too large for this network; "
                f"try a smaller one (for example {lr / 10:g}).")
