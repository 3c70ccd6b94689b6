"""Backprop against central finite differences for every activation × loss × regularization."""
import itertools

import numpy as np
import pytest

from gdplayground.engine import activations, losses
from gdplayground.engine.network import Layout, Network
from gdplayground.engine.training import Setup, objective

HEADS = {
    "tanh_squared": ("binary", 2),
    "sigmoid_cross_entropy": ("binary", 2),
    "softmax_cross_entropy": ("multiclass", 3),
    "linear_squared": ("regression", 0),
}


def _problem(head_name, act, reg, seed=0):
    kind, k = HEADS[head_name]
    rng = np.random.default_rng(seed)
    head = losses.OUTPUT_LOSSES[head_name]
    net = Network.build(3, (5, 4), (act, act), head, head.units(k))
    x = rng.uniform(-2, 2, (7, 3))
    if kind == "binary":
        y = rng.choice([-1.0, 1.0], 7)
    elif kind == "multiclass":
        y = rng.integers(0, 3, 7)
    else:
        y = rng.normal(size=7)
    theta = rng.normal(0, 0.7, net.layout.size)
    theta[np.abs(theta) < 1e-3] = 0.1  # keep L1's kink away from the probe points
    setup = Setup(net, x, y, None, None, 0, reg, 0.03, net.layout.weight_mask(), 0)
    return setup, theta, x, y


@pytest.mark.parametrize("head_name,act,reg", list(itertools.product(HEADS, activations.NAMES, ("none", "l1", "l2"))))
def test_gradient_matches_finite_differences(head_name, act, reg):
    setup, theta, x, y = _problem(head_name, act, reg)
    _, _, grad = objective(setup, theta, x, y)
    h = 1e-5
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        numeric[i] = (objective(setup, theta + e, x, y)[0] - objective(setup, theta - e, x, y)[0]) / (2 * h)
    # relative error of the whole gradient vector (per-component ratios of near-zero entries
    # measure only the difference quotient's rounding)
    rel = np.linalg.norm(grad - numeric) / (np.linalg.norm(grad) + np.linalg.norm(numeric))
    assert rel <= 1e-6, rel
    assert np.allclose(grad, numeric, rtol=1e-4, atol=1e-8)


def test_layout_views_and_locate():
    layout = Layout.for_sizes((2, 4, 2, 1))
    assert layout.names == ("W1", "b1", "W2", "b2", "W3", "b3")
    assert layout.size == 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1
    flat = np.arange(layout.size, dtype=float)
    params = layout.unflatten(flat)
    assert params["W2"].shape == (4, 2) and np.shares_memory(params["W2"], flat)
    i = layout.index("W2", (3, 1))
    assert layout.locate(i) == ("W2", (3, 1)) and flat[i] == params["W2"][3, 1]
    assert np.array_equal(layout.flatten(params), flat)
    mask = layout.weight_mask()
    assert mask[layout.index("b1", (0,))] == 0 and mask[layout.index("W3", (0, 0))] == 1


def test_activation_derivatives_match_differences():
    z = np.linspace(-3, 3, 61) + 0.013
    for act in activations.ACTIVATIONS.values():
        h = 1e-6
        numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
        assert np.allclose(act.derivative(z, act.forward(z)), numeric, atol=1e-6), act.name


def test_init_schemes():
    head = losses.OUTPUT_LOSSES["tanh_squared"]
    net = Network.build(2, (4, 2), ("tanh", "tanh"), head, 1)
    rng = np.random.default_rng(0)
    theta = net.init("playground", rng)
    p = net.layout.unflatten(theta)
    assert np.all(np.abs(p["W1"]) <= 0.5) and np.all(p["b1"] == 0.1)
    assert np.all(net.init("zeros", rng) == 0)
    with pytest.raises(ValueError, match="unknown init"):
        net.init("magic", rng)
