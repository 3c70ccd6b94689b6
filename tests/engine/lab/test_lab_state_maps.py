"""Optimizer-state heatmap data (−Δθ = effective rate · quantity, for every optimizer) and the
schedule preview (the schedule's own rates, warm-up included)."""
import numpy as np
import pytest

from gdplayground.engine import optimizers, schedules
from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab.schedule_preview import schedule_preview
from gdplayground.engine.lab.state_maps import rate_of, state_maps
from gdplayground.engine.lab.surface_paths import optimizer_path
from gdplayground.engine.lab.surfaces import get
from gdplayground.engine.run import Run

VARIANTS = [(n, {}) for n in optimizers.NAMES] + [
    ("rmsprop", {"centered": True}), ("rmsprop", {"momentum": 0.5}), ("adam", {"amsgrad": True}),
    ("adagrad", {"lr_decay": 0.1}), ("gd", {"weight_decay": 0.1}), ("adam", {"weight_decay": 0.01})]


@pytest.mark.parametrize("name,hyper", VARIANTS)
def test_effective_rate_times_what_it_steps_along_is_the_update(name, hyper):
    config = RunConfig(hidden=(3, 2), optimizer=name, lr=optimizers.DEFAULT_LR[name], hyper=hyper)
    run = Run(config)
    for _ in range(4):
        rec = run.step()
    maps = state_maps(rec, config)
    assert set(maps) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for name_, m in maps.items():
        along = next(v for k, v in m.items() if k.startswith("steps along"))
        assert m["W"].shape == rec.params_before[name_].shape == m["effective lr"].shape
        np.testing.assert_allclose(m["effective lr"] * along, -m["delta"], rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(m["grad"], rec.grads[name_])


@pytest.mark.parametrize("name,hyper", VARIANTS)
def test_the_same_rate_explains_a_ball_on_a_surface(name, hyper):
    s = get("beale")
    path = optimizer_path(s, name, np.array([0.01, 0.002]), 5, np.array([[1.0, 1.5], [-2.0, 0.5]]), hyper)
    for step in path.steps:
        rate, along, _ = rate_of(name, hyper, step.grad, step.point, step.lr[:, None], step.state_before, step.state)
        np.testing.assert_allclose(rate * along, -step.delta, rtol=1e-12, atol=1e-15)


def test_state_arrays_are_named_for_students():
    config = RunConfig(optimizer="adam", lr=0.01)
    run = Run(config)
    rec = run.step()
    m = state_maps(rec, config)["W1"]
    assert {"m", "v", "effective lr"} <= set(m)
    np.testing.assert_array_equal(m["m"], rec.opt_state.exp_avg["theta"][: m["m"].size].reshape(m["m"].shape))


def test_schedule_preview_is_the_schedule_with_its_warmup():
    config = RunConfig(lr=0.1, schedule="cosine", schedule_settings={"t_max": 200, "lr_min": 0.01}, warmup_steps=20)
    p = schedule_preview(config, current=50)
    sched = schedules.create("cosine", 0.1, 20, t_max=200, lr_min=0.01)
    assert len(p.rates) == 200
    np.testing.assert_array_equal(p.rates, [sched(t) for t in range(200)])
    assert p.rates[0] == pytest.approx(0.1 / 20)  # the cosine's top, times the ramp's 1/20
    assert p.rates[19] == pytest.approx(0.01 + 0.09 * (1 + np.cos(np.pi * 19 / 200)) / 2)
    assert np.all(np.diff(p.rates[:20]) > 0) and np.all(np.diff(p.rates[20:]) < 0)
    assert p.current_rate == sched(50) and p.rates[-1] == pytest.approx(0.01, abs=1e-4)
    assert len(schedule_preview(RunConfig(schedule="exponential", schedule_settings={"gamma": 0.99})).rates) > 100
    with pytest.raises(ValueError):
        schedule_preview(config, current=-1)
