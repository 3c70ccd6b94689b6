"""The names people read for a weight or bias, a neuron and an optimizer (counting from 1)."""
from __future__ import annotations

from typing import Sequence

from ..engine import features as feature_names

OPTIMIZER_TITLES = {
    "gd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov momentum",
    "rmsprop": "RMSprop", "adam": "Adam", "adamax": "Adamax", "adagrad": "Adagrad", "adadelta": "Adadelta",
}


def describe_param(name: str, position: Sequence[int], sizes: Sequence[int], features: Sequence[str]) -> str:
    """'W2[1, 0]: from neuron 2 of layer 1 to neuron 1 of layer 2' (people count from 1)."""
    layer = int(name[1:])
    head = f"{name}[{', '.join(str(int(p)) for p in position)}]"
    if name.startswith("W"):
        i, j = position
        return f"{head}: from {neuron_name(layer - 1, i, sizes, features)} to {neuron_name(layer, j, sizes, features)}"
    return f"{head}: bias of {neuron_name(layer, position[0], sizes, features)}"


def neuron_name(layer: int, index: int, sizes: Sequence[int], features: Sequence[str]) -> str:
    """'input x₁', 'neuron 2 of layer 1', 'the output' or 'output 3'."""
    if layer == 0:
        name = features[index] if index < len(features) else f"input {index + 1}"
        return f"input {feature_names.LABELS.get(name, name)}"
    if layer == len(sizes) - 1:
        return "the output" if sizes[-1] == 1 else f"output {index + 1}"
    return f"neuron {index + 1} of layer {layer}"
