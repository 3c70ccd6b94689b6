"""The training thread.

Tiny NumPy steps hold the GIL nearly all the time, so a thread that trains flat out starves the
GUI thread. The worker therefore runs in lockstep with the GUI: it is granted one chunk at a time
(train for a time budget of about 10 ms, or a fixed number of updates), reports what it did in
one signal, and then blocks on a semaphore until the GUI thread has used the result and grants
the next chunk. Blocking releases the GIL, so the GUI paints uncontended, and the Run is never
touched by two threads at once: the GUI thread reads it only between chunks.
"""
from __future__ import annotations

import math
import sys
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QThread, Signal

from ..engine.run import Run
from ..engine.training import StepRecord

BUDGET_S = 0.010  # one chunk at full speed; short enough that Pause lands within ~10 ms
SWITCH_INTERVAL_S = 0.001  # while training, let the GUI thread take the GIL within 1 ms


@dataclass(frozen=True)
class Job:
    """What the worker is asked to do next."""

    run: Run
    max_updates: float = math.inf  # at most this many updates
    budget_s: float = BUDGET_S  # and stop once this much time has passed
    until_epoch: int | None = None  # and stop when the run reaches this epoch


@dataclass(frozen=True)
class Chunk:
    """What one chunk did: the new batch losses (in update order), the last StepRecord, and the
    divergence or error that ended it, if any."""

    job: Job
    losses: np.ndarray
    last: StepRecord | None
    diverged: str | None
    error: str | None
    seconds: float

    @property
    def updates(self) -> int:
        return len(self.losses)


class TrainingWorker(QThread):
    """Trains granted chunks on its own thread; emits ``chunk_trained(Chunk)`` after each."""

    chunk_trained = Signal(object)

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

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the thread and wait for it; True if it ended."""
        self._quitting = True
        self._interrupt.set()
        self._go.release()
        return self.wait(timeout_ms) if self.isRunning() else True

    # -- worker thread ------------------------------------------------------------------------
    def run(self) -> None:  # noqa: D401 - QThread entry point
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
        return Chunk(job, losses, last, diverged, error, time.perf_counter() - start)
