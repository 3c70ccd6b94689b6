"""Explain mode through the real widget: the stages of one update in order, captions and
numbers from the record, the network view told what to highlight, and the weights to show."""
import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.ui.explain_mode import ExplainMode, stages


class PhaseRecorder:
    """Stands in for the network view's ``set_phase`` contract."""

    def __init__(self):
        self.calls = []

    def set_phase(self, phase, layer=None):
        self.calls.append((phase, layer))


@pytest.fixture
def mode(qtbot):
    view = PhaseRecorder()
    w = ExplainMode(view)
    qtbot.addWidget(w)
    w.resize(420, 300)
    w.show()
    return w


def _record(**changes):
    run = Run(RunConfig(points=100, hidden=(4, 2), batch_size=10, **changes))
    run.train(steps=3)
    return run, run.step()


def test_stage_order():
    assert stages(3) == [("forward", 1), ("forward", 2), ("forward", 3), ("loss", None),
                         ("backward", 3), ("backward", 2), ("backward", 1), ("update", None)]
    assert stages(1) == [("forward", 1), ("loss", None), ("backward", 1), ("update", None)]


def test_step_advances_one_phase_at_a_time(mode, qtbot):
    run, rec = _record()
    assert not mode.active and "Press Step" in mode.caption.text()
    with qtbot.waitSignal(mode.phase_shown) as sig:
        mode.start(run, rec)
    assert sig.args == ["forward", 1]
    seen = [mode.stage]
    while True:
        with qtbot.waitSignal(mode.phase_shown, raising=False, timeout=100) as sig:
            moved = mode.advance()
        if not moved:
            assert not sig.signal_triggered
            break
        seen.append(mode.stage)
    assert seen == stages(3) and mode.finished
    assert mode.network_view.calls == stages(3)
    assert mode.back() and mode.stage == ("backward", 1)
    mode.stop()
    assert not mode.active and mode.network_view.calls[-1] == (None, None)


def test_captions_carry_the_records_numbers(mode):
    run, rec = _record()
    mode.start(run, rec)
    p = mode.step_phases
    x1, x2 = run.data.x_train[rec.batch[0]]
    assert f"{x1:.3g}".replace("-", "−") in mode.caption.text() and "tanh" in mode.caption.text()
    assert f"{p.activations[1][0]:.3g}".replace("-", "−") in mode.values.text()
    mode.advance(), mode.advance(), mode.advance()  # forward 2, forward 3, loss
    assert mode.stage == ("loss", None)
    assert f"{rec.data_loss:.4g}" in mode.values.text() and "squared error" in mode.caption.text()
    mode.advance()  # backward 3: the output neuron's ∂L/∂z is the output bias gradient
    assert f"{rec.grads['b3'][0]:.3g}".replace("-", "−") in mode.values.text()
    assert "starting at the output" in mode.caption.text()
    while mode.advance():
        pass
    assert mode.stage == ("update", None)
    assert "Δw = −η·∂L/∂w" in mode.caption.text()
    k = int(np.argmax(np.abs(rec.delta)))
    name, pos = run.network.layout.locate(k)
    assert f"largest change: {name}[{', '.join(map(str, pos))}]" in mode.values.text()


def test_weights_shown_change_only_at_the_update_stage(mode):
    run, rec = _record(optimizer="adam", lr=0.01)
    assert mode.weights_to_show() is None
    mode.start(run, rec)
    while not mode.finished:
        assert np.array_equal(mode.weights_to_show()["W1"], rec.params_before["W1"])
        mode.advance()
    assert np.array_equal(mode.weights_to_show()["W1"], rec.params_after["W1"])
    assert "Adam's rule" in mode.caption.text()


def test_three_classes_and_regression(mode):
    run, rec = _record(dataset="blobs3")
    mode.start(run, rec)
    assert "target class" in mode.caption.text()
    mode.advance(), mode.advance(), mode.advance()
    assert "cross-entropy" in mode.caption.text()
    run, rec = _record(dataset="plane")
    mode.start(run, rec)
    assert mode.stage == ("forward", 1) and mode.step_phases.step == rec.step
