"""What the optimizer-state heatmaps show, per layer: W, ∂L/∂W, ΔW, every array of the optimizer's
state (velocity, m, v, ...) and the effective per-weight learning rate, shaped like the layer.

The effective rate is the factor the rule applied this update to the quantity it steps along
(``steps_along``): −Δw = rate · quantity, weight by weight. For Adam it multiplies m, for RMSprop
and Adagrad the gradient, for momentum the velocity; it is what makes adaptive methods adaptive.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import optimizers
from ..config import RunConfig
from ..training import StepRecord

Array = np.ndarray

# state record field -> the name students see
STATE_NAMES: dict[str, str] = {
    "momentum_buffer": "velocity", "square_avg": "v", "grad_avg": "mean gradient", "exp_avg": "m",
    "exp_avg_sq": "v", "max_exp_avg_sq": "v max", "exp_inf": "u", "sum": "sum of g²", "acc_delta": "u",
}


def effective_rate(record: StepRecord, optimizer: str, hyper: dict[str, Any]) -> tuple[Array, Array, str]:
    """(rate, quantity, quantity's name) with −Δθ = rate · quantity for this update, as flat arrays."""
    return rate_of(optimizer, hyper, record.grad, record.theta_before, record.lr,
                   record.before.opt_state, record.after.opt_state)


def rate_of(optimizer: str, hyper: dict[str, Any], grad: Array, theta: Array, lr: Any, before: Any,
            after: Any) -> tuple[Array, Array, str]:
    """The same for any parameter array (a network's flat θ, or the balls (K, 2) of a surface):
    the gradient and θ before the update, its rate (a number, or (K, 1) per ball), and the
    optimizer's state records before and after it (all under the key "theta")."""
    h = optimizers.create(optimizer, **hyper).hyper
    t = after.step
    g = grad + h["weight_decay"] * theta if h.get("weight_decay") else grad
    ones = np.ones_like(g)
    if optimizer in ("gd", "momentum", "nesterov"):
        if after.momentum_buffer is None:
            return lr * ones, g, "g"
        b = after.momentum_buffer["theta"]
        return lr * ones, (g + h["momentum"] * b if h["nesterov"] else b), "velocity"
    if optimizer == "rmsprop":
        v = after.square_avg["theta"]
        if after.grad_avg is not None:
            v = np.maximum(v - after.grad_avg["theta"] ** 2, 0.0)
        if after.momentum_buffer is not None:  # b = μb + g/(√v + ε): the step is lr·b
            return lr * ones, after.momentum_buffer["theta"], "velocity"
        return lr / (np.sqrt(v) + h["eps"]), g, "g"
    if optimizer == "adam":
        b1, b2 = h["betas"]
        v = after.max_exp_avg_sq["theta"] if after.max_exp_avg_sq is not None else after.exp_avg_sq["theta"]
        return (lr / (1 - b1**t)) / (np.sqrt(v) / math.sqrt(1 - b2**t) + h["eps"]), after.exp_avg["theta"], "m"
    if optimizer == "adamax":
        return (lr / (1 - h["betas"][0] ** t)) / after.exp_inf["theta"], after.exp_avg["theta"], "m"
    if optimizer == "adagrad":
        clr = lr / (1 + (t - 1) * h["lr_decay"])
        return clr / (np.sqrt(after.sum["theta"]) + h["eps"]), g, "g"
    if optimizer == "adadelta":
        u_prev, v = before.acc_delta["theta"], after.square_avg["theta"]
        return lr * np.sqrt(u_prev + h["eps"]) / np.sqrt(v + h["eps"]), g, "g"
    raise ValueError(f"unknown optimizer {optimizer!r}")


def state_maps(record: StepRecord, config: RunConfig) -> dict[str, dict[str, Array]]:
    """Per parameter (W1, b1, ...): {"W", "grad", "delta", each state array by its student name,
    "effective lr", "steps along"} shaped like that parameter."""
    layout = record.layout
    rate, along, along_name = effective_rate(record, config.optimizer, config.hyper_dict)
    flat: dict[str, Array] = {"W": record.theta_before, "grad": record.grad, "delta": record.delta}
    state = record.after.opt_state
    for field, value in vars(state).items() if hasattr(state, "__dict__") else ():
        if isinstance(value, dict):
            flat[STATE_NAMES.get(field, field)] = value["theta"]
    flat["effective lr"] = rate
    flat[f"steps along ({along_name})"] = along
    return {name: {key: layout.unflatten(arr)[name] for key, arr in flat.items()} for name in layout.names}
