"""NetworkView through real mouse and keyboard events, offscreen."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QToolTip

from gdplayground import Run, RunConfig
from gdplayground.engine import activations, features
from gdplayground.ui import colors
from gdplayground.ui.network_view import NetworkView
from gdplayground.ui.neuron_images import neuron_images
from gdplayground.ui.palette import dark_palette
from gdplayground.ui.network_view.editor import REFUSAL
from gdplayground.ui.network_view.view import LAST_FEATURE

ALL = features.NAMES


def params_for(sizes, rng=None, fill=None):
    rng = rng or np.random.default_rng(0)
    out = {}
    for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        out[f"W{l}"] = np.full((a, b), fill) if fill is not None else rng.uniform(-1, 1, (a, b))
        out[f"b{l}"] = np.full(b, 0.1)
    return out


@pytest.fixture
def make_view(qtbot):
    def make(active=("x1", "x2"), hidden=(4, 2), acts=None, n_out=1, size=(1100, 600), params=True):
        view = NetworkView()
        qtbot.addWidget(view)
        view.resize(*size)
        view.set_structure(ALL, active, hidden, acts or ("tanh",) * len(hidden), n_out)
        if params:
            view.set_params(params_for((len(active), *hidden, n_out)))
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitActive(view)
        return view

    return make


def fresh_grab(qtbot, view):
    qtbot.waitUntil(lambda: (view.repaint(), not view.connections_pending)[1], timeout=2000)
    return view.grab().toImage()


def hue(image, point: QPoint) -> str:
    c = QColor(image.pixel(point))
    if c.blue() > c.red() + 40:
        return "blue"
    if c.red() > c.blue() + 40:
        return "orange"
    return "neutral"


# --- features ------------------------------------------------------------------------------


def test_clicking_features_toggles_them(qtbot, make_view):
    view = make_view()
    with qtbot.waitSignal(view.feature_toggled) as on:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.feature_point("x1sq"))
    assert on.args == ["x1sq", True]
    with qtbot.waitSignal(view.feature_toggled) as off:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.feature_point("x2"))
    assert off.args == ["x2", False]


def test_the_last_feature_cannot_be_switched_off(qtbot, make_view):
    view = make_view(active=("sinx1",))
    with qtbot.assertNotEmitted(view.feature_toggled):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.feature_point("sinx1"))
    assert QToolTip.text() == LAST_FEATURE
    assert LAST_FEATURE in view.describe(view.target_at(view.feature_point("sinx1")))
    with qtbot.waitSignal(view.feature_toggled) as on:  # the others still turn on
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.feature_point("x1"))
    assert on.args == ["x1", True]


def test_features_follow_the_order_of_the_features_tuple(make_view):
    view = make_view(active=("x2", "x1"))
    assert view.node_point(0, 0) == view.feature_point("x2")
    assert "from input x₁ to neuron 3 of layer 1" in view.describe(("param", "W1", (1, 2)))


# --- layers, neurons, activations -----------------------------------------------------------


def test_neuron_buttons_emit_the_new_tuple(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    with qtbot.waitSignal(view.hidden_changed) as added:
        qtbot.mouseClick(view.layer_controls[0].add_button, Qt.MouseButton.LeftButton)
    assert added.args == [(5, 2)]
    with qtbot.waitSignal(view.hidden_changed) as removed:
        qtbot.mouseClick(view.layer_controls[1].remove_button, Qt.MouseButton.LeftButton)
    assert removed.args == [(4, 1)]
    assert view.layer_controls[1].count_label.text() == "2 neurons"
    assert not view.layer_controls[2].isVisible()


def test_neuron_limits(qtbot, make_view):
    view = make_view(hidden=(32, 1))
    full, single = view.layer_controls[0], view.layer_controls[1]
    assert not full.add_button.isEnabled() and full.remove_button.isEnabled()
    assert single.add_button.isEnabled() and not single.remove_button.isEnabled()
    assert single.count_label.text() == "1 neuron"
    with qtbot.assertNotEmitted(view.hidden_changed):
        qtbot.mouseClick(full.add_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(single.remove_button, Qt.MouseButton.LeftButton)


def test_layer_buttons_and_limits(qtbot, make_view):
    view = make_view(hidden=(4, 3))
    assert view.layer_count.label.text() == "2 hidden layers"
    with qtbot.waitSignal(view.hidden_changed) as added:
        qtbot.mouseClick(view.layer_count.add_button, Qt.MouseButton.LeftButton)
    assert added.args == [(4, 3, 3)]  # a new layer copies the last one's width
    with qtbot.waitSignal(view.hidden_changed) as removed:
        qtbot.mouseClick(view.layer_count.remove_button, Qt.MouseButton.LeftButton)
    assert removed.args == [(4,)]

    view.set_structure(ALL, ("x1",), (), (), 1)
    assert view.layer_count.label.text() == "0 hidden layers"
    assert not view.layer_count.remove_button.isEnabled()
    with qtbot.waitSignal(view.hidden_changed) as first:
        qtbot.mouseClick(view.layer_count.add_button, Qt.MouseButton.LeftButton)
    assert first.args == [(4,)]

    view.set_structure(ALL, ("x1",), (2,) * 8, ("relu",) * 8, 1)
    assert not view.layer_count.add_button.isEnabled()
    with qtbot.assertNotEmitted(view.hidden_changed):
        qtbot.mouseClick(view.layer_count.add_button, Qt.MouseButton.LeftButton)


def test_limits_leave_buttons_disabled_by_others_alone(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    locked = view.layer_controls[0].add_button
    locked.setEnabled(False)  # e.g. a lesson that fixes the network's shape
    view.set_structure(ALL, ("x1", "x2"), (5, 2), ("tanh", "tanh"), 1)
    assert not locked.isEnabled()
    view.set_structure(ALL, ("x1", "x2"), (32, 2), ("tanh", "tanh"), 1)
    view.set_structure(ALL, ("x1", "x2"), (4, 2), ("tanh", "tanh"), 1)
    assert not locked.isEnabled()
    full = view.layer_controls[1].add_button
    view.set_structure(ALL, ("x1", "x2"), (4, 32), ("tanh", "tanh"), 1)
    assert not full.isEnabled()
    view.set_structure(ALL, ("x1", "x2"), (4, 31), ("tanh", "tanh"), 1)
    assert full.isEnabled()


def test_activation_combo(qtbot, make_view):
    view = make_view(hidden=(4, 2), acts=("tanh", "relu"))
    combo = view.layer_controls[1].activation_combo
    assert combo.currentData() == "relu"
    assert [combo.itemData(i) for i in range(combo.count())] == list(activations.NAMES)
    combo.setFocus()
    with qtbot.waitSignal(view.activation_changed) as changed:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert changed.args == [1, combo.currentData()]
    assert combo.currentData() != "relu"
    with qtbot.assertNotEmitted(view.activation_changed):  # setting the structure is silent
        view.set_structure(ALL, ("x1", "x2"), (4, 2), ("tanh", "sigmoid"), 1)
    assert combo.currentData() == "sigmoid"


# --- hovering ------------------------------------------------------------------------------


def test_hovering_a_node_reports_it(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    with qtbot.waitSignal(view.neuron_hovered) as hovered:
        qtbot.mouseMove(view, view.node_point(1, 2))
    assert hovered.args == [1, 2]
    with qtbot.waitSignal(view.neuron_hovered) as feature:
        qtbot.mouseMove(view, view.feature_point("x2"))
    assert feature.args == [0, 1]
    with qtbot.waitSignal(view.neuron_hovered) as output:
        qtbot.mouseMove(view, view.node_point(3, 0))
    assert output.args == [3, 0]
    with qtbot.waitSignal(view.neuron_hovered) as away:
        qtbot.mouseMove(view, QPoint(view.width() - 5, view.height() - 5))
    assert away.args == [-1, -1]


def test_leaving_the_view_reports_no_neuron(qtbot, make_view):
    view = make_view()
    qtbot.mouseMove(view, view.node_point(1, 0))
    with qtbot.waitSignal(view.neuron_hovered) as left:
        view.leaveEvent(QEvent(QEvent.Type.Leave))
    assert left.args == [-1, -1]


def test_hovering_a_connection_shows_its_value(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    params = params_for((2, 4, 2, 1))
    params["W2"][1, 0] = 0.4213
    view.set_params(params)
    point = view.param_point("W2", (1, 0))
    qtbot.mouseMove(view, point)
    QToolTip.hideText()
    view.event(QHelpEvent(QEvent.Type.ToolTip, point, view.mapToGlobal(point)))
    assert QToolTip.text().startswith("W2[1, 0] = 0.4213 (from neuron 2 of layer 1 to neuron 1 of layer 2)")
    params["W2"][1, 0] = -2.5  # while the tooltip is up, training changes the weight: it follows
    view.set_params(params)
    assert QToolTip.text().startswith("W2[1, 0] = -2.5000 (from")
    bias = view.param_point("b3", (0,))
    view.event(QHelpEvent(QEvent.Type.ToolTip, bias, view.mapToGlobal(bias)))
    assert QToolTip.text().startswith("b3[0] = 0.1000 (bias of the output (layer 3))")


# --- selecting and editing parameters -------------------------------------------------------


def test_clicking_a_connection_selects_and_edits_it(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    with qtbot.waitSignal(view.param_selected) as selected:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.param_point("W2", (3, 1)))
    assert selected.args == ["W2", (3, 1)]
    editor = view.editor
    assert editor.isVisible()
    qtbot.waitUntil(editor.hasFocus)
    assert float(editor.text()) == pytest.approx(params_for((2, 4, 2, 1))["W2"][3, 1])
    editor.selectAll()
    with qtbot.waitSignal(view.param_edited) as edited:
        qtbot.keyClicks(editor, "-1.25e-1")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert edited.args == ["W2", (3, 1), -0.125]
    assert not editor.isVisible()


def test_clicking_a_bias_selects_it(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    with qtbot.waitSignal(view.param_selected) as selected:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.param_point("b1", (2,)))
    assert selected.args == ["b1", (2,)]
    with qtbot.waitSignal(view.param_edited) as edited:
        view.editor.selectAll()
        qtbot.keyClicks(view.editor, "3")
        qtbot.keyClick(view.editor, Qt.Key.Key_Enter)
    assert edited.args == ["b1", (2,), 3.0]


def test_invalid_values_are_refused_and_esc_cancels(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.param_point("W1", (0, 0)))
    editor = view.editor
    editor.selectAll()
    with qtbot.assertNotEmitted(view.param_edited):
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
        qtbot.keyClicks(editor, "abc")  # the validator keeps letters out
        assert editor.text() == ""
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        assert editor.isVisible() and QToolTip.text() == REFUSAL
        qtbot.keyClicks(editor, "1e")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        assert editor.isVisible()
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_clicking_elsewhere_cancels_the_edit(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.param_point("W1", (1, 3)))
    assert view.editor.isVisible()
    with qtbot.assertNotEmitted(view.param_edited):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(view.width() - 4, view.height() - 4))
    assert not view.editor.isVisible()


# --- drawing -------------------------------------------------------------------------------


def test_connection_colour_follows_the_sign(qtbot, make_view):
    view = make_view(active=("x1", "x2"), hidden=(1,), params=False)
    rng = np.random.default_rng(7)
    for _ in range(3):
        params = params_for((2, 1, 1))
        for name in ("W1", "W2"):
            params[name] = rng.choice([-1.0, 1.0], params[name].shape) * rng.uniform(1.5, 3.0, params[name].shape)
        view.set_params(params)
        image = fresh_grab(qtbot, view)
        for name, pos in (("W1", (0, 0)), ("W1", (1, 0)), ("W2", (0, 0))):
            expected = "blue" if params[name][pos] > 0 else "orange"
            assert hue(image, view.param_point(name, pos)) == expected, (name, pos, params[name][pos])


def test_weights_change_the_drawing_and_non_finite_ones_are_not_drawn_as_data(qtbot, make_view):
    view = make_view(hidden=(1,), params=False)
    view.set_params(params_for((2, 1, 1), fill=2.0))
    point = view.param_point("W1", (0, 0))
    assert hue(fresh_grab(qtbot, view), point) == "blue"
    view.set_params(params_for((2, 1, 1), fill=-2.0))
    assert hue(fresh_grab(qtbot, view), point) == "orange"
    view.set_params(params_for((2, 1, 1), fill=np.nan))
    assert hue(fresh_grab(qtbot, view), point) == "neutral"
    view.set_params({"W1": np.ones((5, 5))})  # wrong shapes: ignored, never a crash
    fresh_grab(qtbot, view)


def test_neuron_images_are_drawn_in_the_nodes(qtbot, make_view):
    view = make_view(hidden=(3,))
    centre = view.node_point(1, 1)
    before = QColor(fresh_grab(qtbot, view).pixel(centre))
    view.set_neuron_images([[np.zeros((8, 8))] * 2, [np.ones((8, 8)), np.ones((8, 8)), -np.ones((8, 8))], [np.zeros((8, 8))]])
    image = fresh_grab(qtbot, view)
    assert QColor(image.pixel(centre)) == colors.positive() != before
    assert QColor(image.pixel(view.node_point(1, 2))) == colors.negative()
    picture = np.tile(np.linspace(-1, 1, 8)[:, None], (1, 8))  # row 0 = bottom: negative at the bottom
    view.set_neuron_images([[], [picture] * 3])
    image = fresh_grab(qtbot, view)
    top, bottom = view.node_point(1, 0) - QPoint(0, 10), view.node_point(1, 0) + QPoint(0, 10)
    assert (hue(image, top), hue(image, bottom)) == ("blue", "orange")


def test_selection_halo_and_phases_change_the_picture_and_go_away(qtbot, make_view):
    view = make_view(hidden=(4, 2))
    plain = fresh_grab(qtbot, view)
    view.set_selected("W2", (0, 1))
    assert fresh_grab(qtbot, view) != plain
    view.set_selected("W9", (0, 0))  # no such parameter: nothing selected
    assert fresh_grab(qtbot, view) == plain
    pictures = set()
    for phase, layer in (("forward", 1), ("forward", 2), ("loss", None), ("backward", 2), ("update", None)):
        view.set_phase(phase, layer)
        image = fresh_grab(qtbot, view)
        assert image != plain
        pictures.add(image.bits().tobytes())
    assert len(pictures) == 5
    view.set_phase(None)
    assert fresh_grab(qtbot, view) == plain


@pytest.mark.parametrize("size", [(440, 360), (520, 400), (900, 500), (1280, 700), (1900, 1000)])
@pytest.mark.parametrize("hidden", [(4, 2), (8,) * 6, (32, 32, 32, 32, 32, 32, 32, 32)])
def test_layout_fits_and_stays_legible(make_view, size, hidden):
    view = make_view(active=ALL, hidden=hidden, size=size)
    bounds = view.rect()
    rects = [view._geometry().feature_rects[n] for n in ALL]
    rects += [r for layer in view._geometry().node_rects for r in layer]
    assert all(bounds.contains(r.toRect()) for r in rects)
    assert all(r.width() == r.height() for r in rects)
    smallest_feature = min(view._geometry().feature_rects[n].width() for n in ALL)
    assert smallest_feature >= (30 if size[0] >= 900 else 12)
    controls = [c for c in view.layer_controls if c.isVisible()] + [view.layer_count]
    for i, a in enumerate(controls):
        assert bounds.contains(a.geometry())
        assert all(not a.geometry().intersects(b.geometry()) for b in controls[i + 1:])
        assert a.geometry().bottom() < min(r.top() for r in rects)


def test_a_stream_of_weights_ends_in_the_same_picture_as_one_update(qtbot, make_view):
    """While weights stream in, connections may be drawn fast and within a budget; once the
    stream stops the picture is exactly that of the last weights drawn at leisure."""
    view = make_view(active=ALL, hidden=(8,) * 6, size=(1100, 600), params=False)
    rng = np.random.default_rng(3)
    sizes = (7, 8, 8, 8, 8, 8, 8, 1)
    last = None
    for _ in range(30):
        last = params_for(sizes, rng)
        view.set_params(last)
        qtbot.wait(5)
    streamed = fresh_grab(qtbot, view)
    once = make_view(active=ALL, hidden=(8,) * 6, size=(1100, 600), params=False)
    once.set_params(last)
    assert fresh_grab(qtbot, once) == streamed


# --- a demo with a real run: screenshots to look at --------------------------------------------


def test_demo_screenshots(qtbot, tmp_path):
    """Renders a trained run with its neuron pictures at two sizes, light and dark. Set
    NETWORK_VIEW_SHOTS to a folder to keep the PNGs and look at them."""
    out = Path(os.environ.get("NETWORK_VIEW_SHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    run = Run(RunConfig(dataset="spiral", features=("x1", "x2", "x1sq", "x2sq", "sinx1", "sinx2"), hidden=(8, 8, 6, 4),
                        activation=("tanh", "relu", "tanh", "tanh"), lr=0.03))
    run.train(steps=1500)
    images = neuron_images(run)
    assert [len(layer) for layer in images] == list(run.network.sizes)
    for theme, palette in (("light", None), ("dark", dark_palette())):
        for w, h in ((900, 500), (1900, 1000)):
            view = NetworkView()
            qtbot.addWidget(view)
            if palette is not None:
                view.setPalette(palette)
            view.resize(w, h)
            view.set_structure(ALL, run.config.features, run.config.hidden, run.config.activations, run.network.sizes[-1])
            view.set_params(run.params)
            view.set_neuron_images(images)
            view.set_selected("W2", (3, 1))
            view.show()
            qtbot.waitExposed(view)
            qtbot.mouseMove(view, QPoint(2, 2))  # a move, wherever the last view left the mouse
            qtbot.mouseMove(view, view.node_point(2, 0))
            image = fresh_grab(qtbot, view)
            path = out / f"network_view_{theme}_{w}x{h}.png"
            assert image.save(str(path))
            assert len({image.pixel(x, y) for x in range(0, w, 7) for y in range(0, h, 7)}) > 50
            view.set_phase("backward", 2)
            assert fresh_grab(qtbot, view).save(str(out / f"network_view_{theme}_{w}x{h}_backward.png"))
