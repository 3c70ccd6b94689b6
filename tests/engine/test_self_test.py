"""``gdplayground --self-test``: passes on a sound engine, and each kind of check catches the bug
it is there for (a self-test that cannot fail proves nothing)."""
from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from gdplayground import cli, self_test
from gdplayground.engine import optimizers
from gdplayground.engine.network import Network
from gdplayground.engine.run import Run


def _run() -> tuple[int, list[str]]:
    out = io.StringIO()
    failed = self_test.run_checks(out)
    return failed, out.getvalue().splitlines()


def test_passes_with_one_line_per_check():
    failed, lines = _run()
    assert failed == 0, "\n".join(lines)
    checks = lines[1:-1]
    assert len(checks) == len(self_test.checks())
    assert all(line.startswith("ok   ") for line in checks)
    for name in optimizers.NAMES:
        assert any(line.startswith(f"ok   {name}: {self_test.UPDATES} updates, loss ") for line in checks)
        assert f"ok   {name} rule: " in "\n".join(checks)
        assert f"ok   {name} undo: " in "\n".join(checks)
    assert sum(line.startswith("ok   gradient") for line in checks) == len(self_test.GRADIENT_CASES)
    assert lines[-1].startswith(f"{len(checks)} checks passed, 0 failed")


def test_command_line_exit_status():
    proc = subprocess.run([sys.executable, "-m", "gdplayground", "--self-test"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FAIL" not in proc.stdout
    assert proc.stdout.count("\nok   ") == len(self_test.checks())


def _failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL ")]


def test_a_wrong_gradient_fails_the_gradient_checks(monkeypatch):
    loss_and_grad = Network.loss_and_grad

    def slightly_off(self, theta, x, y):
        loss, grad = loss_and_grad(self, theta, x, y)
        return loss, grad * (1 + 1e-4)

    monkeypatch.setattr(Network, "loss_and_grad", slightly_off)
    failed, lines = _run()
    assert sum(f.startswith("FAIL gradient") for f in _failures(lines)) == len(self_test.GRADIENT_CASES)
    assert failed == len(_failures(lines))


def test_a_wrong_update_rule_fails_only_that_rule(monkeypatch):
    init, update, keys = optimizers._RULES["adam"]

    def off_by_a_little(*args, **kwargs):
        updates, state = update(*args, **kwargs)
        return {k: v * (1 + 1e-6) for k, v in updates.items()}, state

    monkeypatch.setitem(optimizers._RULES, "adam", (init, off_by_a_little, keys))
    failed, lines = _run()
    rule = [line for line in lines if line.startswith("FAIL adam rule: update 1 differs")]
    # The spawned child imports the engine afresh, without the bug: it disagrees with this one.
    child = [line for line in lines if line.startswith("FAIL child process: 5 updates in the child differ")]
    assert len(rule) == len(child) == 1
    assert _failures(lines) == rule + child
    assert failed == 2


def test_an_update_not_applied_as_recorded_fails(monkeypatch):
    real_step = Run.step

    def recorded_wrong(self):
        rec = real_step(self)
        if rec is not None and rec.step == 3:
            object.__setattr__(rec, "delta", np.asarray(rec.delta) * 2)
        return rec

    monkeypatch.setattr(Run, "step", recorded_wrong)
    _, lines = _run()
    failures = _failures(lines)
    assert any(f.startswith("FAIL gd: update 3: W1 after != W1 before + update") for f in failures)


def test_a_rising_loss_fails(monkeypatch):
    init, update, keys = optimizers._RULES["gd"]

    def uphill(*args, **kwargs):
        updates, state = update(*args, **kwargs)
        return {k: -v for k, v in updates.items()}, state

    monkeypatch.setitem(optimizers._RULES, "gd", (init, uphill, keys))
    _, lines = _run()
    assert any(f.startswith("FAIL gd: loss did not fall over 20 updates") for f in _failures(lines))
    assert not any(f.startswith("FAIL adam") for f in _failures(lines))


def test_an_imperfect_undo_fails(monkeypatch):
    real_back = Run.back

    def lossy_back(self, n=1):
        real_back(self, n)
        theta = np.array(self.state.theta)
        theta[0] = np.nextafter(theta[0], np.inf)  # one unit in the last place
        theta.flags.writeable = False
        self.state = type(self.state)(self.state.step, self.state.epoch, self.state.pos, theta, self.state.opt_state)

    monkeypatch.setattr(Run, "back", lossy_back)
    _, lines = _run()
    assert all(any(f.startswith(f"FAIL {n} undo: back(5) did not restore") for f in _failures(lines)) for n in optimizers.NAMES)


def test_a_missing_window_module_fails(monkeypatch):
    monkeypatch.setattr(self_test, "WINDOW_MODULES", ("PySide6.QtWidgets", "no_such_module_here"))
    _, lines = _run()
    assert _failures(lines) == [next(line for line in lines if line.startswith("FAIL window libraries: ModuleNotFoundError"))]


def test_a_child_that_computes_differently_fails(monkeypatch):
    # The child imports the module afresh, so only this process sees the other seed.
    monkeypatch.setattr(self_test, "_child_config", lambda: self_test.RunConfig(dataset="moons", hidden=(5,), seed=12))
    assert "FAIL child process: 5 updates in the child differ" in self_test_output()


def _die(conn) -> None:
    sys.exit(3)


def test_a_child_that_dies_fails(monkeypatch):
    monkeypatch.setattr(self_test, "_train_in_child", _die)
    assert "FAIL child process: the child process ended without answering (exit code 3)" in self_test_output()


def self_test_output() -> str:
    return "\n".join(_run()[1])


def test_cli_exit_status_is_non_zero_on_failure(monkeypatch, capsys):
    monkeypatch.setattr(self_test, "WINDOW_MODULES", ("no_such_module_here",))
    assert cli.main(["--self-test"]) != 0
    assert "FAIL window libraries" in capsys.readouterr().out


# -- the reference rules themselves, against numbers worked out by hand --------------------------
def _defaults(name: str, **changes) -> dict:
    return {**optimizers.HYPERPARAMETERS[name], **changes}


@pytest.mark.parametrize("name", ["adam", "adamax", "adagrad", "rmsprop"])
def test_first_adaptive_step_has_size_about_lr(name):
    rule = self_test.REFERENCE_RULES[name](_defaults(name))
    g = np.array([0.5, -2.0, 1e-3])
    expected = {"rmsprop": 0.1 / np.sqrt(1 - 0.99), "adagrad": 0.1}.get(name, 0.1)
    np.testing.assert_allclose(rule(g, np.zeros(3), 0.1), -expected * np.sign(g), rtol=1e-4)


def test_momentum_and_nesterov_by_hand():
    g1, g2, theta = np.array([1.0]), np.array([2.0]), np.zeros(1)
    heavy = self_test.REFERENCE_RULES["momentum"](_defaults("momentum"))
    assert heavy(g1, theta, 0.1) == pytest.approx(-0.1)
    assert heavy(g2, theta, 0.1) == pytest.approx(-0.1 * (0.9 * 1 + 2))
    nest = self_test.REFERENCE_RULES["nesterov"](_defaults("nesterov"))
    assert nest(g1, theta, 0.1) == pytest.approx(-0.1 * (1 + 0.9 * 1))
    assert nest(g2, theta, 0.1) == pytest.approx(-0.1 * (2 + 0.9 * 2.9))


def test_weight_decay_and_adadelta_by_hand():
    gd = self_test.REFERENCE_RULES["gd"](_defaults("gd", weight_decay=0.5))
    assert gd(np.array([1.0]), np.array([2.0]), 0.1) == pytest.approx(-0.1 * (1 + 0.5 * 2))
    ada = self_test.REFERENCE_RULES["adadelta"](_defaults("adadelta"))
    v = 0.1 * 4.0
    assert ada(np.array([2.0]), np.zeros(1), 1.0) == pytest.approx(-np.sqrt(1e-6) / np.sqrt(v + 1e-6) * 2)


def test_identical_sees_one_unit_in_the_last_place():
    @dataclass(frozen=True)
    class State:
        step: int
        moments: dict

    a = np.array([1.0, 2.0])
    b = a.copy()
    b[1] = np.nextafter(2.0, 3.0)
    assert self_test._identical(State(1, {"m": a}), State(1, {"m": a.copy()}))
    assert not self_test._identical(State(1, {"m": a}), State(1, {"m": b}))
    assert not self_test._identical(State(1, {"m": a}), State(2, {"m": a}))
    assert not self_test._identical(State(1, None), State(1, {"m": a}))
