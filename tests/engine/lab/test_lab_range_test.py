"""The learning-rate range test: where it stops and what it suggests, on problems whose good
range is known (the bowl: GD diverges above 2/λ_max = 0.2; linear regression: above 2/λ_max of
XᵀX/n), robustness to one noisy batch, and that the run it starts from is left untouched."""
import numpy as np
import pytest

from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab import range_test as rt
from gdplayground.engine.lab.surfaces import get
from gdplayground.engine.run import Run


def _linear_regression() -> tuple[Run, float]:
    run = Run(RunConfig(dataset="plane", hidden=(), batch_size=0, points=400))
    x = np.column_stack([run.x_train, np.ones(len(run.x_train))])
    return run, 2.0 / np.linalg.eigvalsh(x.T @ x / len(x)).max()


def test_gd_on_the_bowl_blows_up_only_past_its_stability_limit_and_suggests_a_rate_below_it():
    test = rt.surface_range_test(get("bowl"), "gd", (-4.0, 2.0), steps=150)
    assert "passed 4×" in test.stopped
    assert test.lrs[-1] > 0.2
    assert 1e-3 < test.suggested_lr < 0.2
    assert "steepest descent" in test.reason


def test_linear_regression_sweep_stops_past_two_over_lambda_and_suggests_a_convergent_rate():
    run, limit = _linear_regression()
    test = rt.network_range_tests(run, steps=150)[0]
    assert test.lrs[-1] > limit
    assert limit / 100 < test.suggested_lr < limit
    # the suggested rate really trains: plain GD at it converges on this quadratic
    trained = Run(run.config.replace(lr=test.suggested_lr))
    trained.train(steps=300)
    assert trained.diverged is None and trained.evaluate()["train_loss"] < 0.2 * run.evaluate()["train_loss"]


def test_the_run_is_untouched_and_sweeps_in_one_pass_equal_sweeps_alone():
    run = Run(RunConfig(dataset="xor", hidden=(4,)))
    run.train(steps=25)
    theta, state, step = run.theta.copy(), run.opt_state, run.step_count
    configs = [run.config.replace(optimizer="adam"), run.config.replace(optimizer="momentum")]
    together = rt.network_range_tests(run, configs, steps=60)
    assert np.array_equal(run.theta, theta) and run.opt_state is state and run.step_count == step
    for config, swept in zip(configs, together):
        alone = rt.network_range_tests(run, [config], steps=60)[0]
        np.testing.assert_allclose(swept.losses, alone.losses, rtol=1e-12, atol=1e-12)
        assert swept.suggested_lr == alone.suggested_lr


def _curve(lrs: np.ndarray) -> np.ndarray:
    """A textbook range-test curve: flat, a descent centred at lr = 1e-2, then a blow-up past 1."""
    x = np.log10(lrs)
    return 1.0 - 0.8 / (1.0 + np.exp(-3.0 * (x + 2.0))) + np.where(x > 0, 50.0 * x**2, 0.0)


def _driven(lrs: np.ndarray, spike_at: int | None) -> rt.RangeTest:
    losses = _curve(lrs)
    if spike_at is not None:
        losses[spike_at] *= 1000.0
    t = iter(range(len(lrs)))
    return rt.sweep(lambda rates: np.array([losses[next(t)]]), 1, lrs)[0]


@pytest.mark.parametrize("spike_at", [20, 40, 55])
def test_one_noisy_spike_moves_neither_the_stop_nor_the_suggestion(spike_at):
    lrs = rt.sweep_rates(1e-6, 10.0, 100)
    clean, spiked = _driven(lrs, None), _driven(lrs, spike_at)
    assert 1e-3 < clean.suggested_lr < 1e-1  # inside the descent (the average lags it a little)
    assert len(spiked.lrs) == len(clean.lrs) and lrs[len(clean.lrs) - 1] > 1.0
    assert spiked.suggested_lr == pytest.approx(clean.suggested_lr, rel=0.3)


def test_no_descent_means_no_suggestion_and_bad_sweeps_are_refused():
    lrs = rt.sweep_rates(1e-6, 1e-3, 50)
    flat = rt.sweep(lambda rates: np.ones(1), 1, lrs)[0]
    assert flat.suggested_lr is None and "never falls" in flat.reason
    with pytest.raises(ValueError, match="lowest rate"):
        rt.sweep_rates(1.0, 0.1, 100)
    with pytest.raises(ValueError, match="at least"):
        rt.sweep_rates(1e-5, 1.0, 5)
