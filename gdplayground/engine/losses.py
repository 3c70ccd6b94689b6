"""Output layers and their losses, each returning the loss and its gradient at the output's
pre-activation ``z`` (the start of backprop).

Pairing each output with its loss lets the gradient be written in its simple, stable form
(softmax + cross-entropy gives p - y) instead of chaining two ill-conditioned derivatives.

Label conventions: binary labels are +1/-1 (TensorFlow Playground's), multiclass labels are
integers 0..k-1, regression targets are floats.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .activations import sigmoid


class OutputLoss(NamedTuple):
    name: str
    output: str  # the output activation, for display
    units: Callable[[int], int]  # output units for n classes
    value_and_grad: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray, np.ndarray]]
    predict: Callable[[np.ndarray], np.ndarray]  # z -> network output


def _tanh_squared(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """L = mean ½(tanh z - y)²; dL/dz = (out - y)(1 - out²)/n."""
    out = np.tanh(z)
    err = out - y[:, None]
    n = len(y)
    return 0.5 * float(np.vdot(err, err)) / n, err * (1.0 - out * out) / n, out


def _linear_squared(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """L = mean ½(z - y)²; dL/dz = (z - y)/n."""
    err = z - y[:, None]
    n = len(y)
    return 0.5 * float(np.vdot(err, err)) / n, err / n, z


def _sigmoid_bce(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """p = σ(z), t = (y+1)/2; L = mean[-t log p - (1-t) log(1-p)] = mean[softplus(z) - t z];
    dL/dz = (p - t)/n. Computed from z so that confident mistakes give a large, finite loss."""
    t = (y[:, None] + 1.0) * 0.5
    p = sigmoid(z)
    n = len(y)
    loss = float(np.sum(np.logaddexp(0.0, z) - t * z)) / n
    return loss, (p - t) / n, p


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_ce(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """p = softmax(z); L = mean[logsumexp(z) - z_y]; dL/dz = (p - onehot(y))/n."""
    n = len(y)
    shifted = z - z.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(n)
    loss = float(np.sum(logsum - shifted[rows, y])) / n
    p = np.exp(shifted - logsum[:, None])
    grad = p.copy()
    grad[rows, y] -= 1.0
    return loss, grad / n, p


OUTPUT_LOSSES: dict[str, OutputLoss] = {
    o.name: o
    for o in (
        OutputLoss("tanh_squared", "tanh", lambda k: 1, _tanh_squared, np.tanh),
        OutputLoss("sigmoid_cross_entropy", "sigmoid", lambda k: 1, _sigmoid_bce, sigmoid),
        OutputLoss("softmax_cross_entropy", "softmax", lambda k: k, _softmax_ce, _softmax),
        OutputLoss("linear_squared", "linear", lambda k: 1, _linear_squared, lambda z: z),
    )
}

#: What a user picks; the problem type decides the output layer.
LOSS_NAMES: tuple[str, ...] = ("auto", "squared", "cross_entropy")


def choose(loss: str, kind: str) -> OutputLoss:
    """The output layer and loss for a loss name and a problem kind (binary/multiclass/regression)."""
    if loss not in LOSS_NAMES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSS_NAMES)}")
    if kind == "multiclass":
        if loss == "squared":
            raise ValueError("3-class data needs the cross_entropy loss (softmax output)")
        return OUTPUT_LOSSES["softmax_cross_entropy"]
    if kind == "regression":
        if loss == "cross_entropy":
            raise ValueError("regression needs the squared loss; cross_entropy is for classes")
        return OUTPUT_LOSSES["linear_squared"]
    if kind != "binary":
        raise ValueError(f"unknown problem kind {kind!r}")
    return OUTPUT_LOSSES["sigmoid_cross_entropy" if loss == "cross_entropy" else "tanh_squared"]
