"""Conjugate gradient (exact on quadratics: n steps for n dimensions) and the evolution strategy."""
import numpy as np
import pytest

from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab.evolution import centred_ranks, evolution_strategy
from gdplayground.engine.lab.network_methods import network_cg, network_es
from gdplayground.engine.lab.surface_methods import cg_path, es_path
from gdplayground.engine.lab.surfaces import get
from gdplayground.engine.run import Run


@pytest.mark.parametrize("surface", ["bowl", "ravine"])
@pytest.mark.parametrize("start", [(-4.0, 2.0), (3.0, 0.1), (0.5, -2.5)])
def test_cg_with_exact_line_search_reaches_a_quadratic_minimum_in_two_steps(surface, start):
    path = cg_path(get(surface), 2, start)
    assert np.abs(path.points[-1, 0]).max() < 1e-12
    assert np.abs(path.points[1, 0]).max() > 0.1  # one step is not enough
    first = path.steps[0]
    # exact step by hand: α = −gᵀd / dᵀAd with d = −g
    g = get(surface).gradient(np.array(start))
    alpha = (g @ g) / (g @ get(surface).hessian @ g)
    assert first.alpha == pytest.approx(alpha, rel=1e-14)
    assert [s.loss_evaluations for s in path.steps] == [1, 1] and [s.gradient_evaluations for s in path.steps] == [1, 1]


def test_cg_on_rosenbrock_uses_a_line_search_and_goes_downhill():
    path = cg_path(get("rosenbrock"), 200, (-1.5, 2.0), lr=1.0)
    values = [s.value for s in path.steps] + [path.steps[-1].value_after]
    assert all(b <= a for a, b in zip(values, values[1:]))
    assert np.abs(path.points[-1, 0] - [1.0, 1.0]).max() < 1e-3
    assert all(s.loss_evaluations >= 1 for s in path.steps) and any(s.loss_evaluations > 1 for s in path.steps)
    assert any(s.restarted for s in path.steps[1:])


def test_es_is_seeded_gradient_free_and_makes_progress():
    s = get("bowl")
    a = es_path(s, 60, (-4.0, 2.0), lr=0.5, hyper={"sigma": 0.3, "population": 10, "seed": 4})
    b = es_path(s, 60, (-4.0, 2.0), lr=0.5, hyper={"sigma": 0.3, "population": 10, "seed": 4})
    c = es_path(s, 60, (-4.0, 2.0), lr=0.5, hyper={"sigma": 0.3, "population": 10, "seed": 5})
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points)
    assert float(s.value(a.points[-1, 0])) < 0.05 * float(s.value(np.array([-4.0, 2.0])))
    step = a.steps[0]
    assert step.loss_evaluations == 11 and step.gradient_evaluations == 0
    # the update by hand: −α/(nσ) Σ rank_i ε_i, ε recovered from the samples
    eps = (step.samples - step.point) / 0.3
    np.testing.assert_allclose(step.delta, -(0.5 / (10 * 0.3)) * centred_ranks(step.sample_values) @ eps, atol=1e-14)
    np.testing.assert_allclose(eps[:5], -eps[5:], atol=1e-12)  # antithetic pairs


def test_es_refuses_bad_settings():
    with pytest.raises(ValueError, match="even"):
        evolution_strategy(lambda p: p.sum(axis=1), np.zeros(2), 1, lr=0.1, population=5)
    with pytest.raises(ValueError, match="unknown setting"):
        es_path(get("bowl"), 1, (1.0, 1.0), 0.1, {"size": 3})


def test_full_batch_cg_and_es_on_a_network():
    run = Run(RunConfig(dataset="xor", hidden=(4,), features=("x1", "x2", "x1x2")))
    start = run.evaluate()["train_loss"]
    theta = run.theta.copy()
    steps = network_cg(run, 25)
    assert np.array_equal(run.theta, theta)  # works on copies
    assert steps[-1].value_after < 0.5 * start
    loss, grad = run.loss_and_grad(steps[3].point, np.arange(len(run.data.y_train)))
    assert steps[3].value == pytest.approx(loss, abs=1e-14)
    np.testing.assert_allclose(steps[3].grad, grad, atol=1e-15)
    es = network_es(run, 30, lr=0.05, sigma=0.05, population=20)
    assert es[-1].value < start and es[0].loss_evaluations == 21
