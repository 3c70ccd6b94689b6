"""Explain mode: one update shown a phase at a time. Each press of Step moves on by one stage:
the forward pass layer by layer, the loss, the backward pass layer by layer (output first), and
the update. Each stage has a short caption and the numbers it computes; the network view is
told what to highlight through its ``set_phase(phase, layer)``.

The forward pass follows one example, the batch's first (see engine.explain.StepPhases for why);
the loss, the gradients and the update are the batch's, as training uses them.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..engine import features as feature_names
from ..engine.explain import StepPhases, phases, setup_of
from . import colors
from .display_names import OPTIMIZER_TITLES
from .math_text import number_html

LOSS_WORDS = {
    "tanh_squared": "½(output − target)², the squared error",
    "linear_squared": "½(output − target)², the squared error",
    "sigmoid_cross_entropy": "the cross-entropy −log(probability given to the right class)",
    "softmax_cross_entropy": "the cross-entropy −log(probability given to the right class)",
}


def stages(n_layers: int) -> list[tuple[str, int | None]]:
    """The stages of one update for a network with ``n_layers`` weight layers (W1..WL):
    forward 1..L, loss, backward L..1, update."""
    forward = [("forward", l) for l in range(1, n_layers + 1)]
    backward = [("backward", l) for l in range(n_layers, 0, -1)]
    return forward + [("loss", None)] + backward + [("update", None)]


class ExplainMode(QWidget):
    """``start(run, record)`` shows the first stage of ``record``; ``advance()`` the next one
    (False when the update is already fully shown); ``stop()`` ends the mode. Signal
    ``phase_shown(phase, layer)`` (layer -1 for loss and update) after each stage is shown."""

    phase_shown = Signal(str, int)

    def __init__(self, network_view: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network_view = network_view
        self._phases: StepPhases | None = None
        self._stages: list[tuple[str, int | None]] = []
        self._index = -1
        self._acts: tuple[str, ...] = ()
        self._head = ""
        self._output = ""
        self._features: tuple[str, ...] = ()
        self._optimizer = "gd"
        self.title = QLabel(self)
        self.title.setObjectName("explainTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.caption = QLabel(self)
        self.caption.setObjectName("explainCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.values = QLabel(self)
        self.values.setObjectName("explainValues")
        self.values.setWordWrap(True)
        self.values.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addWidget(self.values)
        layout.addStretch(1)
        self._show_idle()

    # -- public API ---------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._phases is not None

    @property
    def stage(self) -> tuple[str, int | None] | None:
        return self._stages[self._index] if self.active else None

    @property
    def finished(self) -> bool:
        """The update is fully shown (the next Step makes a new one)."""
        return self.active and self._index == len(self._stages) - 1

    @property
    def step_phases(self) -> StepPhases | None:
        return self._phases

    def start(self, run: Any, record: Any) -> None:
        """Explain update ``record`` of ``run`` from its first stage (read while the run is idle)."""
        setup = setup_of(run, record)
        self._phases = phases(run, record)
        self._stages = stages(len(setup.network.sizes) - 1)
        self._acts = tuple(a.name for a in setup.network.hidden)
        self._head, self._output = setup.network.head.name, setup.network.head.output
        self._features = tuple(run.config.features)
        self._optimizer = setup.optimizer.name
        self._index = 0
        self._show_stage()

    def advance(self) -> bool:
        """Show the next stage; False (and nothing changes) after the last one."""
        if not self.active or self.finished:
            return False
        self._index += 1
        self._show_stage()
        return True

    def back(self) -> bool:
        """Show the previous stage; False at the first one."""
        if not self.active or self._index == 0:
            return False
        self._index -= 1
        self._show_stage()
        return True

    def stop(self) -> None:
        """Leave explain mode: no highlight."""
        self._phases, self._stages, self._index = None, [], -1
        if self.network_view is not None:
            self.network_view.set_phase(None)
        self._show_idle()

    def weights_to_show(self) -> dict[str, np.ndarray] | None:
        """The weights as they are at this stage: before the update until the update stage."""
        p = self._phases
        if p is None:
            return None
        return p.params_after if self.stage[0] == "update" else p.params_before

    # -- stages -------------------------------------------------------------------------------
    def _show_idle(self) -> None:
        self.title.setText("Explain mode")
        self.caption.setText("Press Step to see the next update one phase at a time: forward pass, loss, "
                             "backward pass, update.")
        self.values.setText("")

    def _show_stage(self) -> None:
        phase, layer = self.stage
        n = len(self._stages)
        what = {"forward": "forward pass", "backward": "backward pass"}.get(phase, phase)
        where = f", layer {layer}" if layer else ""
        self.title.setText(f"Update {self._phases.step} · {what}{where} (stage {self._index + 1} of {n})")
        caption, values = getattr(self, f"_{phase}")(layer)
        self.caption.setText(caption)
        self.values.setText(values)
        if self.network_view is not None:
            self.network_view.set_phase(phase, layer)
        self.phase_shown.emit(phase, -1 if layer is None else layer)

    def _layer_name(self, layer: int) -> str:
        last = len(self._phases.activations) - 1
        return "the output layer" if layer == last else f"hidden layer {layer}"

    def _forward(self, layer: int) -> tuple[str, str]:
        p = self._phases
        last = len(p.activations) - 1
        act = self._output if layer == last else self._acts[layer - 1]
        intro = ""
        if layer == 1:
            x1, x2 = p.point
            intro = (f"One example goes in: the point ({number_html(x1, 3)}, {number_html(x2, 3)}) of this "
                     f"batch of {len(p.batch)}, target {_target(p.target)}. ")
        caption = (f"{intro}Forward pass through {self._layer_name(layer)}: each neuron adds up its inputs times "
                   f"their weights, plus its bias (z = a·W<sub>{layer}</sub> + b<sub>{layer}</sub>), then applies "
                   f"{act} to give its output a.")
        rows = []
        if layer == 1:
            names = [feature_names.LABELS.get(f, f) for f in self._features]
            rows.append(("inputs", names, p.activations[0]))
        label = "output" if layer == last else "a"
        names = [f"{i + 1}" for i in range(len(p.activations[layer]))]
        rows.append((label, names, p.activations[layer]))
        return caption, _value_rows(rows)

    def _loss(self, _layer: None) -> tuple[str, str]:
        p = self._phases
        words = LOSS_WORDS.get(self._head, "the loss")
        caption = (f"Loss: how wrong the network is. For each example of the batch, {words}; the loss is "
                   f"their mean over the {len(p.batch)} examples.")
        lines = [f"this example: {number_html(p.example_loss)}",
                 f"batch loss L = <b>{number_html(p.data_loss)}</b>"]
        if p.loss != p.data_loss:
            lines.append(f"with the regularization penalty: {number_html(p.loss)}")
        return caption, "<br>".join(lines)

    def _backward(self, layer: int) -> tuple[str, str]:
        p = self._phases
        last = len(p.activations) - 1
        start = "starting at the output, " if layer == last else "coming back through the weights, "
        caption = (f"Backward pass at {self._layer_name(layer)}: {start}each neuron gets ∂L/∂z, how much the loss "
                   f"would rise if its sum z grew a little (added up over the batch). Then "
                   f"∂L/∂W<sub>{layer}</sub> = a<sub>{layer - 1}</sub><sup>T</sup>·∂L/∂z: a weight's gradient is "
                   f"its input times the gradient at the neuron it feeds.")
        grads = p.grads[f"W{layer}"]
        i, j = np.unravel_index(int(np.argmax(np.abs(grads))), grads.shape)
        names = [f"{k + 1}" for k in range(len(p.neuron_grads[layer]))]
        values = _value_rows([("∂L/∂z", names, p.neuron_grads[layer])])
        values += (f"<br>largest weight gradient: ∂L/∂W{layer}[{i}, {j}] = {number_html(float(grads[i, j]))}")
        return caption, values

    def _update(self, _layer: None) -> tuple[str, str]:
        p = self._phases
        rule = "Δw = −η·∂L/∂w" if self._optimizer == "gd" else f"Δw from {OPTIMIZER_TITLES.get(self._optimizer, self._optimizer)}'s rule (see the inspector)"
        caption = (f"Update: every weight and bias moves at once, {rule}, with η = {number_html(p.lr)}. "
                   f"The network now computes a slightly different function.")
        name, pos, change = _largest_change(p.updates)
        return caption, f"largest change: {name}[{', '.join(map(str, pos))}] by {number_html(change)}"


def _target(y: Any) -> str:
    y = float(y)
    return f"{y:+g}" if y in (-1.0, 1.0) else f"class {int(y)}" if y.is_integer() else number_html(y)


def _value_rows(rows: Sequence[tuple[str, Sequence[str], np.ndarray]]) -> str:
    """A small table per row: a label, then one cell per neuron, each value in its sign's colour."""
    lines = []
    for label, names, values in rows:
        cells = "".join(
            f"<td align='center' style='padding:0 6px'><span style='color:{colors.for_sign(float(v)).name()}'>■</span>"
            f" {html_name}<br><span style='font-family:monospace'>{number_html(float(v), 3)}</span></td>"
            for html_name, v in zip(names, values))
        lines.append(f"<table cellspacing='0'><tr><td style='padding-right:8px'><i>{label}</i></td>{cells}</tr></table>")
    return "".join(lines)


def _largest_change(updates: dict[str, np.ndarray]) -> tuple[str, tuple[int, ...], float]:
    best = ("", (), 0.0)
    for name, arr in updates.items():
        if arr.size:
            k = int(np.argmax(np.abs(arr)))
            pos = tuple(int(x) for x in np.unravel_index(k, arr.shape))
            if abs(arr[pos]) > abs(best[2]):
                best = (name, pos, float(arr[pos]))
    return best
