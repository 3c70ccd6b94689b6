"""Experiment <-> Run: a Run built from a file continues exactly where the saved one stood (the
same weights, optimizer state and place in the batch order), so training on gives the same
numbers to the last bit as if it had never stopped.
"""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Mapping

import numpy as np

from ..engine import limits
from ..engine.config import RunConfig
from ..engine.run import Run
from ..engine.training import TrainState
from .document import CUSTOM, Experiment
from .errors import ExperimentError, field_name, shown
from .lesson import Lesson


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def experiment_from_run(run: Run, weights: bool = True, lesson: Lesson | None = None, title: str = "", description: str = "") -> Experiment:
    """What ``run`` is now: its config, its points when custom, and (``weights``) its
    parameters, optimizer state and place in the batch order."""
    data = run.data if run.config.dataset == CUSTOM else None
    if not weights:
        return Experiment(run.config, data, lesson=lesson, title=title, description=description)
    params = {name: np.array(a) for name, a in run.params.items()}
    return Experiment(run.config, data, params, run.step_count, run.epoch, run.state.pos,
                      optimizer_state_to_dict(run.state.opt_state), lesson, title, description)


def optimizer_state_to_dict(state: Any) -> dict[str, Any]:
    """{"type": class name, "step": n, field: None or {key: array}} of an optimizer state record."""
    out: dict[str, Any] = {"type": type(state).__name__}
    for f in fields(state):
        value = getattr(state, f.name)
        if f.name == "step":
            out["step"] = int(value)
        elif value is None:
            out[f.name] = None
        elif isinstance(value, Mapping):
            out[f.name] = {k: np.array(a, dtype=np.float64) for k, a in value.items()}
        else:
            raise TypeError(f"cannot save optimizer state field {f.name} of type {type(value).__name__}")
    return out


def build_run(exp: Experiment) -> Run:
    """A Run as the experiment describes it; ExperimentError (field and reason) when the
    config cannot be built or the saved weights or optimizer state do not fit the network."""
    try:
        run = Run(exp.config, exp.data)
    except (ValueError, TypeError) as exc:
        raise ExperimentError(f"config: {exc}") from None
    if exp.weights is None:
        return run
    theta = _theta(run, exp.weights)
    n_train = len(run.data.y_train)
    if exp.position >= n_train:
        raise ExperimentError(f"position: {exp.position} is past the end of the {n_train} training points")
    opt = run.setup.optimizer.init({"theta": theta})
    if exp.optimizer_state is not None:
        opt = optimizer_state_from_dict(run, exp.optimizer_state, theta)
    load_state(run, TrainState(exp.updates, exp.epoch, exp.position, theta, opt))
    return run


def check_window(config: RunConfig) -> None:
    """ExperimentError unless the window's network builder can show ``config``'s network (a
    bigger one would take minutes and gigabytes to draw)."""
    problem = limits.window_problem(config.hidden)
    if problem:
        raise ExperimentError(problem)


def check_config(config: RunConfig, window: bool = False) -> None:
    """ExperimentError (one sentence) unless a Run can be built from ``config`` with its own
    generated data, and (``window``) its network fits the window's builder. Building the run is
    the one complete check: names, settings that depend on each other, loss against data."""
    if window:
        check_window(config)
    if config.dataset == CUSTOM:
        raise ExperimentError("it holds its own points (dataset \"custom\"); open it in the window")
    try:
        Run(config)
    except (ValueError, TypeError) as exc:
        raise ExperimentError(f"config: {exc}") from None
    except MemoryError:
        raise ExperimentError("config: its network does not fit in this computer's memory") from None


def load_state(run: Run, state: TrainState) -> None:
    """Make ``state`` the run's start (see ``Run.load_state``)."""
    run.load_state(state)


def _theta(run: Run, weights: Mapping[str, np.ndarray]) -> np.ndarray:
    layout = run.network.layout
    extra = [name for name in weights if name not in layout.names]
    if extra:
        raise ExperimentError(f"weights.{field_name(extra[0])}: this network has only {', '.join(layout.names)}")
    for name, shape in zip(layout.names, layout.shapes):
        if name not in weights:
            raise ExperimentError(f"weights.{name}: missing")
        if weights[name].shape != shape:
            raise ExperimentError(f"weights.{name}: expected shape {shape} for this network, got {weights[name].shape}")
    return _frozen(layout.flatten(dict(weights)))


def optimizer_state_from_dict(run: Run, saved: Mapping[str, Any], theta: np.ndarray) -> Any:
    """The optimizer state record ``saved`` describes, checked against what this run's
    optimizer makes: the same record type, fields, and array shapes."""
    opt = run.setup.optimizer
    init = opt.init({"theta": theta})
    with np.errstate(all="ignore"):
        _, after = opt.update({"theta": np.zeros_like(theta)}, init, {"theta": theta}, 1.0)
    cls = type(init)
    if saved.get("type") != cls.__name__:
        raise ExperimentError(f"optimizer_state.type: {shown(saved.get('type'))} does not belong to the {run.config.optimizer} optimizer ({cls.__name__})")
    names = [f.name for f in fields(cls)]
    for key in saved:
        if key != "type" and key not in names:
            raise ExperimentError(f"optimizer_state.{field_name(key)}: not part of {cls.__name__}")
    values: dict[str, Any] = {}
    for name in names:
        if name == "step":
            values[name] = saved.get("step", 0)
            continue
        if name not in saved:
            raise ExperimentError(f"optimizer_state.{name}: missing")
        values[name] = _state_part(f"optimizer_state.{name}", saved[name], (getattr(init, name), getattr(after, name)))
    _check_possible(values, float(opt.hyper.get("initial_accumulator_value", 0.0)))
    return cls(**values)


# running averages or sums of squares (or of magnitudes): no real run makes them negative
_NON_NEGATIVE = {"exp_avg_sq": "an average of squared gradients", "max_exp_avg_sq": "a maximum of squared gradients",
                 "square_avg": "an average of squares", "sum": "a sum of squared gradients",
                 "acc_delta": "an average of squared steps", "exp_inf": "a maximum of gradient sizes"}


def _check_possible(values: Mapping[str, Any], start_sum: float) -> None:
    """Refuse a state no training could have produced: a negative average of squares (the
    square root in the update would give NaN), an Adagrad sum below where it starts, or an
    AMSGrad maximum below the average."""
    for name, words in _NON_NEGATIVE.items():
        for key, a in (values.get(name) or {}).items():
            if a.size and a.min() < 0:
                i = int(np.argmin(a))
                raise ExperimentError(f"optimizer_state.{name}.{key}[{i}]: {a[i]:g} is negative, but it is {words}, "
                                      "which training never makes negative")
    for key, a in (values.get("sum") or {}).items():
        if a.size and a.min() < start_sum:
            i = int(np.argmin(a))
            raise ExperimentError(f"optimizer_state.sum.{key}[{i}]: {a[i]:g} is below initial_accumulator_value "
                                  f"({start_sum:g}), where the sum starts; it only grows")
    top, avg = values.get("max_exp_avg_sq"), values.get("exp_avg_sq")
    for key, a in (top or {}).items():
        below = a < avg[key]
        if below.any():
            i = int(np.argmax(below))
            raise ExperimentError(f"optimizer_state.max_exp_avg_sq.{key}[{i}]: {a[i]:g} is below exp_avg_sq ({avg[key][i]:g}); "
                                  "AMSGrad keeps the largest value seen, so it cannot be smaller")


def _state_part(where: str, value: Any, references: tuple[Any, Any]) -> Any:
    if value is None:
        if all(ref is not None for ref in references):
            raise ExperimentError(f"{where}: this optimizer needs it, got null")
        return None
    ref = next((r for r in references if r is not None), None)
    if ref is None:
        raise ExperimentError(f"{where}: this optimizer does not use it; expected null")
    if set(value) != set(ref):
        raise ExperimentError(f"{where}: expected the arrays {', '.join(sorted(ref))}")
    out = {}
    for key, array in value.items():
        a = np.array(array, dtype=np.float64)
        if a.shape != np.shape(ref[key]):
            raise ExperimentError(f"{where}.{key}: expected {np.size(ref[key])} numbers, got {a.size}")
        out[key] = _frozen(a)
    return out
