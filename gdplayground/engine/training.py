"""One training step as a pure function, and the order batches are drawn in.

``train_step(setup, state)`` reads only its arguments and returns a frozen StepRecord; the same
arguments give the same record to the last bit. The batch order of epoch e is a permutation drawn
from ``default_rng([seed, BATCH_STREAM, e])``, so any step can be recomputed on its own. An epoch's
last partial batch is a batch of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .network import Layout, Network

BATCH_STREAM = 2  # stream ids keep the seed's uses independent (0 data, 1 init, 2 batches)
INIT_STREAM = 1


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@lru_cache(maxsize=8)
def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The shuffled order of the n training examples in epoch ``epoch`` (read-only)."""
    return _frozen(np.random.default_rng([seed, BATCH_STREAM, epoch]).permutation(n))


@dataclass(frozen=True, slots=True)
class TrainState:
    """Where a run stands: ``step`` updates done; the next batch is at ``pos`` in epoch
    ``epoch``'s order (0-based); parameters and optimizer state (read-only arrays)."""

    step: int
    epoch: int
    pos: int
    theta: np.ndarray
    opt_state: Any


@dataclass(frozen=True)
class Setup:
    """What a step needs besides the state: the network, the training data (features already
    applied), the optimizer, the schedule and the regularization. Never changes during a step."""

    network: Network
    x: np.ndarray
    y: np.ndarray
    optimizer: Any
    schedule: Callable[[int], float]
    batch_size: int  # 0 = full batch
    regularization: str
    reg_rate: float
    weight_mask: np.ndarray
    seed: int

    @property
    def steps_per_epoch(self) -> int:
        bs = self.effective_batch
        return -(-len(self.y) // bs)

    @property
    def effective_batch(self) -> int:
        n = len(self.y)
        return n if self.batch_size == 0 else min(self.batch_size, n)


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One update, fully: the state before and after, the batch, its loss, the learning rate the
    schedule gave, the gradient and the update. ``theta_after == theta_before + delta`` exactly.
    Named, read-only views (W1, b1, ...) come from the properties."""

    before: TrainState
    after: TrainState
    batch: np.ndarray
    loss: float  # objective on the batch at theta_before: data loss + penalty
    data_loss: float
    lr: float
    grad: np.ndarray
    delta: np.ndarray
    layout: Layout

    @property
    def step(self) -> int:
        """The number of this update (the first update is 1)."""
        return self.after.step

    @property
    def epoch(self) -> int:
        """The 0-based epoch the batch was drawn from."""
        return self.before.epoch

    @property
    def theta_before(self) -> np.ndarray:
        return self.before.theta

    @property
    def theta_after(self) -> np.ndarray:
        return self.after.theta

    @property
    def opt_state(self) -> Any:
        """The optimizer state after this update."""
        return self.after.opt_state

    @property
    def params_before(self) -> dict[str, np.ndarray]:
        return self.layout.unflatten(self.before.theta)

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return self.layout.unflatten(self.grad)

    @property
    def update(self) -> dict[str, np.ndarray]:
        return self.layout.unflatten(self.delta)

    @property
    def params_after(self) -> dict[str, np.ndarray]:
        return self.layout.unflatten(self.after.theta)


def batch_of(setup: Setup, state: TrainState) -> tuple[np.ndarray, int, int]:
    """The batch's indices and the (epoch, pos) that follow it."""
    n = len(setup.y)
    bs = setup.effective_batch
    if bs == n:
        return _all_rows(n), state.epoch + 1, 0
    order = epoch_order(setup.seed, state.epoch, n)
    end = state.pos + bs
    if end >= n:
        return order[state.pos :], state.epoch + 1, 0
    return order[state.pos : end], state.epoch, end


@lru_cache(maxsize=8)
def _all_rows(n: int) -> np.ndarray:
    return _frozen(np.arange(n))


def objective(setup: Setup, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """(loss with penalty, data loss, gradient of the loss with penalty) on rows x, y."""
    data_loss, grad = setup.network.loss_and_grad(theta, x, y)
    loss = data_loss
    if setup.regularization != "none" and setup.reg_rate:
        penalty, pgrad = regularization_term(setup, theta)
        loss += penalty
        grad += pgrad
    return loss, data_loss, grad


def regularization_term(setup: Setup, theta: np.ndarray) -> tuple[float, np.ndarray]:
    """L2: rate·½Σw², gradient rate·w. L1: rate·Σ|w|, gradient rate·sign(w). Weights only."""
    w = theta * setup.weight_mask
    if setup.regularization == "l2":
        return 0.5 * setup.reg_rate * float(np.vdot(w, w)), setup.reg_rate * w
    return setup.reg_rate * float(np.abs(w).sum()), setup.reg_rate * np.sign(w)


def train_step(setup: Setup, state: TrainState) -> StepRecord:
    """One update: draw the batch, compute loss and gradient at ``state.theta``, ask the
    optimizer for the update, apply it. Pure: ``state`` and ``setup`` are left as they were."""
    idx, epoch, pos = batch_of(setup, state)
    full = len(idx) == len(setup.y)
    x = setup.x if full else setup.x.take(idx, axis=0)  # take: same rows, a fraction of x[idx]'s cost
    y = setup.y if full else setup.y.take(idx)
    loss, data_loss, grad = objective(setup, state.theta, x, y)
    lr = setup.schedule(state.step)
    updates, opt_state = setup.optimizer.update({"theta": grad}, state.opt_state, {"theta": state.theta}, lr)
    delta = updates["theta"]
    after = TrainState(state.step + 1, epoch, pos, _frozen(state.theta + delta), opt_state)
    return StepRecord(state, after, idx, loss, data_loss, lr, _frozen(grad), _frozen(delta), setup.network.layout)
