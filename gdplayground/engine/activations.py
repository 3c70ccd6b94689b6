"""Activation functions, each with its derivative.

A derivative takes both the pre-activation ``z`` and the activation ``a = f(z)``: most are cheapest
written in terms of ``a`` (tanh' = 1 - a^2), which backprop already has.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

LEAKY_SLOPE = 0.01


class Activation(NamedTuple):
    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written through tanh so it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _swish_derivative(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    s = sigmoid(z)
    return s + a * (1.0 - s)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a),
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
        Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a)),
        Activation("linear", lambda z: z, lambda z, a: np.ones_like(z)),
        Activation(
            "leaky_relu",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
        ),
        Activation(
            "elu",
            lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
            lambda z, a: np.where(z > 0, 1.0, a + 1.0),
        ),
        Activation("swish", lambda z: z * sigmoid(z), _swish_derivative),
        Activation("softplus", lambda z: np.logaddexp(0.0, z), lambda z, a: sigmoid(z)),
    )
}
NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def get(name: str) -> Activation:
    """The activation called ``name``; ValueError naming the choices otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(NAMES)}") from None
