"""The update inspector through the real widget: the rule filled in with the record's numbers,
the chooser, the gradient check button, tooltips and the empty state."""
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QColor, QPalette

from gdplayground import Run, RunConfig
from gdplayground.ui.display_names import describe_param
from gdplayground.ui.math_text import number_plain
from gdplayground.ui.step_inspector import StepInspector

CFG = RunConfig(points=100, hidden=(4, 2), batch_size=10)


@pytest.fixture
def inspector(qtbot):
    w = StepInspector()
    qtbot.addWidget(w)
    w.resize(420, 500)
    w.show()
    return w


def _trained(opt="gd", steps=5, **changes):
    run = Run(CFG.replace(optimizer=opt, lr=0.01, **changes))
    run.train(steps=steps - 1)
    return run, run.step()


def test_shows_the_records_numbers_and_ends_in_its_w_new(inspector):
    run, rec = _trained("gd")
    inspector.show_record(run, rec, "W2", (1, 0))
    i = run.network.layout.index("W2", (1, 0))
    e = inspector.explanation()
    assert e.w_new == rec.theta_after[i] and e.lookup("g").value == rec.grad[i]
    text = inspector.math.text()
    assert f"{rec.theta_after[i]:.6g}".replace("-", "−") in text
    assert "Δw" in text and "η" in text
    assert inspector.title.toolTip() == "W2[1, 0]: from neuron 2 of layer 1 to neuron 1 of layer 2"
    # the result first: the record's own w_old, w_new and Δw
    dw = rec.theta_after[i] - rec.theta_before[i]
    assert e.lookup("dw").value == rec.delta[i] and e.lookup("w_old").value == rec.theta_before[i]
    sign = "+" if rec.delta[i] > 0 else ""
    assert inspector.title_text().replace("\n", "  ·  ") == (
        f"W2[1, 0]: {shown(rec.theta_before[i], 6)} → {shown(rec.theta_after[i], 6)}  "
        f"(Δw = {sign}{shown(rec.delta[i])})  ·  update {rec.step}  ·  a batch of 10 examples")
    assert abs(dw - rec.delta[i]) < 1e-12
    assert inspector.subtitle.text().startswith("Gradient descent: step against the gradient")


def shown(x: float, digits: int = 4) -> str:
    """A number as the laid-out text reads it (a superscript exponent is plain text there)."""
    return number_plain(x, digits).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789−"))


def rule_lines(inspector) -> list[str]:
    """The rule as laid out on screen: one string per visual line of each table cell."""
    doc, lines = inspector.math.document(), []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for k in range(layout.lineCount()):
            line = layout.lineAt(k)
            lines.append(block.text()[line.textStart(): line.textStart() + line.textLength()].replace("\xa0", " ").strip())
        block = block.next()
    return lines


def test_each_equation_on_one_line_when_wide_and_two_when_narrow(inspector, qtbot):
    run, rec = _trained("gd")
    inspector.resize(700, 400)
    inspector.show_record(run, rec, "W1", (0, 0))
    e = inspector.explanation()
    n = lambda key, digits=4: shown(e.lookup(key).value, digits)
    lr, g = n("lr"), n("g")
    g = f"({g})" if e.lookup("g").value < 0 else g
    delta = f"Δw = −η·g = −{lr}·{g} = {n('dw')}"
    w_new = f"wold + Δw = {n('w_old', 6)} {'+' if e.lookup('dw').value >= 0 else '−'} " \
            f"{shown(abs(e.lookup('dw').value))} = {n('w_new', 6)}"
    assert inspector.broken_lines() == frozenset()
    lines = rule_lines(inspector)
    assert "−η·g = " + delta.split("−η·g = ", 1)[1] in lines  # "symbolic = numbers = value"
    assert any(line.endswith(f"= {n('w_new', 6)}") and line.startswith("wold + Δw =") for line in lines), lines
    assert inspector.math.content_height() <= inspector.math.height()  # nothing to scroll
    assert "+" in w_new or "−" in w_new


def test_a_narrow_panel_breaks_long_equations_after_their_formula(inspector, qtbot):
    run, rec = _trained("adam", steps=3)
    inspector.resize(900, 400)
    inspector.show_record(run, rec, "b1", (2,))
    e = inspector.explanation()
    assert inspector.broken_lines() == frozenset()
    one_line = rule_lines(inspector)
    inspector.resize(inspector.minimumSizeHint().width(), 400)
    qtbot.waitUntil(lambda: bool(inspector.broken_lines()))
    broken = inspector.broken_lines()
    assert {"m", "v"} <= broken and "c1" not in broken  # only what does not fit
    lines = rule_lines(inspector)
    assert "β1·mold + (1 − β1)·g" in lines  # the formula alone ...
    value = shown(e.lookup("m").value)
    numbers = next(line for line in lines if line.startswith("= ") and line.endswith(f"= {value}"))
    assert numbers.count("=") == 2  # ... the numbers and the value together on the next line
    short = [line for line in lines if line.startswith("1 − β")]
    assert short and all(line in one_line for line in short)  # short ones stay whole
    assert inspector.math.horizontalScrollBar().maximum() == 0
    inspector.resize(900, 400)  # wide again: back on one line
    qtbot.waitUntil(lambda: inspector.broken_lines() == frozenset())
    assert rule_lines(inspector) == one_line


def test_the_title_puts_its_context_on_a_line_of_its_own_when_narrow(inspector, qtbot):
    run, rec = _trained("gd")
    inspector.resize(900, 400)
    inspector.show_record(run, rec, "W1", (0, 0))
    assert "<br>" not in inspector.title.text()
    inspector.resize(inspector.minimumSizeHint().width(), 400)
    qtbot.waitUntil(lambda: "<br>" in inspector.title.text())
    result, context = inspector.title_text().split("\n")
    assert result.startswith("W1[0, 0]: ") and context == f"update {rec.step}  ·  a batch of 10 examples"


def test_adam_keeps_its_result_in_view_above_the_scrolling_rule(inspector):
    run, rec = _trained("adam", steps=3)
    inspector.resize(560, 230)
    inspector.show_record(run, rec, "W1", (1, 2))
    i = run.network.layout.index("W1", (1, 2))
    assert f"→ {shown(rec.theta_after[i], 6)}" in inspector.title_text()
    assert inspector.title.isVisible() and inspector.title.geometry().bottom() < inspector.math.geometry().top()
    assert inspector.check_button.isVisible()  # on the chooser's line
    assert inspector.math.content_height() > inspector.math.height()  # the rule scrolls under it
    for key in ("w_old", "w_new", "dw"):  # the result's numbers name themselves too
        assert f"href='q:{key}'" in inspector.title.text()


def test_check_button_beside_the_chooser_where_it_fits_else_under_the_rule(inspector, qtbot):
    run, rec = _trained("momentum")
    inspector.resize(900, 400)
    inspector.show_record(run, rec, "W1", (0, 0))
    button, combo = inspector.check_button, inspector.col_combo
    assert combo.geometry().top() <= button.geometry().center().y() <= combo.geometry().bottom()
    inspector.resize(440, 400)  # not enough for the combos at full width and the button
    qtbot.waitUntil(lambda: button.geometry().top() >= inspector.math.geometry().bottom())
    assert combo.width() >= max(combo.sizeHint().width(), combo.minimumSizeHint().width())  # not squeezed
    assert button.width() == button.sizeHint().width()
    with qtbot.waitSignal(inspector.gradient_checked):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert inspector.check_label.isVisible()
    inspector.resize(900, 400)
    qtbot.waitUntil(lambda: button.geometry().bottom() < inspector.math.geometry().top())


def test_a_short_panel_never_lays_the_rule_over_its_labels(inspector, qtbot):
    run, rec = _trained("momentum")
    inspector.resize(440, 400)
    inspector.show_record(run, rec, "W1", (0, 0))
    inspector.resize(440, 60)  # as short as it allows
    qtbot.waitUntil(lambda: inspector.height() < 400)
    for label in (inspector.title, inspector.subtitle):  # both wrap to two lines here
        assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing()
    order = [inspector.title, inspector.subtitle, inspector.math, inspector.check_button]
    for upper, lower in zip(order, order[1:]):
        assert upper.geometry().bottom() < lower.geometry().top(), (upper.objectName(), lower.objectName())
    assert inspector.math.height() >= 3 * inspector.fontMetrics().lineSpacing()


def test_adam_shows_moments_and_bias_corrections(inspector):
    run, rec = _trained("adam", steps=3)
    inspector.show_record(run, rec, "b1", (2,))
    text = inspector.math.text()
    for piece in ("m̂", "v̂", "β<sub>1</sub>", "<sup>3</sup>", "ε"):
        assert piece in text
    assert inspector.explanation().w_new == rec.theta_after[run.network.layout.index("b1", (2,))]
    assert inspector.title.toolTip() == "b1[2]: bias of neuron 3 of layer 1"
    assert not inspector.row_combo.isVisibleTo(inspector)  # a bias has no "from"


def test_choosing_in_the_combos_emits_and_shows_the_new_parameter(inspector, qtbot):
    run, rec = _trained("momentum")
    inspector.show_record(run, rec, "W1", (0, 0))
    assert [inspector.row_combo.itemText(i) for i in range(inspector.row_combo.count())] == ["input x₁", "input x₂"]
    with qtbot.waitSignal(inspector.param_chosen) as sig:
        inspector.col_combo.setFocus()
        qtbot.keyClick(inspector.col_combo, Qt.Key.Key_Down)
    assert sig.args == ["W1", (0, 1)]
    assert inspector.explanation().index == run.network.layout.index("W1", (0, 1))
    with qtbot.waitSignal(inspector.param_chosen) as sig:
        inspector.param_combo.setFocus()
        qtbot.keyClick(inspector.param_combo, Qt.Key.Key_Down)  # W1 -> b1, same "to" neuron
    assert sig.args == ["b1", (1,)]
    assert inspector.row_combo.count() == 0 and inspector.to_label.text() == "of"


def test_select_from_the_network_view_does_not_echo(inspector, qtbot):
    run, rec = _trained()
    inspector.show_record(run, rec)
    with qtbot.assertNotEmitted(inspector.param_chosen):
        inspector.select("W3", (1, 0))
    assert inspector.selection() == ("W3", (1, 0))
    assert inspector.param_combo.currentData() == "W3"
    assert inspector.row_combo.currentIndex() == 1 and inspector.col_combo.currentIndex() == 0
    assert inspector.explanation().index == run.network.layout.index("W3", (1, 0))
    inspector.select("W9", (0, 0))  # not in this network: ignored
    assert inspector.selection() == ("W3", (1, 0))


def test_gradient_check_button(inspector, qtbot):
    run, rec = _trained("adam")
    inspector.show_record(run, rec, "W1", (1, 2))
    assert inspector.check_button.isEnabled()
    with qtbot.waitSignal(inspector.gradient_checked) as sig:
        qtbot.mouseClick(inspector.check_button, Qt.MouseButton.LeftButton)
    check = sig.args[0]
    assert check.backprop == rec.grad[run.network.layout.index("W1", (1, 2))]
    assert check.rel_diff < 1e-6
    assert "they agree" in inspector.check_label.text() and inspector.check_label.isVisible()
    # a new record clears the old verdict
    inspector.show_record(run, run.step())
    assert inspector.check_label.text() == "" and not inspector.check_label.isVisible()


def test_every_quantity_has_a_plain_language_tooltip(inspector):
    run, rec = _trained("rmsprop", hyper={"centered": True})
    inspector.show_record(run, rec, "W1", (0, 0))
    e = inspector.explanation()
    for term in e.given + e.constants + e.terms:
        assert f"href='q:{term.key}'" in inspector.math.text()
        assert inspector.tip_for(term.key).startswith(term.tip)
    # symbols inside a formula are links too, not only the numbers
    assert inspector.math.text().count("href='q:alpha'") >= 4  # α in v and ḡ: symbols and numbers
    assert "how much the loss rises" in inspector.tip_for("g")


def test_hovering_a_quantity_names_it(inspector, qtbot):
    run, rec = _trained("adam")
    inspector.show_record(run, rec, "W1", (0, 0))
    view = inspector.math
    points = [QPoint(x, y) for y in range(2, view.viewport().height(), 2)
              for x in range(2, view.viewport().width(), 2) if view.anchorAt(QPoint(x, y)) == "q:beta1"]
    spot = points[len(points) // 2]  # well inside the first β₁ link, not on its edge
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(spot), QPointF(view.viewport().mapToGlobal(spot)),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(view.link_hovered) as sig:
        QApplication.sendEvent(view.viewport(), move)  # a mouse move over the link, as the mouse makes it
    assert sig.args == ["q:beta1"]
    assert "β₁: how slowly the average gradient m forgets" in inspector.tip_for("beta1")


def test_empty_state_and_a_new_network(inspector):
    run = Run(CFG)
    inspector.show_record(run, None)
    assert "No update yet" in inspector.math.text()
    assert not inspector.check_button.isEnabled()
    assert inspector.check_gradient() is None
    inspector.select("W3", (1, 0))
    small = Run(CFG.replace(hidden=(3,)))  # no W3 any more: back to W1[0, 0]
    inspector.show_record(small, small.step())
    assert inspector.selection() == ("W1", (0, 0))
    assert inspector.param_combo.count() == 4


def test_follows_the_palette(inspector):
    run, rec = _trained()
    inspector.show_record(run, rec)
    pal = QPalette(inspector.palette())
    pal.setColor(QPalette.ColorRole.WindowText, QColor(250, 250, 250))
    pal.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
    inspector.setPalette(pal)
    assert "#fafafa" in inspector.math.text()


def test_describe_param_counts_from_one():
    sizes, feats = (2, 4, 1), ("x1", "x2")
    assert describe_param("W1", (1, 3), sizes, feats) == "W1[1, 3]: from input x₂ to neuron 4 of layer 1"
    assert describe_param("b2", (0,), sizes, feats) == "b2[0]: bias of the output"
