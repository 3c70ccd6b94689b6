"""The training loss of the student's own network over a plane through its current weights θ:
f(a, b) = L(θ + a·d₁ + b·d₂), with L the training objective (data loss plus any penalty) on the
whole training set.

* ``slice_plane``: d₁, d₂ are unit vectors along two chosen weights. Exact: nothing is projected.
* ``random_plane``: d₁, d₂ ~ N(0, I) shaped like the weights, each neuron's incoming weights (a
  column of W) rescaled to that column's norm in θ, biases 0 ("filter normalisation", Li et al.
  2018), so planes of different networks are comparable. A trajectory drawn on it is a
  projection, and random directions are nearly orthogonal to the path, so it can mislead.
* ``pca_plane``: the two principal directions of a trajectory's θ_t − θ (Li et al.'s choice for
  showing a path); the path's projection keeps as much of it as any plane can.

Every grid point is a network: the whole grid is evaluated in vectorised chunks.

H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein, "Visualizing the loss landscape of neural
nets", NeurIPS 2018.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..run import Run
from .stacked_network import StackedNetwork

Array = np.ndarray
CHUNK = 256  # networks per pass: bounds the memory of the stacked activations


@dataclass(frozen=True)
class LossPlane:
    """Losses (G, G) over offsets a (columns) and b (rows) along d₁, d₂ from ``center``; what
    kind of plane it is and whether a drawn path on it is exact; the path's coordinates."""

    kind: str  # "slice", "random (filter-normalised)" or "trajectory PCA"
    exact: bool
    label: str
    center: Array
    d1: Array
    d2: Array
    a: Array
    b: Array
    losses: Array
    path: Array | None = None  # (n, 2) coordinates of a trajectory on the plane

    def __post_init__(self) -> None:
        for value in vars(self).values():  # records leave the engine read-only
            if isinstance(value, np.ndarray):
                value.flags.writeable = False


def plane_losses(run: Run, center: Array, d1: Array, d2: Array, a: Array, b: Array) -> Array:
    """L(center + a_j·d₁ + b_i·d₂) for every grid point, as (len(b), len(a))."""
    aa, bb = np.meshgrid(a, b)
    thetas = center[None, :] + aa.reshape(-1, 1) * d1[None, :] + bb.reshape(-1, 1) * d2[None, :]
    stacked = StackedNetwork(run.network)
    s = run.setup
    out = np.empty(len(thetas))
    with np.errstate(all="ignore"):
        for i in range(0, len(thetas), CHUNK):
            part = thetas[i:i + CHUNK]
            loss, _ = stacked.data_losses(part, s.x, s.y)
            w = part * s.weight_mask
            if s.regularization == "l2" and s.reg_rate:
                loss = loss + 0.5 * s.reg_rate * np.einsum("kp,kp->k", w, w)
            elif s.regularization == "l1" and s.reg_rate:
                loss = loss + s.reg_rate * np.abs(w).sum(axis=1)
            out[i:i + CHUNK] = loss
    return out.reshape(len(b), len(a))


def _grid(span: float, size: int) -> Array:
    if not (span > 0 and size >= 2):
        raise ValueError(f"a plane needs a span > 0 and at least 2 points a side, not {span} and {size}")
    return np.linspace(-span, span, size)


def project(thetas: Array, center: Array, d1: Array, d2: Array) -> Array:
    """Coordinates ⟨θ_t − center, d_i⟩ / ‖d_i‖² of each θ_t (rows of ``thetas``)."""
    diff = np.asarray(thetas) - center[None, :]
    return np.column_stack([diff @ d1 / (d1 @ d1), diff @ d2 / (d2 @ d2)])


def slice_plane(run: Run, first: tuple[str, Sequence[int]], second: tuple[str, Sequence[int]],
                span: float = 2.0, size: int = 41) -> LossPlane:
    """The exact slice along two weights, e.g. ``("W1", (0, 1))`` and ``("b2", (0,))``."""
    i, j = run.network.layout.index(first[0], first[1]), run.network.layout.index(second[0], second[1])
    if i == j:
        raise ValueError("a slice needs two different weights")
    d1, d2 = np.zeros(run.theta.size), np.zeros(run.theta.size)
    d1[i], d2[j] = 1.0, 1.0
    grid = _grid(span, size)
    label = f"slice through {first[0]}{list(first[1])} and {second[0]}{list(second[1])}: exact"
    return LossPlane("slice", True, label, run.theta.copy(), d1, d2, grid, grid,
                     plane_losses(run, run.theta, d1, d2, grid, grid))


def filter_normalised(run: Run, rng: np.random.Generator) -> Array:
    """A random direction with each column of every W scaled to θ's column norm, biases 0."""
    d = np.zeros(run.theta.size)
    theta_layers = run.network.weights(run.theta)
    for (w, _), (dw, db) in zip(theta_layers, run.network.weights(d)):
        r = rng.standard_normal(w.shape)
        norms = np.linalg.norm(r, axis=0)
        dw[...] = r * (np.linalg.norm(w, axis=0) / np.where(norms > 0, norms, 1.0))
        db[...] = 0.0
    return d


def random_plane(run: Run, seed: int = 0, span: float = 1.0, size: int = 41,
                 trajectory: Array | None = None) -> LossPlane:
    """Two filter-normalised random directions; a trajectory (n, P) is projected onto them."""
    rng = np.random.default_rng([seed, 0x91A7E])
    d1, d2 = filter_normalised(run, rng), filter_normalised(run, rng)
    grid = _grid(span, size)
    path = None if trajectory is None else project(trajectory, run.theta, d1, d2)
    label = "random directions, filter-normalised: a projection (a path drawn here is not exact)"
    return LossPlane("random (filter-normalised)", False, label, run.theta.copy(), d1, d2, grid, grid,
                     plane_losses(run, run.theta, d1, d2, grid, grid), path)


def pca_plane(run: Run, trajectory: Array, size: int = 41, margin: float = 1.25) -> LossPlane:
    """The plane of a trajectory's two principal directions (around the run's current θ, which
    should be the path's end), spanning the path's projection with a margin."""
    diffs = np.asarray(trajectory, dtype=float) - run.theta[None, :]
    if len(diffs) < 3:
        raise ValueError("a trajectory plane needs at least 3 points of the path")
    _, sv, vt = np.linalg.svd(diffs, full_matrices=False)
    d1, d2 = vt[0], vt[1]
    path = project(trajectory, run.theta, d1, d2)
    span = margin * max(float(np.abs(path).max()), 1e-6)
    grid = _grid(span, size)
    share = float((sv[:2] ** 2).sum() / max((sv**2).sum(), 1e-300))
    label = f"principal directions of the path: a projection keeping {share:.0%} of its spread"
    return LossPlane("trajectory PCA", False, label, run.theta.copy(), d1, d2, grid, grid,
                     plane_losses(run, run.theta, d1, d2, grid, grid), path)
