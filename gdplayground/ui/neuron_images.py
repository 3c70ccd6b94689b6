"""What each neuron computes over the input plane, as small pictures for the network view and one
large picture for the boundary plot when a neuron is hovered.

Layer 0 is the active input features (each scaled by its largest magnitude on the plane, so x1 and
x1² both span the colour scale), then each hidden layer's activations, then the output layer as
the network shows it (tanh as is, a sigmoid probability p as 2p - 1, a regression value divided by
the targets' largest magnitude, each class probability p as 2p - 1). Every picture is clipped to
[-1, 1] with non-finite values at 0, row 0 at x2 = -6 and column 0 at x1 = -6.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..engine import features
from ..engine.run import GRID_EXTENT, Run, grid_points

COARSE = 24  # pictures in the network view: small, and computed on every repaint


@lru_cache(maxsize=8)
def _grid_features(names: tuple[str, ...], n: int) -> np.ndarray:
    x = features.transform(grid_points(n, GRID_EXTENT), names)
    x.flags.writeable = False
    return x


def _layer_values(run: Run, n: int) -> list[np.ndarray]:
    """(n², units) per layer: inputs, hidden layers, output for display."""
    x = run.grid_features if n == 100 else _grid_features(tuple(run.config.features), n)
    with np.errstate(all="ignore"):
        zs, acts = run.network.forward(run.theta, x)
        scale = np.abs(x).max(axis=0)
        inputs = x / np.where(scale > 0, scale, 1.0)
        out = _display_output(run, zs[-1])
    return [inputs, *acts[1:], out]


def _display_output(run: Run, z: np.ndarray) -> np.ndarray:
    head = run.network.head
    out = head.predict(z)
    if head.output in ("sigmoid", "softmax"):
        return 2.0 * out - 1.0
    if head.output == "linear":
        targets = np.abs(run.data.y_train)
        limit = float(targets.max()) if len(targets) and targets.max() > 0 else 1.0
        return out / limit
    return out


def _pictures(values: np.ndarray, n: int) -> np.ndarray:
    """(units, n, n) pictures of one layer's (n², units) values, clipped, finite."""
    out = np.clip(np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0), -1.0, 1.0)
    return np.ascontiguousarray(out.T).reshape(-1, n, n)


def neuron_images(run: Run, n: int = COARSE) -> list[list[np.ndarray]]:
    """One list per layer (inputs, hidden..., output) of n×n pictures in [-1, 1]."""
    return [list(_pictures(values, n)) for values in _layer_values(run, n)]


def neuron_image(run: Run, layer: int, index: int, n: int = 100) -> np.ndarray | None:
    """One neuron's picture at full size; None if there is no such neuron."""
    layers = _layer_values(run, n)
    if not (0 <= layer < len(layers) and 0 <= index < layers[layer].shape[1]):
        return None
    return _pictures(layers[layer][:, index : index + 1], n)[0]
