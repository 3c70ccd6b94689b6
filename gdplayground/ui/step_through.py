"""Stepping through training: which update the window shows, branching from an earlier one, and
explain mode's Step, between the controller and the panels of the inspector dock.

* Seeking (the timeline) never changes the run: the window shows the weights after update k,
  replayed from the run's checkpoints, while the later history stays. The network view,
  decision boundary, batch, loss marker, inspector and layer view all show update k.
* Training from there (Step, Play, a new setting, an edited weight) first rewinds the run to k:
  a new branch; more than a handful of later updates are discarded only after asking.
* In explain mode, Step moves through the phases of the update just made (forward, loss,
  backward, update) before it makes the next one; until the update phase, the network shows the
  weights as they were before it.

The controller calls ``before_change(what, changes)`` before each command that would change the
run; everything else happens in ``on_frame``, while the run is safe to read.
"""
from __future__ import annotations

import time
from typing import Any, Mapping

import numpy as np
from PySide6.QtCore import QObject

from ..engine import features as feature_names
from ..engine.config import RunConfig
from ..engine.explain import setup_of
from .math_text import number_plain
from .neuron_images import neuron_images
from .timeline import confirm_branch

LIVE_INTERVAL = 256  # seek along a drag while going back replays at most this many updates
PANEL_INTERVAL_S = 1.0  # while playing fast, the inspector and layer view follow once a second
READABLE_SPEED = 5.0  # updates/s: this slow, they show every update (about 10 ms each)


class _RunAt:
    """The run as it was at an earlier update, for drawing code that reads ``run.theta``."""

    def __init__(self, run: Any, theta: np.ndarray) -> None:
        self._run = run
        self.theta = theta

    def __getattr__(self, name: str) -> Any:
        return getattr(self._run, name)


class StepThrough(QObject):
    """Wires a window (its network_view, boundary_plot, loss_plot), its controller and an
    InspectorDock (inspector, layer_view, explain, timeline, explain_check)."""

    def __init__(self, window: Any, controller: Any, dock: Any) -> None:
        super().__init__(dock)
        self.window, self.controller, self.dock = window, controller, dock
        self.viewed: int | None = None  # None: the latest update
        self._seen: tuple[int, int] = (0, -1)  # (id of the run, head) at the last frame
        self._state_cache: tuple[Any, int, int, Any] | None = None
        self._panels_at = 0.0
        d = dock
        d.timeline.seek_requested.connect(self.seek)
        d.inspector.param_chosen.connect(self._chosen)
        d.layer_view.param_chosen.connect(self._chosen)
        d.explain_check.toggled.connect(self.set_explain)
        d.visibilityChanged.connect(lambda visible: self._repaint_now() if visible else None)

    # -- commands -----------------------------------------------------------------------------
    def seek(self, step: int) -> None:
        """Show the run as it was after update ``step`` (the latest: follow training again)."""
        c = self.controller
        if c.state == "playing":
            c.pause()
        head = self.dock.timeline.head
        self.viewed = None if step >= head else max(self.controller.run.first_step, int(step))
        if self.dock.explain.active:
            self.dock.explain.stop()
        if self.viewed is not None:
            self.window.statusBar().showMessage(
                f"Showing update {self.viewed:,} of {head:,} as it was. Step or Play continues from here, "
                "as a new branch.", 8000)
        c.refresh()  # the next frame paints it (drags coalesce into one frame)

    def step_back(self) -> None:
        """The previous explain stage, else the update before the one shown."""
        if self.dock.explain.active and self.dock.explain.back():
            self._repaint_now()
            return
        shown = self.viewed if self.viewed is not None else self.dock.timeline.head
        if shown > 0:
            self.seek(shown - 1)

    def set_explain(self, on: bool) -> None:
        if not on and self.dock.explain.active:
            self.dock.explain.stop()
            self.controller.refresh()
        if self.dock.explain_check.isChecked() != on:
            self.dock.explain_check.setChecked(on)

    def select(self, name: str, position: tuple) -> None:
        """A weight chosen elsewhere (the network view)."""
        self.dock.inspector.select(name, position)
        self.dock.layer_view.set_selected(name, position)

    def before_change(self, what: str, changes: Mapping[str, Any] | None = None) -> bool:
        """Called by the controller before ``what`` ("play", "step", "epoch", "settings",
        "weights") changes the run. False: do nothing (explain mode took the Step, or the user
        kept the later updates)."""
        explain = self.dock.explain
        if what == "step" and self.dock.explain_check.isChecked() and explain.active and not explain.finished:
            explain.advance()
            self._repaint_now()
            return False
        if explain.active and what != "step":
            explain.stop()
        if self.viewed is None:
            return True
        if what == "settings" and changes is not None and any(k not in RunConfig.LIVE_FIELDS for k in changes):
            self.viewed = None  # a new network or new data starts from update 0 anyway
            return True
        if not confirm_branch(self.window, self.dock.timeline.head - self.viewed):
            return False
        step, run, c = self.viewed, self.controller.run, self.controller
        self.viewed = None
        c.call_when_idle(lambda: run.rewind(step) if c.run is run and run.step_count > step else None)
        return True

    # -- frames -------------------------------------------------------------------------------
    def on_frame(self) -> None:
        """The controller's frame: the run is safe to read; the window has painted the latest
        update; paint what is shown here over it."""
        c, run = self.controller, self.controller.run
        head = run.step_count
        seen, before = (id(run), head), self._seen
        self._seen = seen
        new_update = seen != before
        if self.viewed is not None and (self.viewed >= head or seen[0] != before[0]):
            self.viewed = None
        explain = self.dock.explain
        if new_update and explain.active:
            explain.stop()
        if (new_update and self.dock.explain_check.isChecked() and self.viewed is None and head > run.first_step
                and c.state in ("paused", "diverged")):
            explain.start(run, run.record_of(head))
        readable = c.state != "playing" or (new_update and getattr(c, "speed", 0.0) <= READABLE_SPEED)
        self._paint(force_panels=readable)

    def on_reset(self) -> None:
        self.viewed = None
        self._state_cache = None
        if self.dock.explain.active:
            self.dock.explain.stop()

    def _repaint_now(self) -> None:
        if not self.controller.busy:
            self._paint(force_panels=True)
        else:
            self.controller.refresh()

    def _paint(self, force_panels: bool) -> None:
        run, d = self.controller.run, self.dock
        head = run.step_count
        shown = self.viewed if self.viewed is not None else head
        d.timeline.set_range(head, shown)
        d.timeline.set_live(run.history.interval <= LIVE_INTERVAL)
        d.timeline.set_details(self._details(run, shown))
        if self.viewed is not None:
            self._show_weights(run, self._state_at(run, shown).theta)
            rec = run.record_of(shown) if shown > run.first_step else None
            self.window.boundary_plot.set_batch(run.data.x_train[rec.batch] if rec is not None else None)
            self.window.loss_plot.set_marker(shown if shown else None)
        elif d.explain.active:
            # the weights as they are at this stage: before the update until its last stage
            p = d.explain.step_phases
            self._show_weights(run, run.network.layout.flatten(d.explain.weights_to_show()))
            example_only = d.explain.stage[0] in ("forward", "loss")
            self.window.boundary_plot.set_batch(p.point[None, :] if example_only else run.data.x_train[p.batch])
        now = time.perf_counter()
        if d.isVisible() and (force_panels or now - self._panels_at >= PANEL_INTERVAL_S):
            self._panels_at = now
            self._show_panels(run, shown)

    def _show_weights(self, run: Any, theta: np.ndarray) -> None:
        w = self.window
        w.network_view.set_params(run.network.layout.unflatten(theta))
        w.network_view.set_neuron_images(neuron_images(_RunAt(run, theta)))
        w.boundary_plot.set_output(run.grid_output(theta), run.network.head.output)

    def _show_panels(self, run: Any, shown: int) -> None:
        d = self.dock
        rec = run.record_of(shown) if shown > run.first_step else None
        d.inspector.show_record(run, rec)
        if rec is None:
            d.layer_view.clear("No update yet: press Step to make one.")
            return
        d.layer_view.show_record(rec, setup_of(run, rec).optimizer.name, tuple(run.network.sizes), _neuron_names(run))

    def _state_at(self, run: Any, step: int) -> Any:
        key = (id(run), run.step_count, step)
        if self._state_cache is None or self._state_cache[:3] != key:
            self._state_cache = (*key, run.state_at(step))
        return self._state_cache[3]

    @staticmethod
    def _details(run: Any, shown: int) -> str:
        losses, lrs = run.history.losses.view(), run.history.lrs.view()
        i = shown - (run.history.head_step - len(losses)) - 1
        if shown == 0 or not 0 <= i < len(losses):
            return ""
        return f"batch loss {number_plain(float(losses[i]), 4)} · η {number_plain(float(lrs[i]), 3)}"

    def _chosen(self, name: str, position: tuple) -> None:
        d = self.dock
        if self.sender() is d.inspector:
            d.layer_view.set_selected(name, position)
        else:
            d.inspector.select(name, position)
        self.window.network_view.set_selected(name, position)



def _neuron_names(run: Any) -> tuple[list[str], ...]:
    sizes = run.network.sizes
    names: list[list[str]] = [[feature_names.LABELS.get(f, f) for f in run.config.features]]
    names += [[f"neuron {i + 1} (layer {l})" for i in range(n)] for l, n in enumerate(sizes[1:-1], start=1)]
    names.append(["output"] if sizes[-1] == 1 else [f"output {i + 1}" for i in range(sizes[-1])])
    return tuple(names)
