"""Training in a child process: the child's side, the messages, and how the window's Run takes
over what the child did. No Qt here: the child imports only NumPy and the engine.

Why a process: measured on a 2-core machine, one repaint of the window costs 30-60 ms of the GUI
thread, and PySide keeps the GIL while Qt paints, so a training thread in the same process gets
only what painting leaves (about 10-25 % of one core at 30 repaints a second). A child process
trains on the other core at the engine's full speed while the window paints.

The window's Run stays the one the rest of the program sees. A train message carries the whole
starting point (settings, state, and the data when it changed), so anything the window did to
its Run meanwhile (an edited weight, a step back, new settings) is simply part of the next start.
The child sends a chunk about every CHUNK_S seconds: the new batch losses and learning rates,
the state after, the last full records, and the states at every CHECKPOINT_EVERY-th update (so
the window can still go back anywhere by replay). Same code, same numbers: the window's Run ends
bit for bit where it would have if it had trained itself.
"""
from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.config import RunConfig
from ..engine.datasets import Dataset
from ..engine.run import Divergence, Run
from ..engine.training import StepRecord, TrainState

CHUNK_S = 0.015  # a chunk of news for the window about every 15 ms
CHECKPOINT_EVERY = 64  # the engine History's base checkpoint interval
RECORDS_PER_CHUNK = 1  # full records sent with a chunk while training on
RECORDS_AT_END = 32  # and with the last chunk (Step back right after Pause needs no replay)
CHILD_NICENESS = 10
GRID_EVERY_S = 1 / 15  # the output over the plot's grid, computed here while training flat out


@dataclass(frozen=True)
class TrainRequest:
    """Train from ``state`` under ``config`` (on ``data``; None: the data last sent)."""

    config: RunConfig
    data: Dataset | None
    state: TrainState
    max_updates: float
    until_epoch: int | None


@dataclass(frozen=True)
class Chunk:
    """What some training did. ``final`` marks the last chunk of a request. The fields after
    ``final`` are for a Run that did not train itself (see ``absorb``)."""

    losses: np.ndarray
    last: StepRecord | None
    diverged: str | None
    error: str | None
    seconds: float
    final: bool = True
    job: Any = None  # the request's job on the window's side
    lrs: np.ndarray | None = None
    records: tuple[StepRecord, ...] = ()
    checkpoints: tuple[TrainState, ...] = ()
    state: TrainState | None = None
    divergence: Divergence | None = None
    grid: np.ndarray | None = None  # run.grid_output() at ``state`` (the window need not compute it)

    @property
    def updates(self) -> int:
        return len(self.losses)


def absorb(run: Run, chunk: Chunk) -> None:
    """Make ``run`` (which did not train) what the child's run became after ``chunk``: every
    loss and learning rate, checkpoints, recent records, the state, a divergence."""
    if chunk.state is None:
        return
    lrs = chunk.lrs if chunk.lrs is not None else np.full(len(chunk.losses), np.nan)
    run.absorb(chunk.state, chunk.losses, lrs, chunk.checkpoints, chunk.records, chunk.divergence)


# -- the child -------------------------------------------------------------------------------
def child_main(commands, results, stop) -> None:
    """The child process: answer TrainRequests with Chunks until told to quit (None)."""
    _yield_to_the_window()
    results.send("ready")
    run: Run | None = None
    data: Dataset | None = None
    while True:
        try:
            request = commands.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        started = time.perf_counter()
        try:
            data = request.data if request.data is not None else data
            run = _prepare(run, request, data)
            _train(run, request, results, stop)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return  # the window is gone (killed, not closed): nobody to report to
        except Exception:  # report, do not die: the window falls back to training itself
            results.send(Chunk(np.empty(0), None, None, traceback.format_exc(limit=6), time.perf_counter() - started))


def _yield_to_the_window() -> None:
    """A lower priority: on a busy machine the window's repaints come first (with a core to
    itself, training loses nothing)."""
    try:
        os.nice(CHILD_NICENESS)
    except (AttributeError, OSError):  # not on this platform, or not allowed
        pass


def _prepare(run: Run | None, request: TrainRequest, data: Dataset | None) -> Run:
    config = request.config
    if run is None or run.data is not data or run.config.needs_rebuild(config):
        run = Run(config, data)
    elif run.config != config:
        run.reconfigure(config)
    run.load_state(request.state)
    return run


def _train(run: Run, request: TrainRequest, results, stop) -> None:
    history = run.history
    sent = 0
    checkpoints: list[TrainState] = []
    started = chunk_start = time.perf_counter()
    grid_at = started  # the window has just drawn the starting state itself
    done = 0
    while True:
        if stop.is_set() or done >= request.max_updates:
            break
        if request.until_epoch is not None and run.epoch >= request.until_epoch:
            break
        rec = run.step()
        if rec is None:
            break
        done += 1
        if rec.step % CHECKPOINT_EVERY == 0:
            checkpoints.append(rec.after)
        now = time.perf_counter()
        if now - chunk_start >= CHUNK_S:
            grid = None
            if now - grid_at >= GRID_EVERY_S:  # costs the window ~7 ms for the 6x8 network
                grid, grid_at = run.grid_output(), now
            results.send(_chunk(run, sent, checkpoints, RECORDS_PER_CHUNK, chunk_start, final=False, grid=grid))
            sent, checkpoints, chunk_start = history.losses.size, [], time.perf_counter()
    results.send(_chunk(run, sent, checkpoints, RECORDS_AT_END, started, final=True))


def _chunk(run: Run, sent: int, checkpoints: list[TrainState], n_records: int, since: float, final: bool,
           grid: np.ndarray | None = None) -> Chunk:
    history = run.history
    losses = np.array(history.losses.view()[sent:])
    lrs = np.array(history.lrs.view()[sent:])
    keep = min(n_records, len(history.recent) if final else len(losses))
    records = tuple(list(history.recent)[-keep:]) if keep else ()
    div = run.diverged
    return Chunk(
        losses, records[-1] if records else None, div.reason if div else None, None, time.perf_counter() - since,
        final=final, lrs=lrs, records=records, checkpoints=tuple(checkpoints), state=run.state, divergence=div,
        grid=grid,
    )
