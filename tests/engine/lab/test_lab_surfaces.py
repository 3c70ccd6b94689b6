"""2-D surfaces: formulas at known points, analytic gradients against finite differences, and
every optimizer's path against hand-written scalar arithmetic (plain floats, one coordinate at
a time, written from the textbook rules, not from the engine)."""
import math

import numpy as np
import pytest

from gdplayground.engine import optimizers
from gdplayground.engine.lab.surface_paths import optimizer_path
from gdplayground.engine.lab.surfaces import NAMES, contour_grid, contour_levels, get

POINTS = [(-1.3, 0.7), (0.4, -1.1), (2.2, 1.9), (-0.6, -2.4)]


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_zero_and_stationary(name):
    s = get(name)
    for m in s.minima:
        assert abs(float(s.value(np.array(m)))) < 1e-9
        assert np.abs(s.gradient(np.array(m))).max() < 1e-4


def test_formulas_at_a_point():
    x, y = 0.5, -1.5
    assert float(get("bowl").value(np.array([x, y]))) == pytest.approx(0.5 * (x * x + 10 * y * y))
    assert float(get("rosenbrock").value(np.array([x, y]))) == pytest.approx((1 - x) ** 2 + 100 * (y - x * x) ** 2)
    assert float(get("saddle").value(np.array([x, y]))) == pytest.approx(x * x - y * y)
    u, v = (x + y) / math.sqrt(2), (x - y) / math.sqrt(2)
    assert float(get("ravine").value(np.array([x, y]))) == pytest.approx(0.5 * (0.1 * u * u + 10 * v * v))


@pytest.mark.parametrize("name", NAMES)
def test_gradients_match_central_differences(name):
    s = get(name)
    h = 1e-6
    for p in POINTS:
        p = np.array(p)
        numeric = [(float(s.value(p + h * e)) - float(s.value(p - h * e))) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(s.gradient(p), numeric, rtol=1e-6, atol=1e-5)
    if s.hessian is not None:  # a quadratic: f = ½pᵀAp exactly
        for p in POINTS:
            p = np.array(p)
            assert float(s.value(p)) == pytest.approx(0.5 * p @ s.hessian @ p)


def test_many_points_at_once_and_contours():
    s = get("himmelblau")
    pts = np.array(POINTS)
    assert s.value(pts).shape == (4,) and s.gradient(pts).shape == (4, 2)
    xs, ys, f = contour_grid(s, 50)
    assert f.shape == (50, 50) and f[3, 7] == pytest.approx(float(s.value(np.array([xs[7], ys[3]]))))
    levels = contour_levels(s, f)
    assert np.all(np.diff(levels) > 0) and levels[1] - levels[0] < levels[-1] - levels[-2]


# ---- the rules by hand, one float at a time ------------------------------------------------

def _hand(name, g, s, t, lr):
    """One coordinate's update by ``name`` with its default hyperparameters; s is its state dict."""
    if name == "gd":
        return -lr * g
    if name in ("momentum", "nesterov"):
        s["b"] = g if t == 1 else 0.9 * s["b"] + g
        return -lr * (g + 0.9 * s["b"] if name == "nesterov" else s["b"])
    if name == "rmsprop":
        s["v"] = 0.99 * s.get("v", 0.0) + 0.01 * g * g
        return -lr * g / (math.sqrt(s["v"]) + 1e-8)
    if name == "adam":
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0.0) + 0.001 * g * g
        m_hat, v_hat = s["m"] / (1 - 0.9**t), s["v"] / (1 - 0.999**t)
        return -lr * m_hat / (math.sqrt(v_hat) + 1e-8)
    if name == "adamax":
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["u"] = max(0.999 * s.get("u", 0.0), abs(g) + 1e-8)
        return -lr / (1 - 0.9**t) * s["m"] / s["u"]
    if name == "adagrad":
        s["sum"] = s.get("sum", 0.0) + g * g
        return -lr * g / (math.sqrt(s["sum"]) + 1e-10)
    if name == "adadelta":
        s["v"] = 0.9 * s.get("v", 0.0) + 0.1 * g * g
        d = math.sqrt(s.get("u", 0.0) + 1e-6) / math.sqrt(s["v"] + 1e-6) * g
        s["u"] = 0.9 * s.get("u", 0.0) + 0.1 * d * d
        return -lr * d
    raise AssertionError(name)


def _hand_path(surface, name, lr, steps, start):
    p = list(start)
    states = [{}, {}]
    path = [tuple(p)]
    for t in range(1, steps + 1):
        g = surface.gradient(np.array(p))
        p = [p[i] + _hand(name, float(g[i]), states[i], t, lr) for i in range(2)]
        path.append(tuple(p))
    return np.array(path)


def test_every_optimizer_has_a_hand_rule():
    assert set(optimizers.NAMES) == {"gd", "momentum", "nesterov", "rmsprop", "adam", "adamax", "adagrad", "adadelta"}


@pytest.mark.parametrize("surface", NAMES)
@pytest.mark.parametrize("name", optimizers.NAMES)
def test_paths_equal_hand_arithmetic(surface, name):
    s = get(surface)
    lr = 0.5 if name == "adadelta" else 1e-3 if surface in ("rosenbrock", "beale") and name in ("gd", "momentum", "nesterov") else 0.01
    path = optimizer_path(s, name, lr, 6, s.start)
    assert path.points.shape == (7, 1, 2)
    np.testing.assert_allclose(path.points[:, 0], _hand_path(s, name, lr, 6, s.start), rtol=1e-12, atol=1e-13)
    for rec in path.steps:  # what an inspector shows: gradient, rate, state, effective step
        np.testing.assert_array_equal(rec.point_after, rec.point + rec.delta)
        np.testing.assert_array_equal(rec.grad, s.gradient(rec.point))
        assert rec.state.step == rec.step and rec.lr[0] == lr


def test_many_balls_with_their_own_rates_equal_balls_alone():
    s = get("ravine")
    starts, lrs = np.array([[-4.0, -3.0], [2.0, 1.0], [3.0, -1.0]]), np.array([0.01, 0.1, 0.18])
    together = optimizer_path(s, "adam", lrs, 20, starts, {"betas": (0.8, 0.99)})
    for k in range(3):
        alone = optimizer_path(s, "adam", lrs[k], 20, starts[k], {"betas": (0.8, 0.99)})
        np.testing.assert_array_equal(together.points[:, k], alone.points[:, 0])


def test_the_saddle_escapes_along_minus_y_and_bad_input_is_refused():
    path = optimizer_path(get("saddle"), "gd", 0.1, 30, (-2.0, 1e-3))
    assert abs(path.points[-1, 0, 0]) < 0.01 and path.points[-1, 0, 1] > 0.1
    with pytest.raises(ValueError, match="unknown surface"):
        get("volcano")
    with pytest.raises(ValueError, match="learning rate"):
        optimizer_path(get("bowl"), "gd", -1.0, 3, (1.0, 1.0))
    with pytest.raises(ValueError, match="momentum"):
        optimizer_path(get("bowl"), "momentum", 0.1, 3, (1.0, 1.0), {"momentum": -1})
