"""train_step and Run: exact updates, reproducibility, batching, undo, divergence, convergence."""
import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.engine import optimizers
from gdplayground.engine.training import epoch_order

SMALL = RunConfig(points=100, hidden=(3,), batch_size=7)


def _opt_arrays(state):
    out = []
    for name in state.__dataclass_fields__:
        value = getattr(state, name)
        if isinstance(value, dict):
            out += [value[k] for k in sorted(value)]
        elif isinstance(value, np.ndarray):
            out.append(value)
        elif value is None:
            out.append(np.array([], dtype=object))
        else:
            out.append(np.asarray(value, dtype=float))
    return out


def _same_state(a, b):
    assert np.array_equal(a.theta, b.theta)
    assert (a.step, a.epoch, a.pos) == (b.step, b.epoch, b.pos)
    assert type(a.opt_state) is type(b.opt_state)
    for x, y in zip(_opt_arrays(a.opt_state), _opt_arrays(b.opt_state)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


def test_record_invariants():
    run = Run(SMALL)
    prev = None
    for _ in range(20):
        rec = run.step()
        assert np.array_equal(rec.theta_after, rec.theta_before + rec.delta)
        for name, after in rec.params_after.items():
            assert np.array_equal(after, rec.params_before[name] + rec.update[name])
            assert not after.flags.writeable
        assert not rec.grad.flags.writeable and not rec.delta.flags.writeable
        if prev is not None:
            assert rec.theta_before is prev.theta_after  # the same array, not a copy
            assert rec.step == prev.step + 1
        prev = rec
    assert run.step_count == 20 and len(run.history.losses.view()) == 20


def test_gd_update_is_minus_lr_times_gradient():
    run = Run(SMALL.replace(lr=0.1))
    rec = run.step()
    loss, grad = run.loss_and_grad(rec.theta_before, rec.batch)
    assert loss == rec.loss and np.array_equal(grad, rec.grad)
    assert np.array_equal(rec.delta, -0.1 * grad)


@pytest.mark.parametrize("opt", optimizers.NAMES)
def test_reproducible_bit_for_bit(opt):
    cfg = SMALL.replace(optimizer=opt, lr=optimizers.DEFAULT_LR[opt] / 10)
    a, b = Run(cfg), Run(cfg)
    a.train(steps=60)
    b.train(steps=60)
    _same_state(a.state, b.state)
    assert np.array_equal(a.history.losses.view(), b.history.losses.view())


@pytest.mark.parametrize("opt", optimizers.NAMES)
def test_step_then_back_restores_exactly(opt):
    run = Run(SMALL.replace(optimizer=opt, lr=optimizers.DEFAULT_LR[opt] / 10))
    states = [run.state]
    for _ in range(30):
        run.step()
        states.append(run.state)
    for k in range(30, 0, -1):
        run.back()
        _same_state(run.state, states[k - 1])
    assert run.step_count == 0 and len(run.history.losses.view()) == 0


def test_back_far_uses_checkpoints_and_replay():
    run = Run(SMALL.replace(optimizer="adam", lr=0.01))
    run.history.recent = type(run.history.recent)(maxlen=4)  # force replay
    fresh = Run(SMALL.replace(optimizer="adam", lr=0.01))
    run.train(steps=500)
    fresh.train(steps=137)
    run.back(500 - 137)
    _same_state(run.state, fresh.state)
    # and training on from there gives what a straight run gives
    run.train(steps=50)
    fresh.train(steps=50)
    _same_state(run.state, fresh.state)


def test_state_at_matches_fresh_run_and_leaves_run_alone():
    cfg = SMALL.replace(optimizer="momentum")
    run = Run(cfg)
    run.train(steps=300)
    head = run.state
    for k in (0, 1, 63, 64, 65, 200, 299, 300):
        fresh = Run(cfg)
        fresh.train(steps=k)
        _same_state(run.state_at(k), fresh.state)
    assert run.state is head
    assert run.record_of(130).step == 130


def test_every_epoch_covers_the_training_set_once_and_reshuffles():
    run = Run(SMALL)  # 50 training points, batch 7: 7 batches of 7 and one of 1
    n = len(run.data.y_train)
    seen = []
    for _ in range(run.steps_per_epoch):
        seen.append(run.step().batch)
    assert [len(b) for b in seen] == [7] * 7 + [1]
    assert sorted(np.concatenate(seen).tolist()) == list(range(n))
    assert run.epoch == 1 and run.state.pos == 0
    nxt = run.step().batch
    assert not np.array_equal(nxt, seen[0])
    assert np.array_equal(epoch_order(SMALL.seed, 1, n)[:7], nxt)


def test_full_batch_and_stochastic():
    full = Run(SMALL.replace(batch_size=0))
    rec = full.step()
    assert len(rec.batch) == len(full.data.y_train) and full.epoch == 1
    sgd = Run(SMALL.replace(batch_size=1))
    assert len(sgd.step().batch) == 1


def test_divergence_is_caught_and_explained():
    run = Run(RunConfig(dataset="plane", hidden=(8, 8), activation="relu", lr=1000.0, batch_size=10))
    done = run.train(steps=500)
    assert run.diverged is not None and done < 500
    assert np.isfinite(run.theta).all()
    assert f"update {run.diverged.step}" in run.diverged.reason and "learning rate 1000" in run.diverged.reason
    assert run.step() is None
    # going back to before the blow-up with a smaller learning rate clears it
    run.back(run.step_count)
    assert run.diverged is None
    run.reconfigure(run.config.replace(lr=0.001))
    assert run.train(steps=100) == 100 and run.diverged is None


def test_reconfigure_live_and_back_across_it():
    run = Run(SMALL)
    run.train(steps=10)
    theta = run.theta
    run.reconfigure(run.config.replace(lr=0.5))
    assert run.theta is theta
    rec = run.step()
    assert rec.lr == 0.5
    run.reconfigure(run.config.replace(optimizer="adam", lr=0.01))
    assert type(run.opt_state).__name__ == "AdamState" and run.opt_state.step == 0
    run.train(steps=5)
    run.back(8)  # back before both changes
    assert run.config.lr == SMALL.lr and run.config.optimizer == "gd"
    fresh = Run(SMALL)
    fresh.train(steps=8)
    _same_state(run.state, fresh.state)
    with pytest.raises(ValueError, match="new network"):
        run.reconfigure(run.config.replace(hidden=(5,)))


def test_set_param_takes_effect_and_can_be_undone():
    run = Run(SMALL)
    run.train(steps=3)
    run.set_param("W1", (1, 2), 0.75)
    assert run.params["W1"][1, 2] == 0.75
    rec = run.step()
    assert rec.params_before["W1"][1, 2] == 0.75
    assert run.state_at(3).theta[run.network.layout.index("W1", (1, 2))] == 0.75
    with pytest.raises(ValueError):
        run.set_param("W1", (0, 0), float("nan"))


def test_history_memory_is_bounded():
    run = Run(SMALL)
    run.history.max_soft = 16
    run.train(steps=5000)
    assert run.history.checkpoint_count <= 17
    assert len(run.history.losses.view()) == 5000
    fresh = Run(SMALL)
    fresh.train(steps=4321)
    _same_state(run.state_at(4321), fresh.state)


def test_evaluate_and_predict():
    run = Run(SMALL)
    metrics = run.evaluate()
    assert set(metrics) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    out = run.predict(np.array([[0.0, 0.0], [5.0, 5.0]]))
    assert out.shape == (2,) and np.all(np.abs(out) < 1)
    reg = Run(RunConfig(dataset="plane", points=100))
    assert set(reg.evaluate()) == {"train_loss", "test_loss"}
    three = Run(RunConfig(dataset="blobs3", points=90))
    assert three.predict(np.zeros((4, 2))).shape == (4, 3)
    assert np.allclose(three.predict(np.zeros((4, 2))).sum(axis=1), 1)


def test_circle_default_network_converges():
    run = Run(RunConfig())  # circle, [4, 2], tanh, gd, lr 0.03, batch 10
    run.train(epochs=100)
    assert run.evaluate()["test_accuracy"] >= 0.97


SPIRAL_RECIPE = dict(dataset="spiral", features=("x1", "x2", "sinx1", "sinx2"), hidden=(8, 8),
                     activation="tanh", optimizer="adam", lr=0.01, batch_size=10)


@pytest.mark.parametrize("seed", [1, 2])
def test_spiral_recipe_converges(seed):
    run = Run(RunConfig(**SPIRAL_RECIPE, seed=seed))
    run.train(epochs=200)
    assert run.evaluate()["test_accuracy"] >= 0.95


def test_load_state_starts_history_there():
    cfg = SMALL.replace(optimizer="adam", lr=0.01)
    donor = Run(cfg)
    donor.train(steps=40)
    run = Run(cfg)
    run.load_state(donor.state)
    assert run.first_step == 40 and run.step_count == 40
    run.train(steps=10)
    donor.train(steps=10)
    _same_state(run.state, donor.state)
    run.back(10)
    with pytest.raises(ValueError):
        run.back(1)
    with pytest.raises(ValueError):
        run.state_at(39)
