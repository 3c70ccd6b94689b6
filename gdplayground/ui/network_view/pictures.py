"""Each neuron's output over the input plane, in the form ``NetworkView.set_neuron_images``
takes. Pure NumPy over a Network and a parameter vector: it reads, never changes, a run."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...engine import features
from ...engine.network import Network

EXTENT = 6.0


def plane(n: int) -> np.ndarray:
    """n×n points over [-6, 6]², x1 fastest, row 0 at x2 = -6: the layout of a picture."""
    axis = np.linspace(-EXTENT, EXTENT, n)
    x1, x2 = np.meshgrid(axis, axis)
    return np.column_stack([x1.ravel(), x2.ravel()])


def neuron_images(network: Network, theta: np.ndarray, feature_names: Sequence[str], n: int = 24) -> list[list[np.ndarray]]:
    """One list per layer (inputs, hidden layers, outputs) of n×n arrays in about [-1, 1].

    Inputs are scaled by their largest magnitude (x1 runs to ±6); hidden outputs are shown as
    they are, clipped at ±1 as TensorFlow Playground does; outputs are put on the same scale:
    a probability p as 2p - 1, so the decision boundary (p = 0.5) is the neutral colour.
    """
    x = features.transform(plane(n), feature_names)
    zs, acts = network.forward(theta, x)
    inputs = x / np.maximum(np.abs(x).max(axis=0), 1e-12)
    out = network.head.predict(zs[-1])
    if network.head.output in ("sigmoid", "softmax"):
        out = 2.0 * out - 1.0
    layers = [inputs, *acts[1:], out]
    return [[np.clip(a[:, j], -1.0, 1.0).reshape(n, n) for j in range(a.shape[1])] for a in layers]
