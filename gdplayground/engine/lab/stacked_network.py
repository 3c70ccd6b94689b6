"""Forward and backward passes of K networks of one shape at once.

Parameters are a (K, P) array, one row per run laid out as ``Network.layout`` lays out one flat
vector, so row k is exactly run k's ``theta``. Layers are (K, fan_in, fan_out) views into it and
``np.matmul`` broadcasts over the leading run axis; with small networks the cost is the number of
NumPy calls, which no longer grows with K. The arithmetic is the single run's, in the same order.
"""
from __future__ import annotations

import numpy as np

from ..network import Network, _ones
from .stacked_losses import STACKED

Array = np.ndarray


class StackedNetwork:
    """K copies of ``network`` (the shape, not the weights)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.spans = network._spans
        self.head = STACKED[network.head.name]

    def layers(self, thetas: Array) -> list[tuple[Array, Array]]:
        """(W (K, fan_in, fan_out), b (K, 1, fan_out)) per layer, views into ``thetas``."""
        k = len(thetas)
        return [(thetas[:, w0:w1].reshape(k, fi, fo), thetas[:, w1:b1].reshape(k, 1, fo)) for w0, w1, b1, fi, fo in self.spans]

    def forward(self, thetas: Array, x: Array) -> tuple[list[Array], list[Array]]:
        """zs and acts as in ``Network.forward``, each with a leading run axis (x is shared)."""
        acts, zs = [x], []
        a = x
        layers = self.layers(thetas)
        for (w, b), act in zip(layers, self.network.hidden):
            z = np.matmul(a, w)
            z += b
            zs.append(z)
            a = act.forward(z)
            acts.append(a)
        w, b = layers[-1]
        z = np.matmul(a, w)
        z += b
        zs.append(z)
        return zs, acts

    def outputs(self, thetas: Array, x: Array) -> Array:
        """Network outputs (K, n, units) after the output function."""
        zs, _ = self.forward(thetas, x)
        return self.network.head.predict(zs[-1]) if self.network.head.name != "softmax_cross_entropy" else self._softmax(zs[-1])

    @staticmethod
    def _softmax(z: Array) -> Array:
        e = np.exp(z - z.max(axis=2, keepdims=True))
        return e / e.sum(axis=2, keepdims=True)

    def data_losses(self, thetas: Array, x: Array, y: Array) -> tuple[Array, Array]:
        """Mean data loss per run (K,) and the outputs (K, n, units)."""
        zs, _ = self.forward(thetas, x)
        loss, _, out = self.head(zs[-1], y)
        return loss, out

    def loss_and_grad(self, thetas: Array, x: Array, y: Array) -> tuple[Array, Array]:
        """Data loss per run (K,) and its gradient (K, P): backprop as ``Network._backward``."""
        zs, acts = self.forward(thetas, x)
        loss, dz, _ = self.head(zs[-1], y)
        grads = np.empty_like(thetas)
        layers = self.layers(thetas)
        glayers = self.layers(grads)
        ones = _ones(len(y))
        for layer in range(len(layers) - 1, -1, -1):
            gw, gb = glayers[layer]
            a = acts[layer]
            np.matmul(a.swapaxes(-1, -2) if a.ndim == 3 else a.T, dz, out=gw)
            np.matmul(ones, dz, out=gb[:, 0, :])
            if layer:
                dz = np.matmul(dz, layers[layer][0].swapaxes(-1, -2))
                dz *= self.network.hidden[layer - 1].derivative(zs[layer - 1], acts[layer])
        return loss, grads
