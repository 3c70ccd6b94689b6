"""The layer view through the real widget: the four matrices are the record's, scales are
symmetric (shared for W old/new), clicks choose a weight, hover tells its values."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gdplayground import Run, RunConfig
from gdplayground.ui.layer_view import LayerView


@pytest.fixture
def view(qtbot):
    w = LayerView()
    qtbot.addWidget(w)
    w.resize(480, 320)
    w.show()
    return w


def _record(opt="gd", hidden=(4, 2)):
    run = Run(RunConfig(points=100, hidden=hidden, optimizer=opt, lr=0.03, batch_size=10))
    run.train(steps=3)
    return run.step()


def test_shows_the_records_matrices_for_the_chosen_layer(view):
    rec = _record()
    view.show_record(rec, "gd")
    assert view.layer == 1 and view.layer_combo.count() == 3
    assert view.layer_combo.itemText(2) == "W3: layer 2 → output"
    view.set_layer(2)
    panels = view.panels()
    assert list(panels) == ["before", "grad", "update", "after"]
    for key, source in (("before", rec.params_before), ("grad", rec.grads), ("update", rec.update), ("after", rec.params_after)):
        w, b, limit = panels[key]
        assert np.array_equal(w, source["W2"]) and np.array_equal(b, source["b2"])
        assert limit == pytest.approx(max(np.abs(w).max(), np.abs(b).max()), rel=0) or key in ("before", "after")
    # W before and after share one symmetric scale
    assert panels["before"][2] == panels["after"][2] >= np.abs(rec.params_after["W2"]).max()
    # the matrix form: W_new = W_old + ΔW, ΔW = −η∇W for gradient descent
    assert np.array_equal(panels["after"][0], panels["before"][0] + panels["update"][0])
    assert np.array_equal(panels["update"][0], -rec.lr * panels["grad"][0])
    assert "ΔW = −η∇W" in view.caption.text() and "comes from" in view.caption.toolTip()


def test_other_optimizers_say_the_step_is_theirs(view):
    view.show_record(_record("adam"), "adam")
    assert "Adam's step" in view.caption.text() and "not simply −η∇W" in view.caption.text()


def test_clicking_a_cell_chooses_that_weight(view, qtbot):
    rec = _record()
    view.show_record(rec, "gd")
    view.set_layer(2)
    r = view.heatmaps.cell_rect(2, "W2", (3, 1))  # the ΔW panel, row 3, column 1
    with qtbot.waitSignal(view.param_chosen) as sig:
        qtbot.mouseClick(view.heatmaps, Qt.MouseButton.LeftButton, pos=r.center().toPoint())
    assert sig.args == ["W2", (3, 1)]
    b = view.heatmaps.cell_rect(0, "b2", (1,))
    with qtbot.waitSignal(view.param_chosen) as sig:
        qtbot.mouseClick(view.heatmaps, Qt.MouseButton.LeftButton, pos=b.center().toPoint())
    assert sig.args == ["b2", (1,)]
    with qtbot.assertNotEmitted(view.param_chosen):
        qtbot.mouseClick(view.heatmaps, Qt.MouseButton.LeftButton, pos=QPoint(1, 1))


def test_hover_text_gives_all_four_values(view):
    rec = _record()
    view.show_record(rec, "gd", names=(["x₁", "x₂"], ["n1", "n2", "n3", "n4"], ["m1", "m2"], ["out"]))
    view.set_layer(2)
    text = view.heatmaps.describe("W2", (3, 1))
    assert text.splitlines()[0] == "W2[3, 1]: n4 → m2"
    assert f"W new = {rec.params_after['W2'][3, 1]:.6g}".replace("-", "−") in text
    assert len(text.splitlines()) == 5
    assert view.heatmaps.describe("b2", (0,)).startswith("b2[0]: bias of m1")


def test_layer_combo_emits_and_selection_follows_layer(view, qtbot):
    view.show_record(_record(), "gd")
    with qtbot.waitSignal(view.layer_chosen) as sig:
        view.layer_combo.setFocus()
        qtbot.keyClick(view.layer_combo, Qt.Key.Key_Down)
    assert sig.args == [2] and view.layer == 2
    view.set_selected("W3", (0, 0))
    assert view.layer == 3 and view.layer_combo.currentIndex() == 2
    assert view.panels()["grad"][0].shape == (2, 1)


def test_fits_its_width_and_a_new_network(view):
    view.show_record(_record(hidden=(8, 8)), "gd")
    view.set_layer(2)
    h = view.heatmaps
    right = h.cell_rect(3, "W2", (7, 7)).right()
    assert right <= h.width() and h.heightForWidth(h.width()) >= h.cell_rect(3, "b2", (7,)).bottom()
    view.show_record(_record(hidden=(3,)), "gd")  # layer 2 is now the output layer
    assert view.layer_combo.count() == 2 and view.panels()["before"][0].shape == (3, 1)
