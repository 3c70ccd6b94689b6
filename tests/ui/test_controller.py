"""The run controller: its commands, state machine and both training workers (a child process
and the lockstep thread), offscreen."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.ui.controller import RunController

DIVERGES = RunConfig(dataset="plane", activation="linear", lr=10.0)  # inf loss at update 5
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["thread", "process"])
def trainer(request) -> str:
    return request.param


@pytest.fixture
def make_controller(qtbot):
    made: list[RunController] = []

    def make(config: RunConfig | None = None, trainer: str = "thread") -> RunController:
        c = RunController(config, trainer=trainer)
        made.append(c)
        if trainer == "process":
            c.start_process()
            qtbot.waitUntil(lambda: c.trainer == "process", timeout=20000)
        return c

    yield make
    for c in made:
        c.shutdown()


def wait_idle(qtbot, c: RunController) -> None:
    qtbot.waitUntil(lambda: not c.busy, timeout=5000)


def test_step_is_exactly_one_update(qtbot, make_controller):
    c = make_controller()
    with qtbot.waitSignal(c.stepped, timeout=2000) as blocker:
        c.step()
    assert blocker.args == [1]
    assert c.run.step_count == 1
    assert len(c.losses()) == 1
    assert c.state == "paused"
    c.step()
    assert c.run.step_count == 2 and len(c.losses()) == 2
    assert c.first_loss_step() == 1


def test_play_pause(qtbot, make_controller, trainer):
    c = make_controller(trainer=trainer)
    states = []
    c.state_changed.connect(states.append)
    c.play()
    assert c.state == "playing"
    qtbot.waitUntil(lambda: c.run.step_count > 50, timeout=10000)
    paused_at = time.perf_counter()
    c.pause()
    wait_idle(qtbot, c)
    assert time.perf_counter() - paused_at < 0.1  # Pause takes effect within 100 ms
    count = c.run.step_count
    qtbot.wait(100)
    assert c.run.step_count == count
    assert len(c.losses()) == count  # every loss kept
    assert states == ["playing", "paused"]


def test_process_training_matches_training_here(qtbot, make_controller):
    """The child's updates, taken over by the window's Run, are the ones the Run would make."""
    config = RunConfig(optimizer="adam", lr=0.01, batch_size=7)
    c = make_controller(config, trainer="process")
    c.play()
    qtbot.waitUntil(lambda: c.run.step_count > 300, timeout=10000)
    c.pause()
    wait_idle(qtbot, c)
    n = c.run.step_count
    here = Run(config)
    here.train(steps=n)
    assert np.array_equal(c.run.theta, here.theta)
    assert np.array_equal(c.losses(), here.history.losses.view())
    assert c.run.epoch == here.epoch
    # going back works from the checkpoints the child sent, bit for bit
    c.run.back(n - 100)
    here.back(n - 100)
    assert c.run.step_count == 100
    assert np.array_equal(c.run.theta, here.theta)
    assert np.array_equal(c.run.record_of(100).grad, here.record_of(100).grad)


def test_the_process_computes_the_output_grid_for_the_window(qtbot, make_controller):
    c = make_controller(trainer="process")
    grids = []
    c.frame_ready.connect(lambda: grids.append((c.grid_output(), c.run.grid_output(), c._grid[0] is c.run.theta)))
    c.play()
    qtbot.waitUntil(lambda: sum(used for *_, used in grids) >= 3, timeout=10000)
    c.pause()
    wait_idle(qtbot, c)
    for given, computed, _ in grids:
        assert np.array_equal(given, computed)
    c.set_param("W1", (0, 0), 0.5)  # new weights: the process's grid is not used for them
    assert np.array_equal(c.grid_output(), c.run.grid_output())
    assert c._grid[0] is not c.run.theta


def test_step_epoch(qtbot, make_controller, trainer):
    c = make_controller(RunConfig(batch_size=10), trainer=trainer)
    c.step()
    c.step_epoch()
    qtbot.waitUntil(lambda: c.state == "paused" and not c.busy, timeout=10000)
    assert c.run.epoch == 1
    assert c.run.step_count == c.run.steps_per_epoch


def test_reset_keeps_data_and_starts_over(qtbot, make_controller):
    c = make_controller()
    data = c.run.data
    for _ in range(3):
        c.step()
    with qtbot.waitSignal(c.run_reset, timeout=2000):
        c.reset()
    assert c.run.step_count == 0 and len(c.losses()) == 0
    assert c.run.data is data
    assert c.state == "idle"


def test_live_change_keeps_weights(qtbot, make_controller):
    c = make_controller()
    c.step()
    theta = c.run.theta.copy()
    with qtbot.waitSignal(c.config_changed, timeout=2000):
        c.apply_config_changes({"lr": 0.1, "optimizer": "momentum"})
    assert c.config.lr == 0.1 and c.config.optimizer == "momentum"
    assert c.run.step_count == 1
    assert np.array_equal(c.run.theta, theta)
    c.step()
    assert c.run.record_of(2).lr == pytest.approx(0.1)


def test_live_change_while_playing_goes_on(qtbot, make_controller, trainer):
    c = make_controller(trainer=trainer)
    c.play()
    qtbot.waitUntil(lambda: c.run.step_count > 20, timeout=10000)
    c.apply_config_changes({"lr": 0.3})
    qtbot.waitUntil(lambda: c.config.lr == 0.3, timeout=5000)
    at_change = c.run.step_count
    assert c.state == "playing"
    qtbot.waitUntil(lambda: c.run.step_count > at_change + 20, timeout=10000)
    c.pause()
    wait_idle(qtbot, c)
    assert c.run.record_of(c.run.step_count).lr == pytest.approx(0.3)


def test_change_that_needs_a_rebuild_resets_and_says_so(qtbot, make_controller):
    c = make_controller()
    c.step()
    messages = []
    c.status_reported.connect(messages.append)
    with qtbot.waitSignal(c.run_reset, timeout=2000):
        c.apply_config_changes({"hidden": (3,)})
    assert c.run.step_count == 0
    assert c.run.network.sizes == (2, 3, 1)
    assert any("starts again" in m for m in messages)


def test_refused_change_keeps_config(qtbot, make_controller):
    c = make_controller()
    messages = []
    c.status_reported.connect(messages.append)
    with qtbot.waitSignal(c.config_changed, timeout=2000) as blocker:
        c.apply_config_changes({"lr": -1.0})
    assert blocker.args[0] == c.config
    assert c.config.lr == RunConfig().lr
    assert messages and "Not applied" in messages[-1]


def test_loss_that_does_not_fit_falls_back(qtbot, make_controller):
    c = make_controller(RunConfig(loss="squared"))
    c.apply_config_changes({"dataset": "blobs3"})
    assert c.run.data.kind == "multiclass"
    assert c.config.loss == "auto"


def test_divergence_pauses_and_explains(qtbot, make_controller, trainer):
    c = make_controller(DIVERGES, trainer=trainer)
    with qtbot.waitSignal(c.diverged, timeout=10000) as blocker:
        c.play()
    assert "diverged" in blocker.args[0]
    wait_idle(qtbot, c)
    assert c.state == "diverged"
    assert np.isfinite(c.run.theta).all()
    assert np.isfinite(c.losses()).all()
    assert c.suggested_lr() == pytest.approx(1.0)
    c.play()  # refused
    assert c.state == "diverged"
    with qtbot.waitSignal(c.run_reset, timeout=2000):
        c.restart_with({"lr": c.suggested_lr()})
    assert c.config.lr == pytest.approx(1.0)
    assert c.state == "idle" and c.run.diverged is None


def test_slow_speed_is_paced(qtbot, make_controller, trainer):
    c = make_controller(trainer=trainer)
    c.set_speed(5.0)
    c.play()
    qtbot.wait(1000)
    c.pause()
    wait_idle(qtbot, c)
    assert 4 <= c.run.step_count <= 7  # the first at once, then one every 0.2 s


def test_counters_are_evaluated_on_the_full_sets(qtbot, make_controller):
    c = make_controller()
    with qtbot.waitSignal(c.evaluated, timeout=2000) as blocker:
        c.step()
    metrics = blocker.args[0]
    assert set(metrics) == {"train_loss", "test_loss", "train_accuracy", "test_accuracy"}
    assert metrics == c.run.evaluate()
    steps, train, test = c.eval_history()
    assert steps[-1] == 1 and train[-1] == metrics["train_loss"]


def test_edit_weight(qtbot, make_controller):
    c = make_controller()
    c.set_param("W1", (0, 1), 0.75)
    assert c.run.params["W1"][0, 1] == 0.75


def test_frames_are_steady_while_playing(qtbot, make_controller, trainer):
    c = make_controller(trainer=trainer)
    frames = []
    c.frame_ready.connect(lambda: frames.append(time.perf_counter()))
    c.play()
    qtbot.wait(600)
    c.pause()
    wait_idle(qtbot, c)
    assert len(frames) >= 5  # never one per update, never none
    assert len(frames) < c.run.step_count


CLOSE_WHILE_TRAINING = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["GDPLAYGROUND_TRAINER"] = {trainer!r}
    from PySide6.QtCore import QTimer
    from gdplayground.app import make_application
    from gdplayground.ui.main_window import MainWindow

    def main():
        app = make_application()
        window = MainWindow(settings=None)
        window.show()
        def start():
            window.controller.start_process()
            if window.controller.trainer != {trainer!r}:
                QTimer.singleShot(50, start)
                return
            window.controller.play()
            QTimer.singleShot(400, window.close)
            QTimer.singleShot(600, app.quit)
        start()
        app.exec()
        print("steps", window.controller.run.step_count)

    if __name__ == "__main__":
        main()
""")


def test_close_while_training_is_clean(tmp_path, trainer):
    script = tmp_path / "close.py"
    script.write_text(CLOSE_WHILE_TRAINING.format(root=str(ROOT), trainer=trainer))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 0
    noise = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert noise == []  # no "QThread: Destroyed while thread is still running", no leaks


def test_the_process_starts_with_the_first_training(qtbot, make_controller):
    c = make_controller(trainer="process")
    lazy = RunController(trainer="process")
    try:
        assert lazy._pacer.process_worker is None  # a window that never trains starts no process
        lazy.play()  # trains on the thread until the process is ready, then moves there
        qtbot.waitUntil(lambda: lazy.trainer == "process" and lazy.run.step_count > 100, timeout=20000)
        lazy.pause()
        qtbot.waitUntil(lambda: not lazy.busy, timeout=5000)
        here = Run(RunConfig())
        here.train(steps=lazy.run.step_count)
        assert np.array_equal(here.theta, lazy.run.theta)  # the hand-over loses nothing
    finally:
        lazy.shutdown()
    assert c.trainer == "process"


def test_a_lost_training_process_falls_back_to_the_thread(qtbot, make_controller):
    c = make_controller(trainer="process")
    messages = []
    c.status_reported.connect(messages.append)
    c.play()
    qtbot.waitUntil(lambda: c.run.step_count > 50, timeout=10000)
    c._pacer.process_worker._process.kill()
    qtbot.waitUntil(lambda: c.trainer == "thread" and not c.busy, timeout=10000)
    assert c.state == "paused"
    assert any("training process" in m for m in messages)
    before = c.run.step_count
    c.play()  # goes on, on the thread, from where the Run stood
    qtbot.waitUntil(lambda: c.run.step_count > before + 20, timeout=10000)
    c.pause()
    wait_idle(qtbot, c)
    assert len(c.losses()) == c.run.step_count


def test_speed_stops_cover_watching_to_flat_out():
    from gdplayground.ui.controller import SPEEDS

    assert SPEEDS[0] == 1.0 and math.isinf(SPEEDS[-1])


class _WindowGone:
    """The results pipe of a window that was killed: 'ready' went through, then nothing does."""

    def send(self, item) -> None:
        if item != "ready":
            raise BrokenPipeError(32, "Broken pipe")


def test_the_training_process_ends_quietly_when_the_window_is_gone(monkeypatch):
    import threading

    from gdplayground.ui import training_process

    monkeypatch.setattr(training_process, "_yield_to_the_window", lambda: None)  # keep this process's priority
    run = Run(RunConfig())
    request = training_process.TrainRequest(run.config, run.data, run.state, 5000, None)
    commands = iter([request, None])
    # returns instead of raising (a traceback on the terminal) when it cannot report
    training_process.child_main(type("Commands", (), {"recv": lambda self: next(commands)})(), _WindowGone(),
                                threading.Event())


def _catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (Linux: SigCgt in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc to know when the app is up")
def test_a_request_to_end_closes_the_window_cleanly(tmp_path):
    """SIGTERM (logout, kill) ends the app as its close button does: exit 0, nothing printed."""
    import signal

    preset = ROOT / "resources" / "presets" / "05-xor-one-hidden-layer.gdp.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    app = subprocess.Popen([sys.executable, "-m", "gdplayground", "--config", str(preset)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _catches(app.pid, signal.SIGTERM):  # until the app has set up its handler
        assert app.poll() is None and time.monotonic() < deadline, app.communicate()[1]
        time.sleep(0.1)
    app.send_signal(signal.SIGTERM)
    out, err = app.communicate(timeout=30)
    assert app.returncode == 0, err
    assert [line for line in err.splitlines() if "propagateSizeHints" not in line] == []
