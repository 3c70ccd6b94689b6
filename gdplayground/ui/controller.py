"""The run's state machine, on the GUI thread: it owns the RunConfig and the Run and is the only
thing that trains it, through its TrainingPacer (training_pacer.py: the workers, the job in
flight, pacing to the speed, the repaint timer).

States: "idle" (nothing trained yet), "playing", "paused", "diverged". Training runs in a child
process (ProcessWorker) or, if none can be started, on a lockstep thread (ThreadWorker); see
worker.py. A job is in flight from ``grant`` to its final chunk; meanwhile only the controller
changes the Run (taking over each chunk), so every command that changes the Run waits for the
job to end (``call_when_idle``; a running job is asked to stop early for it).

Views never read the Run on their own schedule: the controller emits ``frame_ready`` at a steady
rate (at most ~60 Hz, never per update) when the Run may be read, and the window repaints from
it then. With the lockstep thread the next chunk is granted only once that repaint has been
painted, so painting never fights the worker for the GIL.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any, Callable, Mapping

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Signal

from ..engine.config import RunConfig
from ..engine.run import Run
from .eval_history import EvalHistory
from .field_words import describe_changes, field_words
from .training_pacer import TrainingPacer
from .training_process import Chunk

log = logging.getLogger(__name__)

STATES = ("idle", "playing", "paused", "diverged")
SPEEDS: tuple[float, ...] = (1.0, 5.0, 30.0, 100.0, 1000.0, math.inf)  # updates per second
EVAL_INTERVAL_S = 0.1  # full-set train/test evaluation at most 10 times a second
_DATA_FIELDS = ("dataset", "points", "noise", "train_ratio")


def _data_key(config: RunConfig) -> tuple:
    """What the data is drawn from: runs with equal keys can share their data."""
    return tuple(getattr(config, f) for f in _DATA_FIELDS) + (config.effective_data_seed,)


class RunController(QObject):
    """Commands: play, pause, toggle_play, step, step_epoch, reset, restart_with, set_speed,
    apply_config_changes, set_param, train_blocking. Everything a view shows comes from ``run``,
    ``config``, ``metrics``, ``losses()`` and ``eval_history()`` read in a ``frame_ready`` slot.
    Code that changes the Run itself (going back, for instance) must do it in ``call_when_idle``."""

    stepped = Signal(int)  # the run advanced; the new update count (once per frame at most)
    run_reset = Signal()  # a new Run was built (Reset or a change that needs a rebuild)
    diverged = Signal(str)  # training went non-finite; the engine's explanation
    state_changed = Signal(str)  # one of STATES
    config_changed = Signal(object)  # the RunConfig now in force (also after a refused change)
    evaluated = Signal(dict)  # train/test loss and accuracy of the current weights
    frame_ready = Signal()  # repaint now: the Run may be read until the slot returns
    status_reported = Signal(str)  # a sentence for the status bar
    failed = Signal(str)  # training hit an unexpected error (training paused)

    def __init__(self, config: RunConfig | None = None, parent: QObject | None = None, trainer: str | None = None) -> None:
        super().__init__(parent)
        self.config = config or RunConfig()
        self.run = self._build_run(self.config, None)
        self.state = "idle"
        self.speed = math.inf
        self.metrics: dict[str, float] = {}
        self.locked_fields: frozenset[str] = frozenset()  # set by a lesson: config fields, "weights"
        # asked before a command changes the run ("play", "step", "epoch", "settings", "weights");
        # False cancels it. The timeline branches here; explain mode takes Step (step_through.py).
        self.before_change: Callable[[str, Mapping[str, Any] | None], bool] | None = None
        self._evals = EvalHistory()
        self._last_eval = -math.inf
        self._grid: tuple[np.ndarray | None, np.ndarray | None] = (None, None)  # (weights, output) from the process
        self._epoch_target: int | None = None
        self._dirty = True
        self._advanced = False
        self._pacer = TrainingPacer(trainer, self)
        self._pacer.chunk_trained.connect(self._on_chunk)
        self._pacer.frame_due.connect(self._on_tick)
        self._pacer.paint_done.connect(self._grant_next)
        self._pacer.job_lost.connect(self._on_job_lost)

    # -- reading ----------------------------------------------------------------------------
    def losses(self) -> np.ndarray:
        """Every batch loss so far (read-only), update ``first_loss_step()`` first."""
        return self.run.history.losses.view()

    def first_loss_step(self) -> int:
        return self.run.first_step + 1

    def eval_history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(updates, train loss, test loss) of the full-set evaluations so far."""
        return self._evals.arrays()

    @property
    def busy(self) -> bool:
        """A job is in flight: the Run may be read only in frame_ready (thread) and not changed."""
        return self._pacer.busy

    @property
    def trainer(self) -> str:
        """"process" or "thread": where training runs now."""
        return self._pacer.trainer

    @property
    def frame_cost(self) -> float:
        """Seconds of GUI time one repaint takes, smoothed."""
        return self._pacer.frame_cost

    @property
    def paint_sync(self) -> bool:
        """The window reports its paints (``notify_painted``): lockstep chunks wait for them."""
        return self._pacer.paint_sync

    @paint_sync.setter
    def paint_sync(self, on: bool) -> None:
        self._pacer.paint_sync = on

    def grid_output(self) -> np.ndarray:
        """``run.grid_output()`` for the current weights; while the training process runs, the
        one it computed for them, if it has (which spares the GUI thread the work)."""
        theta, grid = self._grid
        if grid is not None and theta is self.run.theta:  # any change since makes new weights
            return grid
        return self.run.grid_output()

    def suggested_lr(self) -> float:
        """A learning rate ten times smaller, for a diverged run."""
        return float(f"{self.config.lr / 10:.3g}")

    # -- commands ---------------------------------------------------------------------------
    def play(self) -> None:
        if self._pacer.closed or self.state == "playing":
            return
        if self.state == "diverged":
            self.status_reported.emit("The run diverged: lower the learning rate or reset before playing.")
            return
        if not self._may_change("play"):
            return
        self._epoch_target = None
        self._set_state("playing")
        self._pacer.restart_pacing()
        if not self._pacer.busy:
            self._grant_next()

    def pause(self) -> None:
        if self.state != "playing":
            return
        self._epoch_target = None
        self._set_state("paused" if self.run.step_count else "idle")
        self._pacer.halt()

    def toggle_play(self) -> None:
        self.pause() if self.state == "playing" else self.play()

    def step(self) -> None:
        """Exactly one update (pauses first if playing)."""
        if not self._may_change("step"):
            return
        self.pause()
        self.call_when_idle(self._step_once)

    def step_epoch(self) -> None:
        """Train to the end of the current epoch, at full speed."""
        if not self._may_change("epoch"):
            return
        self.pause()
        self.call_when_idle(self._start_epoch)

    def reset(self) -> None:
        """Start again from update 0 with the current settings (same data)."""
        self.pause()
        self.call_when_idle(lambda: self._rebuild(self.config, "Reset: back to update 0."))

    def restart_with(self, changes: Mapping[str, Any]) -> None:
        """Apply ``changes`` and start again from update 0 (after a divergence the weights are
        too far gone to continue from)."""
        changes = self._unlocked(changes)
        if not changes:
            return
        self.pause()

        def rebuild() -> None:
            try:
                new = self.config.replace(**changes)
            except (ValueError, TypeError) as exc:
                self.status_reported.emit(f"Not applied: {exc}")
                return
            self._rebuild(new, f"{describe_changes(changes)}: the run starts again from update 0.")
        self.call_when_idle(rebuild)

    def load_run(self, run: Run, message: str) -> None:
        """Make ``run`` the current run (opened from a file, or built on new points), as it is:
        its weights, optimizer state and update count."""
        self.pause()

        def adopt() -> None:
            self.run, self.config = run, run.config
            self._epoch_target = None
            self._clear_eval()
            self._set_state("paused" if run.step_count else "idle")
            self.config_changed.emit(self.config)
            self.run_reset.emit()
            self.status_reported.emit(message)
            self._emit_frame(force_eval=True)
        self.call_when_idle(adopt)

    def _may_change(self, what: str, changes: Mapping[str, Any] | None = None) -> bool:
        return self.before_change is None or self.before_change(what, changes)

    def _unlocked(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """``changes`` without the fields a lesson locked (saying so, and showing the views
        the settings in force again)."""
        locked = [k for k in changes if k in self.locked_fields and changes[k] != getattr(self.config, k, None)]
        if locked:
            self.status_reported.emit(f"Locked by the lesson: {field_words(locked)}.")
            self.config_changed.emit(self.config)
        return {k: v for k, v in changes.items() if k not in self.locked_fields}

    def set_speed(self, updates_per_second: float) -> None:
        self.speed = float(updates_per_second)
        self._pacer.restart_pacing()
        if self._pacer.busy and self.state == "playing" and self._epoch_target is None:
            self._pacer.interrupt()  # the job in flight was paced for the old speed

    def apply_config_changes(self, changes: Mapping[str, Any]) -> None:
        """Live fields (learning rate, optimizer, schedule, ...) apply from the current update on,
        keeping the weights, and training goes on; anything else rebuilds the run (paused) and
        says so. Fields a lesson locked are refused."""
        changes = self._unlocked(changes)
        if not changes:
            return
        if not self._may_change("settings", changes):
            self.config_changed.emit(self.config)  # views go back to what is in force
            return
        if not (self.state == "playing" and not self._needs_rebuild(changes)):
            self.pause()
        self.call_when_idle(lambda: self._apply(changes))

    def set_param(self, name: str, position: tuple, value: float) -> None:
        """Set one weight or bias by hand; training continues from the edited network."""
        if "weights" in self.locked_fields:
            self.status_reported.emit("Editing weights is locked by the lesson.")
            self._mark_changed()  # views show the weight as it still is
            return
        if not self._may_change("weights"):
            self._mark_changed()
            return

        def edit() -> None:
            try:
                self.run.set_param(name, tuple(position), float(value))
            except (ValueError, IndexError) as exc:
                self.status_reported.emit(f"{name}{list(position)}: {exc}")
                return
            if self.state == "diverged":
                self._set_state("paused")
            self.status_reported.emit(f"{name}{list(position)} set to {value:g}; training continues from here.")
            self._mark_changed()
        self.call_when_idle(edit)

    def train_blocking(self, steps: int) -> int:
        """Train ``steps`` updates on this thread, now, and repaint once (for scripts and
        screenshots: the window does not repaint meanwhile). Returns the updates made."""
        self.pause()
        while self._pacer.busy:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        every = max(1, steps // 200)  # enough evaluations for the curves to look right

        def on_step(rec) -> None:
            if rec.step % every == 0:
                self._evaluate()

        done = self.run.train(steps=steps, on_step=on_step) if steps > 0 and self.state != "diverged" else 0
        self._advanced = self._advanced or done > 0
        if self.run.diverged is not None and self.state != "diverged":
            self._enter_diverged()
            return done
        if done:
            self._set_state("paused")
        self._emit_frame(force_eval=True)
        return done

    def refresh(self) -> None:
        """Repaint soon (for example after a view option changed)."""
        self._dirty = True

    def call_when_idle(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if no job is in flight; else stop the job early and run ``fn`` as soon
        as it has ended (playing then goes on, unless ``fn`` paused)."""
        self._pacer.call_when_idle(fn)

    def start_process(self) -> None:
        """Start the training process now, not at the first training (benchmarks, tests)."""
        self._pacer.start_process()

    def notify_painted(self, seconds: float = 0.0) -> None:
        """The window has painted (after it handled an update request), taking ``seconds``."""
        self._pacer.notify_painted(seconds)

    def shutdown(self) -> None:
        """Stop training, the thread and the child process (window closing)."""
        self._pacer.shutdown()

    # -- command bodies (no job in flight) ------------------------------------------------------
    def _step_once(self) -> None:
        rec = self.run.step()
        if rec is None:
            self._enter_diverged()
            return
        self._advanced = True
        self._set_state("paused")
        self._emit_frame(force_eval=True)

    def _start_epoch(self) -> None:
        if self.state == "diverged":
            self.status_reported.emit("The run diverged: lower the learning rate or reset first.")
            return
        self._epoch_target = self.run.epoch + 1
        self._set_state("playing")
        self._grant_next()

    def _needs_rebuild(self, changes: Mapping[str, Any]) -> bool:
        return any(k not in RunConfig.LIVE_FIELDS for k in changes)

    def _apply(self, changes: dict[str, Any]) -> None:
        try:
            new = self.config.replace(**changes)
        except (ValueError, TypeError) as exc:
            self.status_reported.emit(f"Not applied: {exc}")
            self.config_changed.emit(self.config)  # views go back to what is in force
            return
        if new == self.config:
            return
        if not self.config.needs_rebuild(new):
            self.run.reconfigure(new)
            self.config = new
            if self.state == "diverged":
                self._set_state("paused")
            self.config_changed.emit(new)
            self.status_reported.emit(f"{describe_changes(changes)}: applied from update {self.run.step_count} on; weights kept.")
            self._mark_changed()
            return
        what = field_words(k for k in changes if getattr(self.config, k) != getattr(new, k))
        self.pause()
        self._rebuild(new, f"Changed {what}: the run starts again from update 0.")

    def _rebuild(self, config: RunConfig, message: str) -> None:
        try:
            run = self._build_run(config, self.run)
        except ValueError as exc:
            self.status_reported.emit(f"Not applied: {exc}")
            self.config_changed.emit(self.config)
            return
        self.run, self.config = run, run.config
        self._epoch_target = None
        self._clear_eval()
        self._set_state("idle")
        self.config_changed.emit(self.config)
        self.run_reset.emit()
        self.status_reported.emit(message)
        self._emit_frame(force_eval=True)

    def _build_run(self, config: RunConfig, old: Run | None) -> Run:
        data = old.data if old is not None and _data_key(old.config) == _data_key(config) else None
        try:
            return Run(config, data)
        except ValueError:
            if config.loss == "auto":
                raise
            # a loss that does not fit the new problem type: fall back to the one that does
            run = Run(config.replace(loss="auto"), data)
            self.status_reported.emit(f"The {config.loss} loss does not fit this data; using the usual one.")
            return run

    def _enter_diverged(self) -> None:
        self._epoch_target = None
        self._set_state("diverged")
        self._pacer.halt()
        reason = self.run.diverged.reason if self.run.diverged else "Training diverged."
        self.diverged.emit(reason)
        self.status_reported.emit("Training diverged and was paused.")
        self._emit_frame(force_eval=True)

    def _mark_changed(self) -> None:
        self._dirty = True
        self._emit_frame(force_eval=True)

    # -- training, through the pacer ------------------------------------------------------------
    def _grant_next(self) -> None:
        """Grant the next job of play, paced to the chosen speed."""
        if self.state != "playing" or self._pacer.busy or self._pacer.closed:
            return
        self._pacer.grant_paced(self.run, self.speed, self._epoch_target)

    def _flat_out(self) -> bool:
        """Training as fast as it goes (top speed, or to the end of an epoch)."""
        return math.isinf(self.speed) or self._epoch_target is not None

    def _on_chunk(self, chunk: Chunk) -> None:
        current = chunk.job is not None and chunk.job.run is self.run
        if current:
            self._pacer.take_over(self.run, chunk)
            if chunk.grid is not None:
                self._grid = (self.run.theta, chunk.grid)
            if chunk.updates:
                self._advanced = self._dirty = True
        if not chunk.final:
            return
        self._job_ended(chunk, current)
        self._pacer.run_pending()
        if self._pacer.busy:  # a queued command started a job of its own
            return
        if self.state != "playing":
            self._emit_frame(force_eval=True)
        elif self._flat_out() and not self._pacer.concurrent:
            self._emit_frame()
            self._pacer.await_paint()  # the next chunk is granted once this frame has been painted
        elif self._flat_out():
            self._grant_next()  # stopped early for a command: go on

    def _job_ended(self, chunk: Chunk, current: bool) -> None:
        """What a job's final chunk means for the state: an error, a divergence, an epoch done."""
        if chunk.error:
            log.error("training failed:\n%s", chunk.error)
            self._set_state("paused")
            self.failed.emit(chunk.error)
        elif chunk.diverged and current:
            self._enter_diverged()
        elif self._epoch_target is not None and self.run.epoch >= self._epoch_target:
            self._epoch_target = None
            self._set_state("paused")
            self.status_reported.emit(f"Epoch {self.run.epoch} done (update {self.run.step_count}).")

    def _on_job_lost(self) -> None:
        self.pause()
        self.status_reported.emit("Training was paused: the training process stopped.")

    def _on_tick(self) -> None:
        painted = self._dirty
        if painted:
            self._emit_frame()
        if self.state == "playing" and not self._pacer.busy and not self._flat_out():
            if painted and not self._pacer.concurrent:
                self._pacer.await_paint()
            else:
                self._grant_next()

    # -- frames and evaluation ------------------------------------------------------------------
    def _emit_frame(self, force_eval: bool = False) -> None:
        started = self._pacer.begin_frame()
        self._dirty = False
        self._evals.forget_after(self.run.step_count)  # the run may have gone back
        if force_eval or started - self._last_eval >= EVAL_INTERVAL_S:
            self._evaluate()
        if self._advanced:
            self._advanced = False
            self.stepped.emit(self.run.step_count)
        self.frame_ready.emit()
        self._pacer.end_frame(started, playing=self.state == "playing")

    def _evaluate(self) -> None:
        self._last_eval = time.perf_counter()
        metrics = self.run.evaluate()
        self.metrics = metrics
        self._evals.record(self.run.step_count, metrics)
        self.evaluated.emit(metrics)

    def _clear_eval(self) -> None:
        self._evals = EvalHistory()
        self.metrics = {}

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

