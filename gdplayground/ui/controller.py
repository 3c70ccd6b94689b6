"""The run's state machine, on the GUI thread: it owns the RunConfig and the Run and is the only
thing that talks to the training worker.

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
import os
import time
from typing import Any, Callable, Mapping

import numpy as np
from PySide6.QtCore import QAbstractEventDispatcher, QCoreApplication, QEventLoop, QObject, QTimer, Signal

from ..engine.config import RunConfig
from ..engine.run import Run
from .training_process import Chunk
from .worker import BUDGET_S, Job, ProcessWorker, ThreadWorker

log = logging.getLogger(__name__)

STATES = ("idle", "playing", "paused", "diverged")
SPEEDS: tuple[float, ...] = (1.0, 5.0, 30.0, 100.0, 1000.0, math.inf)  # updates per second
IDLE_FPS = 60  # repaint rate when something changed and nothing trains
PLAY_FPS = 36  # repaint rate while training flat out: each repaint costs training time
MIN_BUDGET_S, MAX_BUDGET_S = 0.004, 0.025  # a chunk's time at full speed (Pause lands within it)
PAINT_WAIT_S = 0.05  # grant anyway if no paint is reported (nothing was dirty)
GUI_SHARE = 0.85  # while training, repaints may take at most this share of the GUI thread's time
TRAINER_ENV = "GDPLAYGROUND_TRAINER"  # "thread" forces the lockstep thread (tests, debugging)
EVAL_INTERVAL_S = 0.1  # full-set train/test evaluation at most 10 times a second
_DATA_FIELDS = ("dataset", "points", "noise", "train_ratio")


def _data_key(config: RunConfig) -> tuple:
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
        self._eval_steps: list[int] = []
        self._eval_train: list[float] = []
        self._eval_test: list[float] = []
        self._last_eval = -math.inf
        self._busy = False  # a job is in flight
        self._grid: tuple[np.ndarray | None, np.ndarray | None] = (None, None)  # (weights, output) from the process
        self._after_job: list[Callable[[], None]] = []
        self._epoch_target: int | None = None
        self._pace_origin = 0.0
        self._pace_done = 0
        self._dirty = True
        self._advanced = False
        self._closed = False
        # frame cost: the repaint slot plus the painting the window reports (notify_painted)
        self._frame_cost = 0.02
        self._frame_paint = 0.0
        self._frame_build = 0.0
        # lockstep thread: the next chunk waits for the repaint to be painted
        self.paint_sync = False  # the window reports paints: wait for them
        self._grant_after_paint = False
        self._paint_wait = QTimer(self)
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(round(1000 * PAINT_WAIT_S))
        self._paint_wait.timeout.connect(self._grant_now)
        self._thread_worker = ThreadWorker()
        self._thread_worker.chunk_trained.connect(self._on_chunk)
        self.worker: ThreadWorker | ProcessWorker = self._thread_worker
        self._process_worker: ProcessWorker | None = None
        # The child starts with the first training that needs it (until it runs, the thread
        # trains): a window that never trains, or takes a screenshot, never starts one.
        self._want_process = (trainer or os.environ.get(TRAINER_ENV, "process")) == "process"
        self._timer = QTimer(self)
        self._timer.setInterval(round(1000 / IDLE_FPS))
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        QAbstractEventDispatcher.instance().aboutToBlock.connect(self._on_about_to_block)

    # -- reading ----------------------------------------------------------------------------
    def losses(self) -> np.ndarray:
        """Every batch loss so far (read-only), update ``first_loss_step()`` first."""
        return self.run.history.losses.view()

    def first_loss_step(self) -> int:
        return self.run.first_step + 1

    def eval_history(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(updates, train loss, test loss) of the full-set evaluations so far."""
        return np.array(self._eval_steps, dtype=float), np.array(self._eval_train), np.array(self._eval_test)

    @property
    def busy(self) -> bool:
        """A job is in flight: the Run may be read only in frame_ready (thread) and not changed."""
        return self._busy

    @property
    def trainer(self) -> str:
        """"process" or "thread": where training runs now."""
        return "process" if self.worker is self._process_worker else "thread"

    @property
    def frame_cost(self) -> float:
        """Seconds of GUI time one repaint takes, smoothed."""
        return self._frame_cost

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
        if self._closed or self.state == "playing":
            return
        if self.state == "diverged":
            self.status_reported.emit("The run diverged: lower the learning rate or reset before playing.")
            return
        if not self._may_change("play"):
            return
        self._epoch_target = None
        self._set_state("playing")
        self._restart_pacing()
        if not self._busy:
            self._grant_next()

    def pause(self) -> None:
        if self.state != "playing":
            return
        self._epoch_target = None
        self._set_state("paused" if self.run.step_count else "idle")
        self.worker.interrupt()
        self._grant_after_paint = False
        self._paint_wait.stop()

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
            self._rebuild(new, f"{_describe(changes)}: the run starts again from update 0.")
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
            self.status_reported.emit(f"Locked by the lesson: {', '.join(_FIELD_WORDS.get(k, k) for k in locked)}.")
            self.config_changed.emit(self.config)
        return {k: v for k, v in changes.items() if k not in self.locked_fields}

    def set_speed(self, updates_per_second: float) -> None:
        self.speed = float(updates_per_second)
        self._restart_pacing()
        if self._busy and self.state == "playing" and self._epoch_target is None:
            self.worker.interrupt()  # the job in flight was paced for the old speed

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
        while self._busy:
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
        if self._busy:
            self._after_job.append(fn)
            self.worker.interrupt()
        else:
            fn()

    def shutdown(self) -> None:
        """Stop training, the thread and the child process (window closing)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._paint_wait.stop()
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None:
            dispatcher.aboutToBlock.disconnect(self._on_about_to_block)
        for worker in (self._thread_worker, self._process_worker):
            if worker is not None and not worker.shutdown():
                log.warning("the training %s did not stop in time", "thread" if worker is self._thread_worker else "process")

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
            self.status_reported.emit(f"{_describe(changes)}: applied from update {self.run.step_count} on; weights kept.")
            self._mark_changed()
            return
        what = ", ".join(_FIELD_WORDS.get(k, k) for k in changes if getattr(self.config, k) != getattr(new, k))
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
        self.worker.interrupt()
        self._grant_after_paint = False
        reason = self.run.diverged.reason if self.run.diverged else "Training diverged."
        self.diverged.emit(reason)
        self.status_reported.emit("Training diverged and was paused.")
        self._emit_frame(force_eval=True)

    def _mark_changed(self) -> None:
        self._dirty = True
        self._emit_frame(force_eval=True)

    # -- the workers --------------------------------------------------------------------------
    def start_process(self) -> None:
        """Start the training process now, not at the first training (benchmarks, tests)."""
        if not self._want_process or self._process_worker is not None or self._closed:
            return
        self._want_process = False
        try:
            worker = ProcessWorker()
            worker.chunk_trained.connect(self._on_chunk)
            worker.ready.connect(self._on_process_ready)
            worker.lost.connect(self._on_process_lost)
            worker.launch()
        except Exception as exc:  # no child processes here: the thread serves
            log.warning("training on a thread: cannot start a training process (%s)", exc)
            return
        self._process_worker = worker

    def _on_process_ready(self) -> None:
        if not self._closed:
            self.call_when_idle(self._use_process)

    def _use_process(self) -> None:
        if self._process_worker is not None and self._process_worker.alive:
            self.worker = self._process_worker

    def _on_process_lost(self, reason: str) -> None:
        if self._closed:
            return
        log.warning("training on a thread: %s", reason)
        if self.worker is self._process_worker:
            self.worker = self._thread_worker
            if self._busy:  # its job will never report its end
                self._busy = False
                self.pause()
                self.status_reported.emit("Training was paused: the training process stopped.")
                self._run_pending()

    def _grant(self, job: Job) -> None:
        self.start_process()
        self._busy = True
        self.worker.grant(job)

    def _grant_next(self) -> None:
        """Grant the next job of play, paced to the chosen speed."""
        if self.state != "playing" or self._busy or self._closed:
            return
        lockstep = not self.worker.concurrent
        if self._epoch_target is not None or math.isinf(self.speed):
            budget = self._budget() if lockstep else math.inf
            self._grant(Job(self.run, budget_s=budget, until_epoch=self._epoch_target))
            return
        allowed = math.floor(self.speed * (time.perf_counter() - self._pace_origin)) + 1 - self._pace_done
        if allowed > max(1.0, self.speed * 0.25):  # fell behind (window dragged, ...): no burst
            self._restart_pacing()
            allowed = 1
        if allowed >= 1:
            self._grant(Job(self.run, max_updates=allowed, budget_s=BUDGET_S if lockstep else math.inf))

    def _restart_pacing(self) -> None:
        self._pace_origin = time.perf_counter()
        self._pace_done = 0

    def _on_chunk(self, chunk: Chunk) -> None:
        if self._closed or not self._busy:
            return
        current = chunk.job is not None and chunk.job.run is self.run
        if current:
            self.worker.absorb(self.run, chunk)
            if chunk.grid is not None:
                self._grid = (self.run.theta, chunk.grid)
            if chunk.updates:
                self._advanced = self._dirty = True
                self._pace_done += chunk.updates
        if not chunk.final:
            return
        self._busy = False
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
        self._run_pending()
        if self._busy:  # a queued command started a job of its own
            return
        if self.state != "playing":
            self._emit_frame(force_eval=True)
        elif not self.worker.concurrent and (math.isinf(self.speed) or self._epoch_target is not None):
            self._emit_frame()
            self._await_paint()  # the next chunk is granted once this frame has been painted
        elif self.worker.concurrent and (math.isinf(self.speed) or self._epoch_target is not None):
            self._grant_next()  # stopped early for a command: go on

    def _run_pending(self) -> None:
        pending, self._after_job = self._after_job, []
        for fn in pending:
            fn()

    # -- painting in step with the lockstep thread ---------------------------------------------
    def notify_painted(self, seconds: float = 0.0) -> None:
        """The window has painted (after it handled an update request), taking ``seconds``."""
        self._frame_paint += seconds
        if self.paint_sync and self._grant_after_paint:
            self._grant_now()

    def _on_about_to_block(self) -> None:
        # Without paint reports, "the event loop has nothing left to do" is the next best sign.
        if self._grant_after_paint and not self.paint_sync:
            self._grant_now()

    def _await_paint(self) -> None:
        self._grant_after_paint = True
        if self.paint_sync:
            self._paint_wait.start()

    def _grant_now(self) -> None:
        self._paint_wait.stop()
        if self._grant_after_paint:
            self._grant_after_paint = False
            self._grant_next()

    def _budget(self) -> float:
        """Lockstep: train for what is left of a frame once painting has taken its share."""
        return min(MAX_BUDGET_S, max(MIN_BUDGET_S, 1.0 / PLAY_FPS - self._frame_cost))

    def _on_tick(self) -> None:
        if self._closed or (self._busy and not self.worker.concurrent):
            return
        painted = self._dirty
        if painted:
            self._emit_frame()
        if self.state == "playing" and not self._busy and not math.isinf(self.speed) and self._epoch_target is None:
            if painted and not self.worker.concurrent:
                self._await_paint()
            else:
                self._grant_next()

    # -- frames and evaluation ------------------------------------------------------------------
    def _emit_frame(self, force_eval: bool = False) -> None:
        started = time.perf_counter()
        self._frame_cost += 0.25 * (min(self._frame_build + self._frame_paint, 0.5) - self._frame_cost)
        self._frame_paint = 0.0
        self._dirty = False
        self._sync_eval_history()
        if force_eval or started - self._last_eval >= EVAL_INTERVAL_S:
            self._evaluate()
        if self._advanced:
            self._advanced = False
            self.stepped.emit(self.run.step_count)
        self.frame_ready.emit()
        self._frame_build = time.perf_counter() - started
        self._pace_timer()

    def _pace_timer(self) -> None:
        """While training, repaint only as often as leaves the GUI thread time for the student."""
        interval = 1.0 / IDLE_FPS
        if self.state == "playing" and self.worker.concurrent:
            interval = max(interval, self._frame_cost / GUI_SHARE)
        ms = round(1000 * min(interval, 0.1))
        if ms != self._timer.interval():
            self._timer.setInterval(ms)

    def _evaluate(self) -> None:
        self._last_eval = time.perf_counter()
        metrics = self.run.evaluate()
        self.metrics = metrics
        step = self.run.step_count
        if self._eval_steps and self._eval_steps[-1] == step:
            self._eval_steps.pop(), self._eval_train.pop(), self._eval_test.pop()
        self._eval_steps.append(step)
        self._eval_train.append(metrics.get("train_loss", math.nan))
        self._eval_test.append(metrics.get("test_loss", math.nan))
        self.evaluated.emit(metrics)

    def _sync_eval_history(self) -> None:
        """Forget evaluations of updates that no longer exist (the run went back)."""
        step = self.run.step_count
        while self._eval_steps and self._eval_steps[-1] > step:
            self._eval_steps.pop(), self._eval_train.pop(), self._eval_test.pop()

    def _clear_eval(self) -> None:
        self._eval_steps, self._eval_train, self._eval_test = [], [], []
        self.metrics = {}

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


_FIELD_WORDS = {
    "dataset": "the dataset", "points": "the number of points", "noise": "the noise",
    "train_ratio": "the train/test split", "data_seed": "the data", "features": "the input features",
    "hidden": "the hidden layers", "activation": "the activation", "loss": "the loss",
    "init": "the initialisation", "seed": "the seed", "lr": "learning rate", "optimizer": "optimizer",
    "hyper": "optimizer settings", "schedule": "schedule", "schedule_settings": "schedule settings",
    "warmup_steps": "warm-up", "batch_size": "batch size", "regularization": "regularization",
    "reg_rate": "regularization rate",
}


def _describe(changes: Mapping[str, Any]) -> str:
    parts = []
    for key, value in changes.items():
        word = _FIELD_WORDS.get(key, key)
        parts.append(f"{word} {value:g}" if isinstance(value, float) else f"{word} {value}" if isinstance(value, (str, int)) else word)
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]
