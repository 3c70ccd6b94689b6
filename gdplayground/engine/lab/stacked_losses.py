"""The output losses of ``engine.losses`` for K networks at once: z is (K, B, units), the labels
(B,) are shared, and each run gets its own mean loss (K,) and dL/dz. Same formulas, term for
term, as the single-run versions (named by the same keys)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..activations import sigmoid

Array = np.ndarray


def _tanh_squared(z: Array, y: Array) -> tuple[Array, Array, Array]:
    out = np.tanh(z)
    err = out - y[None, :, None]
    n = len(y)
    return 0.5 * np.einsum("kbo,kbo->k", err, err) / n, err * (1.0 - out * out) / n, out


def _linear_squared(z: Array, y: Array) -> tuple[Array, Array, Array]:
    err = z - y[None, :, None]
    n = len(y)
    return 0.5 * np.einsum("kbo,kbo->k", err, err) / n, err / n, z


def _sigmoid_bce(z: Array, y: Array) -> tuple[Array, Array, Array]:
    t = (y[None, :, None] + 1.0) * 0.5
    p = sigmoid(z)
    n = len(y)
    loss = np.sum(np.logaddexp(0.0, z) - t * z, axis=(1, 2)) / n
    return loss, (p - t) / n, p


def _softmax_ce(z: Array, y: Array) -> tuple[Array, Array, Array]:
    n = len(y)
    shifted = z - z.max(axis=2, keepdims=True)
    logsum = np.log(np.exp(shifted).sum(axis=2))
    rows = np.arange(n)
    loss = np.sum(logsum - shifted[:, rows, y], axis=1) / n
    p = np.exp(shifted - logsum[..., None])
    grad = p.copy()
    grad[:, rows, y] -= 1.0
    return loss, grad / n, p


STACKED: dict[str, Callable[[Array, Array], tuple[Array, Array, Array]]] = {
    "tanh_squared": _tanh_squared,
    "sigmoid_cross_entropy": _sigmoid_bce,
    "softmax_cross_entropy": _softmax_ce,
    "linear_squared": _linear_squared,
}
