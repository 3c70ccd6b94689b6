"""Runs trained together in one vectorised pass equal the same runs made alone with Run."""
import numpy as np
import pytest

from gdplayground.engine import optimizers
from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab.many_runs import ManyRuns
from gdplayground.engine.lab.stacked_network import StackedNetwork
from gdplayground.engine.run import Run

STEPS = 120


def _alone(config: RunConfig, steps: int) -> tuple[Run, list[float]]:
    run = Run(config)
    losses = []
    run.train(steps=steps, on_step=lambda rec: losses.append(rec.loss))
    return run, losses


def _check_equal(base: RunConfig, configs: list[RunConfig], steps: int = STEPS) -> ManyRuns:
    many = ManyRuns(Run(base), configs)
    many.train(steps)
    history = many.loss_history()
    results = many.evaluate()
    for k, config in enumerate(configs):
        run, losses = _alone(config, steps)
        assert many.diverged_at[k] == (run.diverged.step if run.diverged else 0)
        np.testing.assert_allclose(history[: len(losses), k], losses, rtol=1e-12, atol=1e-12)  # rtol: a blow-up reaches 1e288
        np.testing.assert_allclose(many.thetas[k], run.theta, rtol=0, atol=1e-12)
        with np.errstate(all="ignore"):
            expected = run.evaluate()
        for key, value in expected.items():
            assert results[k][key] == pytest.approx(value, abs=1e-12)
    return many


def test_every_optimizer_in_one_pass_equals_single_runs():
    base = RunConfig(dataset="spiral", hidden=(6, 4), features=("x1", "x2", "sinx1"), batch_size=10, seed=3)
    configs = [base.replace(optimizer=name, lr=optimizers.DEFAULT_LR[name]) for name in optimizers.NAMES]
    _check_equal(base, configs)


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_several_rates_and_variants_per_optimizer(name):
    base = RunConfig(dataset="xor", hidden=(4,), points=200, batch_size=7, regularization="l2", reg_rate=0.001)
    variants = {"rmsprop": {"centered": True, "momentum": 0.5}, "adam": {"amsgrad": True},
                "adagrad": {"lr_decay": 0.01}, "momentum": {"dampening": 0.1}, "gd": {"weight_decay": 0.01}}
    lr = optimizers.DEFAULT_LR[name]
    configs = [base.replace(optimizer=name, lr=lr * f) for f in (0.5, 1.0, 2.0)]
    configs.append(base.replace(optimizer=name, lr=lr, hyper=variants.get(name, {})))
    _check_equal(base, configs, steps=60)


def test_three_classes_regression_schedule_and_full_batch():
    for base in (RunConfig(dataset="spiral3", hidden=(5,), loss="cross_entropy", activation="relu"),
                 RunConfig(dataset="sine", hidden=(6,), batch_size=0, regularization="l1", reg_rate=0.001),
                 RunConfig(loss="cross_entropy", schedule="exponential", schedule_settings={"gamma": 0.99}, warmup_steps=5)):
        configs = [base.replace(optimizer="adam", lr=0.02), base.replace(optimizer="momentum", lr=0.05)]
        _check_equal(base, configs, steps=50)


def test_a_diverging_run_stops_as_run_does_and_leaves_the_others_alone():
    base = RunConfig(dataset="sine", hidden=(8,), activation="relu")
    many = _check_equal(base, [base.replace(lr=0.01), base.replace(lr=50.0), base.replace(optimizer="adam", lr=0.01)], 40)
    assert many.diverged_at[1] > 0 and many.diverged_at[0] == 0 and many.diverged_at[2] == 0
    assert "diverged" in many.diverged_reason(1)


def test_a_racer_handed_to_a_run_continues_exactly():
    base = RunConfig(dataset="circle", hidden=(4, 2))
    configs = [base.replace(optimizer="adam", lr=0.01), base.replace(optimizer="rmsprop", lr=0.01, hyper={"centered": True})]
    many = ManyRuns(Run(base), configs)
    many.train(30)
    for k, config in enumerate(configs):
        taken = Run(config)
        taken.load_state(many.state_of(k))
        taken.train(steps=30)
        alone, _ = _alone(config, 60)
        np.testing.assert_allclose(taken.theta, alone.theta, rtol=0, atol=1e-12)


def test_runs_that_need_a_different_network_are_refused():
    base = RunConfig()
    with pytest.raises(ValueError, match="hidden"):
        ManyRuns(Run(base), [base.replace(hidden=(3,))])
    with pytest.raises(ValueError, match="batch_size"):
        ManyRuns(Run(base), [base.replace(batch_size=5)])


@pytest.mark.parametrize("config", [RunConfig(), RunConfig(dataset="spiral3", hidden=(5,), loss="cross_entropy"),
                                    RunConfig(loss="cross_entropy", hidden=(3,))])
def test_stacked_outputs_are_each_networks_output(config):
    run = Run(config)
    thetas = np.stack([run.theta, 0.5 * run.theta, -run.theta])
    outputs = StackedNetwork(run.network).outputs(thetas, run.x_test)
    for k in range(3):
        np.testing.assert_allclose(outputs[k], run.network.output(thetas[k], run.x_test), rtol=0, atol=1e-15)
