"""Schedules: values at chosen steps against their closed forms, warm-up, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdplayground.engine import schedules as sch

LR = 0.1
STEPS = [0, 1, 2, 499, 999, 1000, 1001, 2500, 5000, 9999, 10000, 10001, 50000]

# Closed forms with the default settings, written out independently of the module.
CLOSED_FORMS = {
    "constant": lambda t: LR,
    "step": lambda t: LR * 0.5 ** (t // 1000),
    "exponential": lambda t: LR * 0.999**t,
    "inverse_time": lambda t: LR / (1 + 1.0 * t / 1000),
    "cosine": lambda t: (1 + math.cos(math.pi * t / 10000)) / 2 * LR if t < 10000 else 0.0,
}


def test_names_and_defaults():
    assert sch.NAMES == ("constant", "step", "exponential", "inverse_time", "cosine")
    assert sch.SETTINGS == {
        "constant": {},
        "step": {"step_size": 1000, "gamma": 0.5},
        "exponential": {"gamma": 0.999},
        "inverse_time": {"decay_rate": 1.0, "decay_steps": 1000},
        "cosine": {"t_max": 10000, "lr_min": 0.0},
    }
    assert set(CLOSED_FORMS) == set(sch.NAMES)


@pytest.mark.parametrize("name", sch.NAMES)
def test_defaults_follow_closed_form(name):
    schedule = sch.create(name, LR)
    for t in STEPS:
        value = schedule(t)
        assert type(value) is float
        assert value == pytest.approx(CLOSED_FORMS[name](t), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", sch.NAMES)
def test_first_step_uses_the_base_rate(name):
    assert sch.create(name, LR)(0) == LR


@pytest.mark.parametrize(
    ("name", "settings", "t", "expected"),
    [
        ("step", {"step_size": 10, "gamma": 0.1}, 9, 0.1),
        ("step", {"step_size": 10, "gamma": 0.1}, 10, 0.1 * 0.1),
        ("step", {"step_size": 10, "gamma": 0.1}, 35, 0.1 * 0.1**3),
        ("step", {"step_size": 3.0}, 7, 0.1 * 0.25),
        ("exponential", {"gamma": 0.9}, 3, 0.1 * 0.9**3),
        ("exponential", {"gamma": 1.0}, 12345, 0.1),
        ("inverse_time", {"decay_rate": 0.5, "decay_steps": 10}, 20, 0.1 / 2.0),
        ("inverse_time", {"decay_rate": 0.0}, 999, 0.1),
        ("cosine", {"t_max": 100, "lr_min": 0.02}, 50, 0.02 + 0.08 / 2),
        ("cosine", {"t_max": 100, "lr_min": 0.02}, 100, 0.02),
        ("cosine", {"t_max": 100, "lr_min": 0.02}, 1000, 0.02),
        ("cosine", {"t_max": 100, "lr_min": 0.02}, 25, 0.02 + 0.08 * (1 + math.cos(math.pi / 4)) / 2),
    ],
)
def test_settings_at_chosen_steps(name, settings, t, expected):
    assert sch.create(name, 0.1, **settings)(t) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name", sch.NAMES)
def test_warmup_ramps_linearly_in_front_of_any_schedule(name):
    base, warm = sch.create(name, LR), sch.create(name, LR, warmup_steps=4)
    for t in range(4):
        assert warm(t) == pytest.approx(base(t) * (t + 1) / 4, rel=1e-15)
    assert warm(0) == pytest.approx(LR / 4)
    for t in (4, 5, 1000, 20000):
        assert warm(t) == base(t)


def test_warmup_of_one_step_changes_nothing():
    base, warm = sch.create("cosine", LR), sch.create("cosine", LR, warmup_steps=1)
    assert [warm(t) for t in STEPS] == [base(t) for t in STEPS]


def test_schedules_are_pure_and_take_numpy_steps():
    schedule = sch.create("step", LR, warmup_steps=3, step_size=2)
    forward = [schedule(t) for t in range(10)]
    assert [schedule(t) for t in reversed(range(10))] == forward[::-1]
    for t in range(10):
        value = schedule(np.int64(t))
        assert type(value) is float and value == forward[t]


BAD = [
    (("warm", 0.1), {}, "unknown schedule 'warm'; choose one of: constant, step"),
    (("constant", 0.0), {}, "lr must be > 0, got 0.0"),
    (("constant", -0.1), {}, "lr must be > 0, got -0.1"),
    (("constant", float("nan")), {}, "lr must be a finite number, got nan"),
    (("constant", float("inf")), {}, "lr must be a finite number, got inf"),
    (("constant", "0.1"), {}, "lr must be a number, got '0.1'"),
    (("constant", 0.1, -1), {}, "warmup_steps must be a whole number >= 0, got -1"),
    (("constant", 0.1, 2.5), {}, "warmup_steps must be a whole number >= 0, got 2.5"),
    (("constant", 0.1), {"gamma": 0.5}, "constant schedule: unknown setting 'gamma'; allowed: none"),
    (("step", 0.1), {"gama": 0.5}, "unknown setting 'gama'; allowed: step_size, gamma"),
    (("step", 0.1), {"gamma": 0.0}, "step schedule: gamma must be in (0, 1], got 0.0"),
    (("exponential", 0.1), {"gamma": 1.5}, "gamma must be in (0, 1], got 1.5"),
    (("step", 0.1), {"step_size": 0}, "step_size must be a whole number >= 1, got 0"),
    (("step", 0.1), {"step_size": True}, "step_size must be a number, got True"),
    (("inverse_time", 0.1), {"decay_rate": -1.0}, "decay_rate must be >= 0, got -1.0"),
    (("inverse_time", 0.1), {"decay_steps": 0}, "decay_steps must be > 0, got 0"),
    (("cosine", 0.1), {"t_max": -5}, "t_max must be a whole number >= 1, got -5"),
    (("cosine", 0.1), {"lr_min": 0.2}, "lr_min must be in [0, lr] = [0, 0.1], got 0.2"),
    (("cosine", 0.1), {"lr_min": -0.01}, "lr_min must be in [0, lr]"),
]


@pytest.mark.parametrize(("args", "settings", "message"), BAD, ids=[m for *_, m in BAD])
def test_create_rejects_with_a_plain_one_line_reason(args, settings, message):
    with pytest.raises(ValueError) as err:
        sch.create(*args, **settings)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_negative_step_is_refused():
    with pytest.raises(ValueError, match="step must be >= 0, got -1"):
        sch.create("exponential", LR)(-1)
