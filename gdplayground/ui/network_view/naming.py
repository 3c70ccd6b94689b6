"""Plain-language names for parameters and neurons, numbered for people (neuron 1 is the first)
while positions stay the engine's 0-based indices."""
from __future__ import annotations

import math

from ...engine import features
from .geometry import Structure

LAST_FEATURE = "At least one input feature must stay on: turn another one on first."

ACTIVATION_LABELS: dict[str, str] = {
    "tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "linear": "Linear",
    "leaky_relu": "Leaky ReLU", "elu": "ELU", "swish": "Swish", "softplus": "Softplus",
}


ACTIVATION_SHORT: dict[str, str] = {
    "tanh": "tanh", "relu": "ReLU", "sigmoid": "sigm", "linear": "lin",
    "leaky_relu": "leaky", "elu": "ELU", "swish": "swish", "softplus": "soft+",
}


def number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}" if value and not 1e-4 <= abs(value) < 1e5 else f"{value:.4f}"


def feature_label(name: str) -> str:
    return features.LABELS.get(name, name)


def neuron(s: Structure, layer: int, index: int) -> str:
    """'input x₁', 'neuron 2 of layer 1', 'the output (layer 3)' or 'output 2 of 3 (layer 3)'."""
    if layer == 0:
        return f"input {feature_label(s.active[index])}"
    if layer == s.output_layer:
        if s.n_out == 1:
            return f"the output (layer {layer})"
        return f"output {index + 1} of {s.n_out} (layer {layer})"
    return f"neuron {index + 1} of layer {layer}"


def param(s: Structure, name: str, position: tuple[int, ...], value: float | None) -> str:
    """E.g. 'W2[1, 0] = 0.4213 (from neuron 2 of layer 1 to neuron 1 of layer 2)'."""
    layer = int(name[1:])
    head = f"{name}[{', '.join(str(p) for p in position)}]"
    if value is not None:
        head += f" = {number(value)}"
    if name.startswith("W"):
        i, j = position
        return f"{head} (from {neuron(s, layer - 1, i)} to {neuron(s, layer, j)})"
    return f"{head} (bias of {neuron(s, layer, position[0])})"


def layers(n: int) -> str:
    return f"{n} hidden layer" + ("" if n == 1 else "s")


def neurons(n: int) -> str:
    return f"{n} neuron" + ("" if n == 1 else "s")


def describe(s: Structure, target: tuple, value: float | None) -> str:
    """Tooltip text for ("feature", name), ("node", layer, index) or ("param", name, position)."""
    if target[0] == "feature":
        label, on = feature_label(target[1]), target[1] in s.active
        if on and len(s.active) == 1:
            return f"{label} is on. {LAST_FEATURE}"
        return f"{label} is {'on' if on else 'off'}: click to turn it {'off' if on else 'on'}."
    if target[0] == "node":
        layer, i = target[1], target[2]
        act = s.activations[layer - 1] if layer <= len(s.hidden) else None
        kind = f" ({ACTIVATION_LABELS.get(act, act)})" if act else ""
        text = neuron(s, layer, i)
        return f"{text[0].upper()}{text[1:]}{kind}: its output over the input plane."
    return param(s, target[1], target[2], value) + "\nClick to type a new value."
