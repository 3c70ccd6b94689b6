"""The training jobs of a RunController and their pacing, on the GUI thread.

TrainingPacer owns the workers (the child process, or the lockstep thread until it runs or
after it is lost), the job in flight and the commands waiting for it to end, how much the next
job may train at the chosen speed, and the repaint timer. The controller decides what happens
(play, pause, a finished job's outcome); this is the machinery it does that with.

Timing, in short: repaints come from a steady timer, slowed while training so painting leaves
the GUI thread time for the child process (GUI_SHARE). The lockstep thread instead trains one
chunk per frame, for what the frame's painting leaves (``_budget``), and its next chunk waits
until that frame has been painted (``await_paint``), so painting never fights it for the GIL.
"""
from __future__ import annotations

import logging
import math
import os
import time
from typing import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer, Signal

from ..engine.run import Run
from .training_process import Chunk
from .worker import BUDGET_S, Job, ProcessWorker, ThreadWorker

log = logging.getLogger(__name__)

IDLE_FPS = 60  # repaint rate when something changed and nothing trains
PLAY_FPS = 36  # repaint rate while training flat out: each repaint costs training time
MIN_BUDGET_S, MAX_BUDGET_S = 0.004, 0.025  # a chunk's time at full speed (Pause lands within it)
PAINT_WAIT_S = 0.05  # grant anyway if no paint is reported (nothing was dirty)
GUI_SHARE = 0.85  # while training, repaints may take at most this share of the GUI thread's time
TRAINER_ENV = "GDPLAYGROUND_TRAINER"  # "thread" forces the lockstep thread (tests, debugging)


class TrainingPacer(QObject):
    """Grants jobs to the worker in force and tells the controller, by signal, when to act."""

    chunk_trained = Signal(object)  # a Chunk of the job in flight (``busy`` is False after the final one)
    frame_due = Signal()  # repaint time, and the Run may be read (no lockstep chunk is in flight)
    paint_done = Signal()  # the frame the lockstep thread waited for is painted: grant the next chunk
    job_lost = Signal()  # the training process died with a job in flight; that job was dropped

    def __init__(self, trainer: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.busy = False  # a job is in flight, from ``grant`` to its final chunk
        self.closed = False
        self._after_job: list[Callable[[], None]] = []
        self._pace_origin = 0.0
        self._pace_done = 0
        # frame cost: the repaint slot plus the painting the window reports (notify_painted)
        self.frame_cost = 0.02
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
        self.process_worker: ProcessWorker | None = None
        # The child starts with the first training that needs it (until it runs, the thread
        # trains): a window that never trains, or takes a screenshot, never starts one.
        self._want_process = (trainer or os.environ.get(TRAINER_ENV, "process")) == "process"
        self._timer = QTimer(self)
        self._timer.setInterval(round(1000 / IDLE_FPS))
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        QAbstractEventDispatcher.instance().aboutToBlock.connect(self._on_about_to_block)

    @property
    def trainer(self) -> str:
        """"process" or "thread": where training runs now."""
        return "process" if self.worker is self.process_worker else "thread"

    @property
    def concurrent(self) -> bool:
        """The Run may be read while a job is in flight (the process trains a copy)."""
        return self.worker.concurrent

    # -- jobs ---------------------------------------------------------------------------------
    def grant_paced(self, run: Run, speed: float, until_epoch: int | None) -> None:
        """Grant the next job of play: as many updates as ``speed`` allows by now, or flat out
        (to the end of epoch ``until_epoch`` if given). Nothing if no update is due yet."""
        lockstep = not self.worker.concurrent
        if until_epoch is not None or math.isinf(speed):
            budget = self._budget() if lockstep else math.inf
            self.grant(Job(run, budget_s=budget, until_epoch=until_epoch))
            return
        allowed = math.floor(speed * (time.perf_counter() - self._pace_origin)) + 1 - self._pace_done
        if allowed > max(1.0, speed * 0.25):  # fell behind (window dragged, ...): no burst
            self.restart_pacing()
            allowed = 1
        if allowed >= 1:
            self.grant(Job(run, max_updates=allowed, budget_s=BUDGET_S if lockstep else math.inf))

    def grant(self, job: Job) -> None:
        self.start_process()
        self.busy = True  # first: a worker that fails at once reports a job in flight lost
        self.worker.grant(job)

    def restart_pacing(self) -> None:
        """Count the speed's updates from now (play, a new speed, falling behind)."""
        self._pace_origin = time.perf_counter()
        self._pace_done = 0

    def take_over(self, run: Run, chunk: Chunk) -> None:
        """Make ``chunk``'s training part of ``run`` (the process trained a copy of it)."""
        self.worker.absorb(run, chunk)
        self._pace_done += chunk.updates

    def interrupt(self) -> None:
        """End the job in flight after the update in progress."""
        self.worker.interrupt()

    def halt(self) -> None:
        """End the job in flight early and forget a grant that waited for a paint (pause,
        divergence)."""
        self.worker.interrupt()
        self._grant_after_paint = False
        self._paint_wait.stop()

    def call_when_idle(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if no job is in flight; else stop the job early and run ``fn`` once it
        has ended (``run_pending``)."""
        if self.busy:
            self._after_job.append(fn)
            self.worker.interrupt()
        else:
            fn()

    def run_pending(self) -> None:
        pending, self._after_job = self._after_job, []
        for fn in pending:
            fn()

    def _on_chunk(self, chunk: Chunk) -> None:
        if self.closed or not self.busy:
            return
        if chunk.final:
            self.busy = False
        self.chunk_trained.emit(chunk)

    # -- the training process -------------------------------------------------------------------
    def start_process(self) -> None:
        """Start the training process now, not at the first training (benchmarks, tests)."""
        if not self._want_process or self.process_worker is not None or self.closed:
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
        self.process_worker = worker

    def _on_process_ready(self) -> None:
        if not self.closed:
            self.call_when_idle(self._use_process)

    def _use_process(self) -> None:
        if self.process_worker is not None and self.process_worker.alive:
            self.worker = self.process_worker

    def _on_process_lost(self, reason: str) -> None:
        if self.closed:
            return
        log.warning("training on a thread: %s", reason)
        if self.worker is self.process_worker:
            self.worker = self._thread_worker
            if self.busy:  # its job will never report its end
                self.busy = False
                self.job_lost.emit()
                self.run_pending()

    # -- frames, and painting in step with the lockstep thread ------------------------------------
    def begin_frame(self) -> float:
        """A repaint starts: fold the last one's cost in. Returns the start time."""
        started = time.perf_counter()
        self.frame_cost += 0.25 * (min(self._frame_build + self._frame_paint, 0.5) - self.frame_cost)
        self._frame_paint = 0.0
        return started

    def end_frame(self, started: float, playing: bool) -> None:
        self._frame_build = time.perf_counter() - started
        self._pace_timer(playing)

    def notify_painted(self, seconds: float = 0.0) -> None:
        """The window has painted (after it handled an update request), taking ``seconds``."""
        self._frame_paint += seconds
        if self.paint_sync and self._grant_after_paint:
            self._grant_now()

    def await_paint(self) -> None:
        """Grant the next lockstep chunk once the frame just emitted has been painted."""
        self._grant_after_paint = True
        if self.paint_sync:
            self._paint_wait.start()

    def _on_about_to_block(self) -> None:
        # Without paint reports, "the event loop has nothing left to do" is the next best sign.
        if self._grant_after_paint and not self.paint_sync:
            self._grant_now()

    def _grant_now(self) -> None:
        self._paint_wait.stop()
        if self._grant_after_paint:
            self._grant_after_paint = False
            self.paint_done.emit()

    def _budget(self) -> float:
        """Lockstep: train for what is left of a frame once painting has taken its share."""
        return min(MAX_BUDGET_S, max(MIN_BUDGET_S, 1.0 / PLAY_FPS - self.frame_cost))

    def _on_tick(self) -> None:
        if not self.closed and not (self.busy and not self.worker.concurrent):
            self.frame_due.emit()

    def _pace_timer(self, playing: bool) -> None:
        """While training, repaint only as often as leaves the GUI thread time for the student."""
        interval = 1.0 / IDLE_FPS
        if playing and self.worker.concurrent:
            interval = max(interval, self.frame_cost / GUI_SHARE)
        ms = round(1000 * min(interval, 0.1))
        if ms != self._timer.interval():
            self._timer.setInterval(ms)

    def shutdown(self) -> None:
        """Stop the timers, the thread and the child process (window closing)."""
        if self.closed:
            return
        self.closed = True
        self._timer.stop()
        self._paint_wait.stop()
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None:
            dispatcher.aboutToBlock.disconnect(self._on_about_to_block)
        for worker in (self._thread_worker, self.process_worker):
            if worker is not None and not worker.shutdown():
                log.warning("the training %s did not stop in time", "thread" if worker is self._thread_worker else "process")
