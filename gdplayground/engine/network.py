"""A small fully connected network: parameter layout, initialisation, forward and backward.

All weights and biases live in one flat float64 vector ``theta``; ``W1``, ``b1``, ... are views
into it. With networks this small NumPy's cost is the number of calls, so a flat vector lets an
optimizer update the whole network in a few vector operations and makes a snapshot one array.
``W_l`` has shape (fan_in, fan_out): row i, column j is the connection from neuron i of layer
l-1 to neuron j of layer l. Backprop is written out by hand.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import activations
from .lab.allocator import keep_freed_memory
from .losses import OutputLoss

keep_freed_memory()  # glibc: large steps reuse freed blocks instead of page-faulting (see the module)

INITS: tuple[str, ...] = ("playground", "xavier", "he", "zeros")


@dataclass(frozen=True)
class Layout:
    """Where each named parameter sits in the flat vector."""

    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    offsets: tuple[int, ...]
    size: int

    @classmethod
    def for_sizes(cls, sizes: Sequence[int]) -> "Layout":
        names, shapes, offsets, off = [], [], [], 0
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            for name, shape in ((f"W{layer}", (fan_in, fan_out)), (f"b{layer}", (fan_out,))):
                names.append(name)
                shapes.append(shape)
                offsets.append(off)
                off += int(np.prod(shape))
        return cls(tuple(names), tuple(shapes), tuple(offsets), off)

    def view(self, flat: np.ndarray, name: str) -> np.ndarray:
        i = self.names.index(name)
        return self._view(flat, i)

    def _view(self, flat: np.ndarray, i: int) -> np.ndarray:
        shape = self.shapes[i]
        size = shape[0] * (shape[1] if len(shape) == 2 else 1)
        return flat[self.offsets[i] : self.offsets[i] + size].reshape(shape)

    def unflatten(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Named views into ``flat`` (no copy; read-only if ``flat`` is)."""
        return {name: self._view(flat, i) for i, name in enumerate(self.names)}

    def flatten(self, params: dict[str, np.ndarray]) -> np.ndarray:
        """One new flat vector from named arrays; ValueError if a name or shape is off."""
        flat = np.empty(self.size)
        for i, name in enumerate(self.names):
            if name not in params:
                raise ValueError(f"missing parameter {name}")
            value = np.asarray(params[name], dtype=float)
            if value.shape != self.shapes[i]:
                raise ValueError(f"{name} must have shape {self.shapes[i]}, not {value.shape}")
            self._view(flat, i)[...] = value
        return flat

    def weight_mask(self) -> np.ndarray:
        """1.0 where the flat vector holds a weight, 0.0 for a bias (regularization skips biases)."""
        mask = np.zeros(self.size)
        for i, name in enumerate(self.names):
            if name.startswith("W"):
                self._view(mask, i)[...] = 1.0
        return mask

    def locate(self, index: int) -> tuple[str, tuple[int, ...]]:
        """The parameter name and position of flat element ``index``."""
        for i in reversed(range(len(self.names))):
            if index >= self.offsets[i]:
                return self.names[i], tuple(int(k) for k in np.unravel_index(index - self.offsets[i], self.shapes[i]))
        raise IndexError(index)

    def index(self, name: str, position: Sequence[int]) -> int:
        """The flat index of ``name[position]``."""
        i = self.names.index(name)
        return self.offsets[i] + int(np.ravel_multi_index(tuple(position), self.shapes[i]))


@dataclass(frozen=True)
class Network:
    """The shape of a network: layer sizes, hidden activations and the output with its loss."""

    sizes: tuple[int, ...]  # inputs, hidden..., outputs
    hidden: tuple[activations.Activation, ...]
    head: OutputLoss
    layout: Layout

    @classmethod
    def build(cls, n_inputs: int, hidden: Sequence[int], acts: Sequence[str], head: OutputLoss, n_out: int) -> "Network":
        if len(acts) != len(hidden):
            raise ValueError("give one activation per hidden layer")
        for n in hidden:
            if int(n) < 1:
                raise ValueError(f"a hidden layer needs at least 1 neuron, not {n}")
        sizes = (int(n_inputs), *(int(n) for n in hidden), int(n_out))
        return cls(sizes, tuple(activations.get(a) for a in acts), head, Layout.for_sizes(sizes))

    def init(self, scheme: str, rng: np.random.Generator) -> np.ndarray:
        """A fresh flat parameter vector.

        playground: W ~ U(-0.5, 0.5), b = 0.1 (TensorFlow Playground's); xavier: Glorot uniform,
        W ~ U(-a, a) with a = sqrt(6/(fan_in+fan_out)), b = 0; he: W ~ N(0, 2/fan_in), b = 0;
        zeros: everything 0 (a lesson in symmetry: hidden neurons never differ).
        """
        if scheme not in INITS:
            raise ValueError(f"unknown init {scheme!r}; choose one of {', '.join(INITS)}")
        flat = np.zeros(self.layout.size)
        for i, name in enumerate(self.layout.names):
            view = self.layout._view(flat, i)
            if name.startswith("b"):
                view[...] = 0.1 if scheme == "playground" else 0.0
                continue
            fan_in, fan_out = view.shape
            if scheme == "playground":
                view[...] = rng.uniform(-0.5, 0.5, view.shape)
            elif scheme == "xavier":
                a = np.sqrt(6.0 / (fan_in + fan_out))
                view[...] = rng.uniform(-a, a, view.shape)
            elif scheme == "he":
                view[...] = rng.normal(0.0, np.sqrt(2.0 / fan_in), view.shape)
        return flat

    @property
    def _spans(self) -> tuple[tuple[int, int, int, int, int], ...]:
        """(weights start, weights end = bias start, bias end, fan_in, fan_out) per layer."""
        spans = self.__dict__.get("_spans_cache")
        if spans is None:
            offs, shapes = self.layout.offsets, self.layout.shapes
            spans = tuple(
                (offs[2 * i], offs[2 * i + 1], offs[2 * i + 1] + shapes[2 * i][1], *shapes[2 * i])
                for i in range(len(offs) // 2)
            )
            object.__setattr__(self, "_spans_cache", spans)
        return spans

    def weights(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer, as views into ``theta``."""
        return [(theta[w0:w1].reshape(fi, fo), theta[w1:b1]) for w0, w1, b1, fi, fo in self._spans]

    def _workspace(self) -> "_Workspace":
        """Buffers whose layer views are made once, so a training step does not rebuild a dozen
        views (NumPy's per-call cost dominates at this size). One per thread: the window draws
        with the same network while the worker trains."""
        local = self.__dict__.get("_local")
        if local is None:
            local = threading.local()
            object.__setattr__(self, "_local", local)
        ws = getattr(local, "ws", None)
        if ws is None:
            ws = local.ws = _Workspace(self)
        return ws

    def forward(self, theta: np.ndarray, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``zs`` and activations ``acts`` (acts[0] is the input) of every layer.
        The last z is the output layer's pre-activation; the loss applies the output function."""
        return self._forward(self.weights(theta), x)

    def _forward(self, layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        acts, zs = [x], []
        a = x
        # ndarray.dot: the same BLAS product as @ with less per-call overhead (measured)
        for (w, b), act in zip(layers, self.hidden):
            z = a.dot(w)
            z += b
            zs.append(z)
            a = act.forward(z)
            acts.append(a)
        w, b = layers[-1]
        z = a.dot(w)
        z += b
        zs.append(z)
        return zs, acts

    def output(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The network's output (after the output function) for feature rows ``x``."""
        zs, _ = self.forward(theta, x)
        return self.head.predict(zs[-1])

    def backward(self, theta: np.ndarray, zs: list[np.ndarray], acts: list[np.ndarray], dz: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """Gradient of the loss with respect to ``theta``, given dL/dz at the output.

        For layer l: dL/dW_l = a_{l-1}^T δ_l, dL/db_l = Σ_rows δ_l, and
        δ_{l-1} = (δ_l W_l^T) ⊙ f'(z_{l-1}). Also returns every δ (dL/dz per layer), which the
        step explainer shows flowing back.
        """
        grad = np.empty_like(theta)
        deltas = self._backward(self.weights(theta), self.weights(grad), zs, acts, dz)
        return grad, deltas

    def _backward(self, layers, grads, zs, acts, dz) -> list[np.ndarray]:
        deltas = [dz]
        dot = np.dot
        ones = _ones(len(dz))
        for layer in range(len(layers) - 1, -1, -1):
            gw, gb = grads[layer]
            dot(acts[layer].T, dz, out=gw)
            dot(ones, dz, out=gb)  # the column sums: a BLAS call, 5x faster than add.reduce here
            if layer:
                wt = layers[layer][0].T
                # BLAS takes a transposed operand slowly at these sizes; a copy pays off on long batches
                dz = dz.dot(wt if len(dz) < 32 else wt.copy())
                dz *= self.hidden[layer - 1].derivative(zs[layer - 1], acts[layer])
                deltas.append(dz)
        deltas.reverse()
        return deltas

    def loss_and_grad(self, theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Data loss on rows x, y and its gradient (a new array): the training step's hot path,
        the same arithmetic as forward + head + backward, run in this thread's workspace."""
        ws = self._workspace()
        np.copyto(ws.theta, theta)
        zs, acts = self._forward(ws.layers, x)
        loss, dz, _ = self.head.value_and_grad(zs[-1], y)
        self._backward(ws.layers, ws.grads, zs, acts, dz)
        return loss, ws.grad.copy()


def column_sums(d: np.ndarray) -> np.ndarray:
    """Σ over rows, summed exactly as backprop sums a bias gradient (explanations match it bit for bit)."""
    return _ones(len(d)).dot(d)


_ONES: dict[int, np.ndarray] = {}


def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones, kept per length (batch sizes repeat)."""
    ones = _ONES.get(n)
    if ones is None:
        ones = np.ones(n)
        ones.flags.writeable = False
        if len(_ONES) < 64:
            _ONES[n] = ones
    return ones


class _Workspace:
    def __init__(self, net: Network) -> None:
        self.theta = np.empty(net.layout.size)
        self.grad = np.empty(net.layout.size)
        self.layers = net.weights(self.theta)
        self.grads = net.weights(self.grad)
