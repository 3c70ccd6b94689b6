"""Run: the scripting API over the pure engine. It holds the current state, applies one
``train_step`` at a time, remembers history, and can go back to any earlier update.

    run = Run(RunConfig(dataset="spiral", hidden=(8, 8), optimizer="adam", lr=0.01))
    rec = run.step()      # exactly one update; its StepRecord
    run.back()            # undone, bit for bit
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from . import datasets, features, losses, optimizers, schedules
from .config import RunConfig
from .history import History, Checkpoint
from .network import Network
from .training import INIT_STREAM, Setup, StepRecord, TrainState, train_step, objective

GRID_SIZE = 100
GRID_EXTENT = 6.0


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: the update that went non-finite and a plain explanation."""

    step: int
    lr: float
    reason: str


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def grid_points(n: int = GRID_SIZE, extent: float = GRID_EXTENT) -> np.ndarray:
    """n×n points covering [-extent, extent]², row-major with x1 varying fastest, as (n², 2)."""
    axis = np.linspace(-extent, extent, n)
    x1, x2 = np.meshgrid(axis, axis)
    return np.column_stack([x1.ravel(), x2.ravel()])


class Run:
    """A training run you can step, undo, rewind, edit and evaluate."""

    def __init__(self, config: RunConfig | None = None, data: datasets.Dataset | None = None) -> None:
        self.config = config or RunConfig()
        self.data = data if data is not None else datasets.generate(
            self.config.dataset, self.config.points, self.config.noise, self.config.train_ratio, self.config.effective_data_seed
        )
        head = losses.choose(self.config.loss, self.data.kind)
        n_out = head.units(self.data.n_classes)
        feats = features.validate(self.config.features)
        self.network = Network.build(len(feats), self.config.hidden, self.config.activations, head, n_out)
        self.x_train = _frozen(features.transform(self.data.x_train, feats))
        self.x_test = _frozen(features.transform(self.data.x_test, feats))
        self._grid_features: np.ndarray | None = None
        self.setup = self._make_setup(self.config)
        theta = self.network.init(self.config.init, np.random.default_rng([self.config.seed, INIT_STREAM]))
        theta = _frozen(theta)
        self.state = TrainState(0, 0, 0, theta, self.setup.optimizer.init({"theta": theta}))
        self.history = History(Checkpoint(self.state, self.setup, self.config, hard=True))
        self.diverged: Divergence | None = None

    # -- building -------------------------------------------------------------------------
    def _make_setup(self, config: RunConfig) -> Setup:
        opt = optimizers.create(config.optimizer, **config.hyper_dict)
        sched = schedules.create(config.schedule, config.lr, config.warmup_steps, **config.schedule_dict)
        return Setup(
            self.network, self.x_train, self.data.y_train, opt, sched, config.batch_size,
            config.regularization, config.reg_rate, _frozen(self.network.layout.weight_mask()), config.seed,
        )

    # -- reading --------------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        """Updates applied so far."""
        return self.state.step

    @property
    def first_step(self) -> int:
        """The earliest update this run can go back to (0, or where a loaded run started)."""
        return self.history.start_step

    @property
    def epoch(self) -> int:
        """Completed passes over the training set."""
        return self.state.epoch

    @property
    def params(self) -> dict[str, np.ndarray]:
        """{"W1": (fan_in, fan_out), "b1": ..., ...}, read-only views of the current weights."""
        return self.network.layout.unflatten(self.state.theta)

    @property
    def theta(self) -> np.ndarray:
        return self.state.theta

    @property
    def opt_state(self):
        return self.state.opt_state

    @property
    def last_record(self) -> StepRecord | None:
        return self.history.record_at(self.state.step)

    @property
    def steps_per_epoch(self) -> int:
        return self.setup.steps_per_epoch

    @property
    def grid_features(self) -> np.ndarray:
        """Features of the 100×100 grid over [-6, 6]² used for decision boundaries (cached,
        float32: it is only drawn, and float32 products and tanh run several times faster)."""
        if self._grid_features is None:
            grid = features.transform(grid_points(), self.config.features).astype(np.float32)
            self._grid_features = _frozen(grid)
        return self._grid_features

    def predict(self, points: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
        """Network outputs for an (n, 2) array of raw inputs: (n,) for one output unit (tanh
        value, sigmoid probability or regression value), (n, k) probabilities for k classes."""
        x = features.transform(np.asarray(points, dtype=float).reshape(-1, 2), self.config.features)
        return self._squeeze(self.network.output(self.state.theta if theta is None else theta, x))

    def grid_output(self, theta: np.ndarray | None = None) -> np.ndarray:
        """The network output over the boundary grid, like ``predict`` but in float32 (for
        drawing; training and ``predict`` stay float64)."""
        theta = (self.state.theta if theta is None else theta).astype(np.float32)
        return self._squeeze(self.network.output(theta, self.grid_features))

    @staticmethod
    def _squeeze(out: np.ndarray) -> np.ndarray:
        return out[:, 0] if out.shape[1] == 1 else out

    def evaluate(self, theta: np.ndarray | None = None) -> dict[str, float]:
        """Data loss (no penalty) on the training and test sets, and accuracy for classes."""
        theta = self.state.theta if theta is None else theta
        result: dict[str, float] = {}
        for part, x, y in (("train", self.x_train, self.data.y_train), ("test", self.x_test, self.data.y_test)):
            if len(y) == 0:
                continue
            zs, _ = self.network.forward(theta, x)
            loss, _, out = self.network.head.value_and_grad(zs[-1], y)
            result[f"{part}_loss"] = loss
            if self.data.kind != "regression":
                result[f"{part}_accuracy"] = float(np.mean(self._classes(out) == y))
        return result

    def _classes(self, out: np.ndarray) -> np.ndarray:
        if out.shape[1] > 1:
            return out.argmax(axis=1)
        threshold = 0.5 if self.network.head.output == "sigmoid" else 0.0
        return np.where(out[:, 0] >= threshold, 1.0, -1.0)

    def loss_and_grad(self, theta: np.ndarray, batch: np.ndarray) -> tuple[float, np.ndarray]:
        """The training objective and its gradient at ``theta`` on the given batch (for checks)."""
        loss, _, grad = objective(self.setup, theta, self.x_train[batch], self.data.y_train[batch])
        return loss, grad

    # -- training -------------------------------------------------------------------------
    def step(self) -> StepRecord | None:
        """Exactly one update. Returns its record, or None when the run has diverged (then
        ``diverged`` says why and the parameters stay at the last finite values)."""
        if self.diverged is not None:
            return None
        with np.errstate(all="ignore"):
            rec = train_step(self.setup, self.state)
            if not (math.isfinite(rec.loss) and np.isfinite(rec.after.theta).all()):
                self.diverged = self._explain_divergence(rec)
                return None
        self.state = rec.after
        self.history.record(rec, self.setup, self.config)
        return rec

    def _explain_divergence(self, rec: StepRecord) -> Divergence:
        what = f"the loss became {rec.loss}" if not math.isfinite(rec.loss) else "the weights became infinite or NaN"
        reason = (
            f"Training diverged at update {rec.step}: {what}. The learning rate {rec.lr:g} is too "
            f"large for this network; try a smaller one (for example {rec.lr / 10:g})."
        )
        return Divergence(rec.step, rec.lr, reason)

    def train(self, epochs: int | None = None, steps: int | None = None, on_step: Callable[[StepRecord], None] | None = None) -> int:
        """Train for ``epochs`` more passes and/or ``steps`` more updates (whichever ends first
        when both are given); stops early on divergence. Returns the number of updates made."""
        if epochs is None and steps is None:
            raise ValueError("give epochs or steps")
        last_epoch = self.state.epoch + epochs if epochs is not None else None
        last_step = self.state.step + steps if steps is not None else None
        done = 0
        while (last_epoch is None or self.state.epoch < last_epoch) and (last_step is None or self.state.step < last_step):
            rec = self.step()
            if rec is None:
                break
            done += 1
            if on_step is not None:
                on_step(rec)
        return done

    def back(self, n: int = 1) -> None:
        """Undo the last ``n`` updates: parameters and optimizer state as they were, bit for bit."""
        target = self.state.step - n
        if n < 0 or target < self.first_step:
            raise ValueError(f"cannot go back {n} updates from update {self.state.step}")
        rec = self.history.record_at(self.state.step)
        if n == 1 and rec is not None:
            state = rec.before
        else:
            state = self.state_at(target)
        self.history.truncate(target)
        cp = self.history.checkpoint_before(target)
        self.setup, self.config = cp.setup, cp.config
        self.state = state
        self.diverged = None

    def state_at(self, step: int) -> TrainState:
        """The state after update ``step`` (0 ≤ step ≤ step_count), replayed from a checkpoint;
        the run itself is not changed."""
        if not self.first_step <= step <= self.state.step:
            raise ValueError(f"update {step} is outside {self.first_step}..{self.state.step}")
        if step == self.state.step:
            return self.state
        cp = self.history.checkpoint_before(step)
        state = cp.state
        with np.errstate(all="ignore"):
            while state.step < step:
                state = train_step(cp.setup, state).after
        return state

    def record_of(self, step: int) -> StepRecord:
        """The full record of update ``step`` (1 ≤ step ≤ step_count), recomputed if needed."""
        rec = self.history.record_at(step)
        if rec is not None:
            return rec
        before = self.state_at(step - 1)
        with np.errstate(all="ignore"):
            return train_step(self.history.checkpoint_before(step - 1).setup, before)

    def rewind(self, step: int) -> None:
        """Make update ``step`` the head: later history is discarded (a branch starts here)."""
        self.back(self.state.step - step)

    # -- changing ---------------------------------------------------------------------------
    def reconfigure(self, config: RunConfig) -> None:
        """Apply settings that need no rebuild (learning rate, optimizer and its
        hyperparameters, schedule, batch size, regularization) from the current update on.
        A new optimizer starts from a fresh state. ValueError if ``config`` needs a rebuild."""
        if self.config.needs_rebuild(config):
            raise ValueError("this change needs a new network or new data: start a new Run")
        setup = self._make_setup(config)
        opt_state = self.state.opt_state
        if (config.optimizer, config.hyper) != (self.config.optimizer, self.config.hyper):
            opt_state = setup.optimizer.init({"theta": self.state.theta})
        self.state = TrainState(self.state.step, self.state.epoch, self.state.pos, self.state.theta, opt_state)
        self.setup, self.config = setup, config
        self.history.mark(self.state, setup, config)
        self.diverged = None

    def load_state(self, state: TrainState) -> None:
        """Continue from ``state`` (update count, epoch, position, parameters, optimizer state),
        e.g. one read from a file; the history starts there, so the run cannot go back before
        it. The state must fit this run's network and optimizer."""
        if state.theta.shape != self.state.theta.shape:
            raise ValueError(f"{state.theta.size} parameters given; this network has {self.state.theta.size}")
        self.state = state
        self.history = History(Checkpoint(state, self.setup, self.config, hard=True))
        self.diverged = None

    def absorb(self, state: TrainState, losses: np.ndarray, lrs: np.ndarray, checkpoints: Sequence[TrainState] = (),
               records: Sequence[StepRecord] = (), divergence: Divergence | None = None) -> None:
        """Take over updates that a copy of this run made elsewhere (a training process) from
        this run's current state and settings: their losses and learning rates, checkpoint
        states, latest records, the new state and a divergence, as if this run had made them."""
        self.history.extend(losses, lrs, checkpoints, records, self.setup, self.config)
        self.state = state
        self.diverged = divergence

    def set_param(self, name: str, position: tuple[int, ...], value: float) -> None:
        """Set one weight or bias by hand; training continues from the edited network."""
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, not {value}")
        theta = self.state.theta.copy()
        theta[self.network.layout.index(name, position)] = value
        self.state = TrainState(self.state.step, self.state.epoch, self.state.pos, _frozen(theta), self.state.opt_state)
        self.history.mark(self.state, self.setup, self.config)
        self.diverged = None
