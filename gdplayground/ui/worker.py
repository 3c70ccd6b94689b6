"""The training workers. Both are QThreads with the same interface (``grant``, ``interrupt``,
``shutdown``, signal ``chunk_trained(Chunk)``); the controller picks one.

ProcessWorker (the default): the thread talks to a child process that trains (see
training_process.py for why). While it trains, the window's Run is only changed by the GUI
thread taking over each chunk, so the window may read it at any time and repaints on its own
steady timer.

ThreadWorker (the fallback when no child process can be started): tiny NumPy steps hold the GIL
nearly all the time, so a thread that trains flat out starves the GUI thread. This one therefore
runs in lockstep with the GUI: it is granted one chunk at a time (train for a time budget, or a
fixed number of updates), reports it in one signal, and blocks on a semaphore until the GUI has
repainted and grants the next. Blocking releases the GIL, so the GUI paints uncontended, and the
Run is never touched by two threads at once: the GUI thread reads it only between chunks.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QThread, Signal

from ..engine.run import Run
from .training_process import Chunk, TrainRequest, absorb, child_main

log = logging.getLogger(__name__)

BUDGET_S = 0.010  # one lockstep chunk at full speed; Pause lands within it
SWITCH_INTERVAL_S = 0.001  # while a thread trains, let the GUI thread take the GIL within 1 ms
READY_TIMEOUT_S = 20.0  # a child that has not started by then is given up


@dataclass(frozen=True)
class Job:
    """What the worker is asked to do next."""

    run: Run
    max_updates: float = math.inf  # at most this many updates
    budget_s: float = BUDGET_S  # (thread) and stop once this much time has passed
    until_epoch: int | None = None  # and stop when the run reaches this epoch


class ThreadWorker(QThread):
    """Lockstep training on a thread of this process: one granted chunk at a time."""

    chunk_trained = Signal(object)
    concurrent = False  # the Run may not be read while a chunk is in flight

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._go = threading.Semaphore(0)
        self._interrupt = threading.Event()
        self._job: Job | None = None
        self._quitting = False

    # -- GUI thread ---------------------------------------------------------------------------
    def grant(self, job: Job) -> None:
        """Train one chunk. Call only when the previous chunk has been reported."""
        self._job = job
        self._interrupt.clear()
        if not self.isRunning():
            self.start()
        self._go.release()

    def interrupt(self) -> None:
        """End the current chunk after the update in progress (Pause)."""
        self._interrupt.set()

    def absorb(self, run: Run, chunk: Chunk) -> None:
        """Nothing to take over: the thread trained the Run itself."""

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the thread and wait for it; True if it ended."""
        self._quitting = True
        self._interrupt.set()
        self._go.release()
        return self.wait(timeout_ms) if self.isRunning() else True

    # -- worker thread ------------------------------------------------------------------------
    def run(self) -> None:
        while True:
            self._go.acquire()  # blocking here releases the GIL
            if self._quitting:
                return
            job, self._job = self._job, None
            if job is not None:
                self.chunk_trained.emit(self._train(job))

    def _train(self, job: Job) -> Chunk:
        run = job.run
        old_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        start = time.perf_counter()
        deadline = start + job.budget_s
        done, last, error = 0, None, None
        try:
            while done < job.max_updates and not self._interrupt.is_set():
                if job.until_epoch is not None and run.epoch >= job.until_epoch:
                    break
                rec = run.step()
                if rec is None:
                    break
                last, done = rec, done + 1
                if time.perf_counter() >= deadline:
                    break
        except Exception:  # a bug must not kill the thread silently; the GUI shows it
            error = traceback.format_exc(limit=4)
        finally:
            sys.setswitchinterval(old_interval)
        recorded = run.history.losses.view()
        losses = np.array(recorded[len(recorded) - done :]) if done else np.empty(0)
        diverged = run.diverged.reason if run.diverged is not None else None
        return Chunk(losses, last, diverged, error, time.perf_counter() - start, job=job)


class ProcessWorker(QThread):
    """Relays between the GUI and a training child process. A granted job trains until it is
    done or interrupted, with a chunk reported about every 15 ms (``final`` on the last).
    ``ready`` is emitted once the child runs; ``lost(str)`` if it fails or dies."""

    chunk_trained = Signal(object)
    ready = Signal()
    lost = Signal(str)
    concurrent = True  # the Run is the GUI's; it may be read between chunks at any time

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt
        self._commands_out, commands_in = ctx.Pipe(duplex=False)[::-1]
        results_in, self._results_out = ctx.Pipe(duplex=False)
        self._results_in = results_in
        self._stop = ctx.Event()
        self._process = ctx.Process(target=child_main, args=(commands_in, self._results_out, self._stop),
                                    name="gdplayground-trainer", daemon=True)
        self._job: Job | None = None
        self._sent_data = None
        self._alive = False
        self._closing = False
        self._launched = False

    def launch(self) -> None:
        """Start the child and the relay thread (the child takes a moment to import NumPy)."""
        self._launched = True
        self._process.start()
        self._results_out.close()  # the child has its own copy; without ours, its end is EOF here
        self.start()

    @property
    def alive(self) -> bool:
        return self._alive

    # -- GUI thread ---------------------------------------------------------------------------
    def grant(self, job: Job) -> None:
        run = job.run
        data = None if run.data is self._sent_data else run.data
        self._job = job
        self._stop.clear()
        try:
            self._commands_out.send(TrainRequest(run.config, data, run.state, job.max_updates, job.until_epoch))
        except (OSError, ValueError) as exc:
            self._alive = False
            self.lost.emit(f"the training process is gone ({exc})")
            return
        self._sent_data = run.data

    def interrupt(self) -> None:
        self._stop.set()

    def absorb(self, run: Run, chunk: Chunk) -> None:
        if chunk.job is not None and chunk.job.run is run:
            absorb(run, chunk)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        self._closing = True
        self._stop.set()
        try:
            self._commands_out.send(None)
        except (OSError, ValueError):
            pass
        if not self._launched:
            return True
        if self._process.is_alive():
            self._process.join(timeout_ms / 1000)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(1.0)
        ended = self.wait(timeout_ms) if self.isRunning() else True
        self._commands_out.close()
        return ended

    # -- relay thread -------------------------------------------------------------------------
    def run(self) -> None:
        conn = self._results_in
        if not conn.poll(READY_TIMEOUT_S):
            self.lost.emit("the training process did not start")
            return
        try:
            if conn.recv() != "ready":
                raise EOFError
        except (EOFError, OSError):
            self.lost.emit("the training process did not start")
            return
        self._alive = True
        self.ready.emit()
        while True:
            try:
                chunk = conn.recv()  # blocking here releases the GIL
            except (EOFError, OSError):
                break
            self.chunk_trained.emit(replace(chunk, job=self._job))
        self._alive = False
        if not self._closing:
            self.lost.emit("the training process ended")


TrainingWorker = ThreadWorker  # the name the first version used
