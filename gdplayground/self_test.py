"""``gdplayground --self-test``: a quick check, on the machine at hand, that the engine computes
what it should. It runs the same in a pip install and inside a frozen installer bundle, where it
also proves the bundle carries every module the window needs.

Each check prints one line, ``ok   ...`` or ``FAIL ...``; the exit status is the number of
failures (0 when all passed). Expectations are computed here, independently of the engine:
gradients by central finite differences, optimizer updates by a separate textbook copy of each
rule, so a bug in the engine cannot make its own check pass.
"""
from __future__ import annotations

import importlib
import importlib.util
import multiprocessing
import platform
import sys
import time
from dataclasses import fields, is_dataclass
from typing import Any, Callable, TextIO

import numpy as np

from . import __version__
from .engine import optimizers
from .engine.config import RunConfig
from .engine.run import Run
from .engine.training import StepRecord

UPDATES = 20  # per optimizer; full batch, so the loss must fall at a safe learning rate
BACK = 5  # updates undone and redone
WEIGHT_DECAY = 1e-3  # non-zero, so the decay term of every rule is exercised too
FD_STEP = 1e-5  # central differences: truncation ~h², rounding ~eps/h, both far below the bound
GRAD_TOLERANCE = 1e-6
RULE_TOLERANCE = 1e-9  # the engine and the copy here may round differently, nothing more
CHILD_UPDATES = 5
CHILD_TIMEOUT_S = 30.0  # a cold start of a frozen app on a slow disk can take seconds


class CheckFailed(Exception):
    """A check's expectation did not hold; the message says which and by how much."""


# -- independent copies of the update rules (torch.optim's algorithm boxes) --------------------
Rule = Callable[[np.ndarray, np.ndarray, float], np.ndarray]  # (grad, theta, lr) -> delta


def _sgd_rule(h: dict[str, Any]) -> Rule:
    s: dict[str, Any] = {"b": None}

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        if h["momentum"] == 0:
            return -lr * g
        s["b"] = g.copy() if s["b"] is None else h["momentum"] * s["b"] + (1 - h["dampening"]) * g
        return -lr * (g + h["momentum"] * s["b"] if h["nesterov"] else s["b"])

    return delta


def _rmsprop_rule(h: dict[str, Any]) -> Rule:
    s = {"v": 0.0, "mean": 0.0, "b": 0.0}

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        s["v"] = h["alpha"] * s["v"] + (1 - h["alpha"]) * g**2
        var = s["v"]
        if h["centered"]:
            s["mean"] = h["alpha"] * s["mean"] + (1 - h["alpha"]) * g
            var = np.maximum(var - s["mean"] ** 2, 0.0)
        scaled = g / (np.sqrt(var) + h["eps"])
        if h["momentum"] > 0:
            s["b"] = h["momentum"] * s["b"] + scaled
            return -lr * s["b"]
        return -lr * scaled

    return delta


def _adam_rule(h: dict[str, Any]) -> Rule:
    s: dict[str, Any] = {"t": 0, "m": 0.0, "v": 0.0, "vmax": 0.0}
    b1, b2 = h["betas"]

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        s["t"] += 1
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g**2
        s["vmax"] = np.maximum(s["vmax"], s["v"])
        v = s["vmax"] if h["amsgrad"] else s["v"]
        m_hat, v_hat = s["m"] / (1 - b1 ** s["t"]), v / (1 - b2 ** s["t"])
        return -lr * m_hat / (np.sqrt(v_hat) + h["eps"])

    return delta


def _adamax_rule(h: dict[str, Any]) -> Rule:
    s: dict[str, Any] = {"t": 0, "m": 0.0, "u": 0.0}
    b1, b2 = h["betas"]

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        s["t"] += 1
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["u"] = np.maximum(b2 * s["u"], np.abs(g) + h["eps"])
        return -lr / (1 - b1 ** s["t"]) * s["m"] / s["u"]

    return delta


def _adagrad_rule(h: dict[str, Any]) -> Rule:
    s: dict[str, Any] = {"t": 0, "sum": h["initial_accumulator_value"]}

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        s["t"] += 1
        s["sum"] = s["sum"] + g**2
        return -lr / (1 + (s["t"] - 1) * h["lr_decay"]) * g / (np.sqrt(s["sum"]) + h["eps"])

    return delta


def _adadelta_rule(h: dict[str, Any]) -> Rule:
    s = {"v": 0.0, "u": 0.0}

    def delta(grad: np.ndarray, theta: np.ndarray, lr: float) -> np.ndarray:
        g = grad + h["weight_decay"] * theta
        s["v"] = h["rho"] * s["v"] + (1 - h["rho"]) * g**2
        d = np.sqrt(s["u"] + h["eps"]) / np.sqrt(s["v"] + h["eps"]) * g
        s["u"] = h["rho"] * s["u"] + (1 - h["rho"]) * d**2
        return -lr * d

    return delta


REFERENCE_RULES: dict[str, Callable[[dict[str, Any]], Rule]] = {
    "gd": _sgd_rule, "momentum": _sgd_rule, "nesterov": _sgd_rule, "rmsprop": _rmsprop_rule,
    "adam": _adam_rule, "adamax": _adamax_rule, "adagrad": _adagrad_rule, "adadelta": _adadelta_rule,
}


# -- comparisons --------------------------------------------------------------------------------
def _identical(a: Any, b: Any) -> bool:
    """Equal to the last bit, through dataclasses, dicts, sequences and arrays."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if is_dataclass(a) and type(a) is type(b):
        return all(_identical(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_identical(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _relative(actual: np.ndarray, expected: np.ndarray) -> float:
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-300)
    return float(np.max(np.abs(actual - expected), initial=0.0)) / scale


def _state_matches(run: Run, rec: StepRecord) -> bool:
    s, t = run.state, rec.after
    return (s.step, s.epoch, s.pos) == (t.step, t.epoch, t.pos) and _identical(s.theta, t.theta) and _identical(
        s.opt_state, t.opt_state
    )


# -- the checks ---------------------------------------------------------------------------------
def _train(name: str) -> tuple[Run, list[StepRecord], float]:
    config = RunConfig(
        dataset="circle", points=200, hidden=(4, 2), optimizer=name, lr=optimizers.DEFAULT_LR[name],
        hyper={"weight_decay": WEIGHT_DECAY}, batch_size=0, seed=3,
    )
    run = Run(config)
    start = run.evaluate()["train_loss"]
    records = []
    for _ in range(UPDATES):
        rec = run.step()
        if rec is None:
            raise CheckFailed(run.diverged.reason if run.diverged else "no record")
        records.append(rec)
    return run, records, start


def check_training(name: str, run: Run, records: list[StepRecord], start: float) -> str:
    """The loss falls, and every update is exactly params_after - params_before."""
    for rec in records:
        for key, before in rec.params_before.items():
            if not _identical(rec.params_after[key], before + rec.update[key]):
                raise CheckFailed(f"update {rec.step}: {key} after != {key} before + update")
    for prev, rec in zip(records, records[1:]):
        if rec.theta_before is not prev.theta_after:
            raise CheckFailed(f"update {rec.step} does not start where update {prev.step} ended")
    end = run.evaluate()["train_loss"]
    if not end < start:
        raise CheckFailed(f"loss did not fall over {UPDATES} updates: {start:.4g} -> {end:.4g}")
    return f"{UPDATES} updates, loss {start:.3f} -> {end:.3f}"


def check_rule(name: str, run: Run, records: list[StepRecord]) -> str:
    """Every update equals the one this module's own copy of the rule computes."""
    # The documented defaults plus the decay _train sets, not what the engine says it used.
    rule = REFERENCE_RULES[name]({**optimizers.HYPERPARAMETERS[name], "weight_decay": WEIGHT_DECAY})
    worst = 0.0
    for rec in records:
        expected = rule(np.asarray(rec.grad), np.asarray(rec.theta_before), rec.lr)
        worst = max(worst, _relative(np.asarray(rec.delta), expected))
        if not worst <= RULE_TOLERANCE:
            raise CheckFailed(f"update {rec.step} differs from the rule by {worst:.2e} (relative)")
    return f"{len(records)} updates follow the rule (max rel. diff {worst:.1e})"


def check_back(name: str, run: Run, records: list[StepRecord]) -> str:
    """Undo and redo give the same numbers to the last bit, optimizer state included."""
    run.back(BACK)
    if not _state_matches(run, records[-BACK - 1]):
        raise CheckFailed(f"back({BACK}) did not restore update {records[-BACK - 1].step} bit for bit")
    for old in records[-BACK:]:
        new = run.step()
        if new is None or not _identical(new.theta_after, old.theta_after) or not _identical(new.opt_state, old.opt_state):
            raise CheckFailed(f"replaying update {old.step} gave different numbers")
    run.back(1)
    if not _state_matches(run, records[-2]):
        raise CheckFailed(f"back(1) did not restore update {records[-2].step} bit for bit")
    return f"back {BACK}, redo {BACK}, back 1: bit-identical"


GRADIENT_CASES: tuple[tuple[str, RunConfig], ...] = (
    ("tanh net, tanh output, squared loss", RunConfig(dataset="xor", features=("x1", "x2", "x1x2", "sinx1"), hidden=(4, 3))),
    ("sigmoid/swish net, cross-entropy, L2", RunConfig(
        dataset="spiral", loss="cross_entropy", hidden=(5, 3), activation=("sigmoid", "swish"),
        features=("x1", "x2", "x1sq", "x2sq"), regularization="l2", reg_rate=0.01)),
    ("elu/softplus net, softmax, 3 classes, L1", RunConfig(
        dataset="blobs3", hidden=(4, 4), activation=("elu", "softplus"), regularization="l1", reg_rate=0.003)),
    ("tanh net, linear output, regression", RunConfig(dataset="sine", hidden=(6,), features=("x1", "x2", "sinx2"))),
)


def check_gradient(config: RunConfig) -> str:
    """Backprop's gradient on one batch against central finite differences of the loss."""
    run = Run(config.replace(points=100, batch_size=10, seed=5))
    batch = np.arange(10)
    theta = np.array(run.theta)
    _, grad = run.loss_and_grad(theta, batch)
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += FD_STEP
        minus[i] -= FD_STEP
        numeric[i] = (run.loss_and_grad(plus, batch)[0] - run.loss_and_grad(minus, batch)[0]) / (2 * FD_STEP)
    error = float(np.linalg.norm(grad - numeric)) / max(float(np.linalg.norm(grad)), float(np.linalg.norm(numeric)), 1e-300)
    if not error <= GRAD_TOLERANCE:
        raise CheckFailed(f"relative error {error:.2e} > {GRAD_TOLERANCE:g}")
    return f"{theta.size} weights, relative error {error:.1e}"


def _child_config() -> RunConfig:
    return RunConfig(dataset="moons", hidden=(5,), optimizer="adam", lr=0.01, seed=11)


def _train_in_child(conn) -> None:
    """Runs in the spawned process: train, send the weights back."""
    run = Run(_child_config())
    run.train(steps=CHILD_UPDATES)
    conn.send(np.array(run.theta))
    conn.close()


def check_child_process() -> str:
    """The window trains in a spawned child process: one starts (inside a frozen bundle too,
    where the child is the app's own executable) and computes what this process computes."""
    ctx = multiprocessing.get_context("spawn")
    answer, send_end = ctx.Pipe(duplex=False)
    began = time.perf_counter()
    child = ctx.Process(target=_train_in_child, args=(send_end,), daemon=True, name="gdplayground-self-test")
    child.start()
    send_end.close()
    try:
        if not answer.poll(CHILD_TIMEOUT_S):
            raise CheckFailed(f"no answer from the child process within {CHILD_TIMEOUT_S:g} s")
        theta = answer.recv()
    except EOFError:
        child.join(5)
        raise CheckFailed(f"the child process ended without answering (exit code {child.exitcode})") from None
    finally:
        child.join(5)
        if child.is_alive():
            child.kill()
    seconds = time.perf_counter() - began
    here = Run(_child_config())
    here.train(steps=CHILD_UPDATES)
    if not _identical(theta, np.array(here.theta)):
        raise CheckFailed(f"{CHILD_UPDATES} updates in the child differ from the same updates here")
    return f"answered in {seconds:.2f} s, {CHILD_UPDATES} updates bit-identical to this process's"


WINDOW_MODULES = ("PySide6.QtWidgets", "PySide6.QtSvg", "PySide6.QtOpenGLWidgets", "pyqtgraph")


def check_window_modules() -> str:
    """The window's libraries load (inside a bundle: nothing was left out). No window opens."""
    loaded = [importlib.import_module(m) for m in WINDOW_MODULES]
    if importlib.util.find_spec("gdplayground.app") is not None:
        importlib.import_module("gdplayground.app")
    import PySide6

    return f"PySide6 {PySide6.__version__}, pyqtgraph {loaded[-1].__version__}, {len(loaded)} modules load"


def check_collation() -> str:
    """Qt sorts names by language (file dialogs do): the bundle's trimmed ICU data has what it needs."""
    from PySide6.QtCore import QCollator, QLocale

    words = ["Zebra", "file10", "Öl", "file9", "Apfel", "ob"]
    collator = QCollator(QLocale("de_DE"))
    collator.setNumericMode(True)
    got = sorted(words, key=collator.sortKey)
    want = ["Apfel", "file9", "file10", "ob", "Öl", "Zebra"]
    if got != want:
        raise CheckFailed(f"German order {got}, expected {want}")
    return "German and numeric order as expected"


# -- running ------------------------------------------------------------------------------------
class _Training:
    """One optimizer's updates, made on first use and read by its three checks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._made: tuple[Run, list[StepRecord], float] | None = None

    def made(self) -> tuple[Run, list[StepRecord], float]:
        if self._made is None:
            self._made = _train(self.name)
        return self._made

    def training(self) -> str:
        return check_training(self.name, *self.made())

    def rule(self) -> str:
        run, records, _ = self.made()
        return check_rule(self.name, run, records)

    def back(self) -> str:
        run, records, _ = self.made()
        return check_back(self.name, run, records)


def checks() -> list[tuple[str, Callable[[], str]]]:
    """(label, check) pairs in the order they run; a check returns its detail or raises."""
    found: list[tuple[str, Callable[[], str]]] = [
        (f"gradient ({label})", lambda c=config: check_gradient(c)) for label, config in GRADIENT_CASES
    ]
    for name in optimizers.NAMES:
        t = _Training(name)
        found += [(name, t.training), (f"{name} rule", t.rule), (f"{name} undo", t.back)]
    found.append(("child process", check_child_process))
    found.append(("window libraries", check_window_modules))
    found.append(("sorting by language", check_collation))
    return found


def run_checks(stream: TextIO | None = None) -> int:
    """Run every check, print one line each, return the number that failed (0 = all passed)."""
    out = stream or sys.stdout
    began = time.perf_counter()
    print(f"gdplayground {__version__} self-test (Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{platform.system()} {platform.machine()})", file=out)
    failed = 0
    todo = checks()
    for label, check in todo:
        try:
            detail = check()
            print(f"ok   {label}: {detail}", file=out)
        except Exception as exc:  # a crash is a failed check, reported like any other
            failed += 1
            reason = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
            print(f"FAIL {label}: {reason}", file=out)
    print(f"{len(todo) - failed} checks passed, {failed} failed in {time.perf_counter() - began:.2f} s", file=out)
    out.flush()
    return min(failed, 125)
