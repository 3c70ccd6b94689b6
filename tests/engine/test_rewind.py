"""The timeline's engine guarantees beyond test_training.py: going back many updates in one call
(replay from a checkpoint) and scrubbing with state_at/record_of give the exact state of a fresh
run stopped there, for every optimizer and variant; branching from an earlier update with new
settings is the same as having changed them there."""
import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.engine import optimizers

SMALL = RunConfig(points=100, hidden=(3,), batch_size=7)
VARIANTS = [(o, {}) for o in optimizers.NAMES] + [
    ("momentum", {"dampening": 0.2, "weight_decay": 0.01}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adagrad", {"lr_decay": 0.01}),
]
IDS = [f"{o}-{'-'.join(h) or 'plain'}" for o, h in VARIANTS]


def _arrays(opt_state):
    out = []
    for name in opt_state.__dataclass_fields__:
        value = getattr(opt_state, name)
        if isinstance(value, dict):
            out += [value[k] for k in sorted(value)]
        elif value is None:
            out.append(None)
        else:
            out.append(np.asarray(value))
    return out


def _same(a, b):
    assert (a.step, a.epoch, a.pos) == (b.step, b.epoch, b.pos)
    assert a.theta.dtype == b.theta.dtype and np.array_equal(a.theta, b.theta)
    assert type(a.opt_state) is type(b.opt_state)
    for x, y in zip(_arrays(a.opt_state), _arrays(b.opt_state), strict=True):
        assert (x is None) == (y is None)
        if x is not None:
            assert x.dtype == y.dtype and np.array_equal(x, y)


def _config(opt, hyper):
    return SMALL.replace(optimizer=opt, lr=optimizers.DEFAULT_LR[opt] / 10, hyper=hyper)


@pytest.mark.parametrize(("opt", "hyper"), VARIANTS, ids=IDS)
def test_back_n_in_one_call_is_bit_identical(opt, hyper):
    cfg = _config(opt, hyper)
    run = Run(cfg)
    run.history.recent = type(run.history.recent)(maxlen=8)  # force replay from a checkpoint
    start = run.state
    run.train(steps=150)
    run.back(150)
    _same(run.state, start)
    run.train(steps=150)
    fresh = Run(cfg)
    fresh.train(steps=61)
    run.back(150 - 61)
    _same(run.state, fresh.state)


@pytest.mark.parametrize(("opt", "hyper"), VARIANTS, ids=IDS)
def test_scrubbing_shows_a_fresh_run_stopped_there(opt, hyper):
    cfg = _config(opt, hyper)
    run = Run(cfg)
    run.train(steps=200)
    head = run.state
    fresh = Run(cfg)
    for k in (0, 1, 2, 63, 64, 65, 130, 199, 200):
        fresh.train(steps=k - fresh.step_count)
        _same(run.state_at(k), fresh.state)
        if k:
            assert np.array_equal(run.record_of(k).theta_after, fresh.state.theta)
    assert run.state is head and run.step_count == 200


def test_replayed_record_equals_the_original():
    """The inspector may show an update long gone from the recent records: it is recomputed."""
    cfg = _config("adam", {})
    run = Run(cfg)
    originals = {}
    run.train(steps=400, on_step=lambda rec: originals.__setitem__(rec.step, rec) if rec.step in (5, 77, 130) else None)
    for k, rec in originals.items():
        assert run.history.record_at(k) is None  # no longer kept
        again = run.record_of(k)
        for field in ("loss", "lr"):
            assert getattr(again, field) == getattr(rec, field)
        for arr in ("grad", "delta", "theta_before", "theta_after", "batch"):
            assert np.array_equal(getattr(again, arr), getattr(rec, arr))
        _same(again.after, rec.after)


@pytest.mark.parametrize("change", [{"lr": 0.3}, {"optimizer": "adam", "lr": 0.01}, {"batch_size": 3}])
def test_branch_from_an_earlier_update_with_new_settings(change):
    run = Run(SMALL)
    run.train(steps=120)
    run.rewind(40)
    assert run.step_count == 40 and run.history.head_step == 40
    assert len(run.history.losses.view()) == 40
    run.reconfigure(run.config.replace(**change))
    run.train(steps=30)
    straight = Run(SMALL)
    straight.train(steps=40)
    straight.reconfigure(straight.config.replace(**change))
    straight.train(steps=30)
    _same(run.state, straight.state)
    assert np.array_equal(run.history.losses.view(), straight.history.losses.view())
    # and the branch's own history can be scrubbed back across the change
    fresh = Run(SMALL)
    fresh.train(steps=25)
    _same(run.state_at(25), fresh.state)
