"""The update inspector: for one weight or bias, the current optimizer's rule written out and
filled in with one update's own numbers, ending in the w_new the engine produced; a chooser
(parameter, from, to) as an alternative to clicking in the network view; and a gradient check
(backprop against a central finite difference on the same batch).

Passive: ``show_record`` gives it a run's record to show; it reads, never changes, the run. Every
symbol and number is a link whose hover shows what the quantity means.
"""
from __future__ import annotations

import html
from typing import Any, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPalette
from PySide6.QtWidgets import (
    QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QToolTip, QVBoxLayout, QWidget,
)

from ..engine import features as feature_names
from ..engine.explain import Explanation, GradientCheck, Term, check_record, explain_record, setup_of, tokens
from ..engine.training import Setup, StepRecord
from .math_text import MINUS, markup_html, number_html, number_plain

OPTIMIZER_TITLES = {
    "gd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov momentum",
    "rmsprop": "RMSprop", "adam": "Adam", "adamax": "Adamax", "adagrad": "Adagrad", "adadelta": "Adadelta",
}
AGREE = 1e-6  # relative difference below which backprop and the finite difference agree
CLOSE = 1e-3  # a kink (ReLU at 0, L1 at 0) or rounding; above this they differ


def describe_param(name: str, position: Sequence[int], sizes: Sequence[int], features: Sequence[str]) -> str:
    """'W2[1, 0]: from neuron 2 of layer 1 to neuron 1 of layer 2' (people count from 1)."""
    layer = int(name[1:])
    head = f"{name}[{', '.join(str(int(p)) for p in position)}]"
    if name.startswith("W"):
        i, j = position
        return f"{head}: from {neuron_name(layer - 1, i, sizes, features)} to {neuron_name(layer, j, sizes, features)}"
    return f"{head}: bias of {neuron_name(layer, position[0], sizes, features)}"


def neuron_name(layer: int, index: int, sizes: Sequence[int], features: Sequence[str]) -> str:
    if layer == 0:
        name = features[index] if index < len(features) else f"input {index + 1}"
        return f"input {feature_names.LABELS.get(name, name)}"
    if layer == len(sizes) - 1:
        return "the output" if sizes[-1] == 1 else f"output {index + 1}"
    return f"neuron {index + 1} of layer {layer}"


class MathView(QTextBrowser):
    """Rich text with hoverable links, laid out once per change (a QLabel with the same text
    re-lays it out for every size query: measured 3 to 10 times slower). ``text()`` is the
    HTML last given; ``link_hovered(str)`` carries the link under the mouse ("" when none)."""

    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html = ""
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)  # the panel's background, in either palette
        self.document().setDocumentMargin(2)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))

    def setText(self, html_text: str) -> None:
        self._html = html_text
        self.setHtml(html_text)

    def text(self) -> str:
        return self._html

    def content_height(self) -> int:
        self.document().setTextWidth(self.viewport().width())
        return int(self.document().size().height()) + 2 * self.frameWidth() + 2


class StepInspector(QWidget):
    """Signals: ``param_chosen(name, position)`` when the user picks a parameter in the chooser;
    ``gradient_checked(GradientCheck)`` after the check button ran."""

    param_chosen = Signal(str, tuple)
    gradient_checked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: Any = None
        self._record: StepRecord | None = None
        self._setup: Setup | None = None
        self._explanation: Explanation | None = None
        self._sizes: tuple[int, ...] = ()
        self._features: tuple[str, ...] = ()
        self._names: tuple[str, ...] = ()
        self._shapes: tuple[tuple[int, ...], ...] = ()
        self._name, self._position = "W1", (0, 0)
        self._shown_key: tuple = ()
        self._tips: dict[str, str] = {}
        self._building = False
        self._build()

    # -- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.param_combo = QComboBox(self)
        self.param_combo.setObjectName("inspectorParam")
        self.param_combo.setToolTip("Which weights or biases: W_l connects layer l−1 to layer l, b_l are layer l's biases")
        self.row_combo = QComboBox(self)
        self.row_combo.setObjectName("inspectorFrom")
        self.row_combo.setToolTip("The neuron this weight comes from (a row of W)")
        self.col_combo = QComboBox(self)
        self.col_combo.setObjectName("inspectorTo")
        self.col_combo.setToolTip("The neuron this weight goes to (a column of W)")
        for combo in (self.param_combo, self.row_combo, self.col_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.activated.connect(self._on_combo)
        self.from_label = QLabel("from", self)
        self.to_label = QLabel("to", self)
        chooser = QHBoxLayout()
        chooser.setContentsMargins(0, 0, 0, 0)
        for w in (self.param_combo, self.from_label, self.row_combo, self.to_label, self.col_combo):
            chooser.addWidget(w)
        chooser.addStretch(1)

        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("inspectorSummary")
        self.subtitle.setWordWrap(True)
        self.math = MathView(self)
        self.math.setObjectName("inspectorMath")
        self.math.link_hovered.connect(self._on_link_hovered)

        self.check_button = QPushButton("Check gradient", self)
        self.check_button.setObjectName("checkGradient")
        self.check_button.setToolTip(
            "Compare backprop's ∂L/∂w with a finite difference: nudge this weight by ±h on the same "
            "batch and measure how the loss changes")
        self.check_button.clicked.connect(self.check_gradient)
        self.check_label = QLabel(self)
        self.check_label.setObjectName("checkResult")
        self.check_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_label.setWordWrap(True)
        check_row = QHBoxLayout()
        check_row.setContentsMargins(0, 0, 0, 0)
        check_row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        check_row.addWidget(self.check_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(chooser)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.math, 1)
        layout.addLayout(check_row)
        self._show_empty("No run yet.")

    # -- public API ---------------------------------------------------------------------------
    def show_record(self, run: Any, record: StepRecord | None, name: str | None = None,
                    position: Sequence[int] | None = None) -> None:
        """Show update ``record`` of ``run`` (None: nothing trained yet) for parameter
        ``name[position]`` (default: the one chosen before). Call it when the run is safe to
        read (the controller's frame); the setup of that update is kept for the gradient check."""
        self._run = run
        self._adopt_layout(run)
        if name is not None and position is not None:
            self._set_selection(name, tuple(int(p) for p in position))
        key = (id(run), id(record), self._name, self._position)
        if key == self._shown_key:
            return
        self._shown_key = key
        self._record = record
        self.check_label.clear()
        if record is None:
            self._setup = None
            self._explanation = None
            self._show_empty("No update yet: press Step to make one, then see it here.")
            return
        self._setup = setup_of(run, record)
        index = run.network.layout.index(self._name, self._position)
        self._explanation = explain_record(run, record, index)
        self._render()

    def select(self, name: str, position: Sequence[int]) -> None:
        """Choose ``name[position]`` (e.g. a click in the network view) without emitting."""
        self._set_selection(name, tuple(int(p) for p in position))
        if self._run is not None:
            self._shown_key = ()
            self.show_record(self._run, self._record)

    def selection(self) -> tuple[str, tuple[int, ...]]:
        return self._name, self._position

    def explanation(self) -> Explanation | None:
        """What is shown now (for tests and for the window's status bar)."""
        return self._explanation

    def check_gradient(self) -> GradientCheck | None:
        """Run the finite-difference check for the shown parameter and update; show and emit it."""
        rec, run = self._record, self._run
        if rec is None or run is None:
            self.check_label.setText("Make an update first.")
            return None
        index = run.network.layout.index(self._name, self._position)
        result = check_record(run, rec, index, setup=self._setup)
        self.check_label.setText(_check_html(result))
        self.gradient_checked.emit(result)
        return result

    # -- chooser ------------------------------------------------------------------------------
    def _adopt_layout(self, run: Any) -> None:
        layout = run.network.layout
        sizes, features = tuple(run.network.sizes), tuple(run.config.features)
        if (layout.names, layout.shapes, sizes, features) == (self._names, self._shapes, self._sizes, self._features):
            return
        self._names, self._shapes, self._sizes, self._features = layout.names, layout.shapes, sizes, features
        self._building = True
        self.param_combo.clear()
        for k, name in enumerate(layout.names):
            layer = int(name[1:])
            where = "the output" if layer == len(sizes) - 1 else f"layer {layer}"
            tip = f"weights into {where}" if name.startswith("W") else f"biases of {where}"
            self.param_combo.addItem(name, name)
            self.param_combo.setItemData(k, tip, Qt.ItemDataRole.ToolTipRole)
        self._building = False
        if not self._valid(self._name, self._position):
            self._name, self._position = layout.names[0], (0, 0)
        self._sync_combos()

    def _valid(self, name: str, position: tuple[int, ...]) -> bool:
        if name not in self._names:
            return False
        shape = self._shapes[self._names.index(name)]
        return len(position) == len(shape) and all(0 <= p < n for p, n in zip(position, shape))

    def _set_selection(self, name: str, position: tuple[int, ...]) -> None:
        if self._names and not self._valid(name, position):
            return
        self._name, self._position = name, position
        self._sync_combos()

    def _sync_combos(self) -> None:
        if not self._names:
            return
        self._building = True
        layer = int(self._name[1:])
        is_weight = self._name.startswith("W")
        self.param_combo.setCurrentIndex(self._names.index(self._name))
        self.row_combo.clear()
        self.col_combo.clear()
        if is_weight:
            for i in range(self._sizes[layer - 1]):
                self.row_combo.addItem(neuron_name(layer - 1, i, self._sizes, self._features), i)
        for j in range(self._sizes[layer]):
            self.col_combo.addItem(neuron_name(layer, j, self._sizes, self._features), j)
        self.row_combo.setVisible(is_weight)
        self.from_label.setVisible(is_weight)
        self.to_label.setText("to" if is_weight else "of")
        if is_weight:
            self.row_combo.setCurrentIndex(self._position[0])
        self.col_combo.setCurrentIndex(self._position[-1])
        self._building = False

    def _on_combo(self) -> None:
        if self._building or not self._names:
            return
        name = self.param_combo.currentData()
        layer = int(name[1:])
        if name != self._name:  # keep the same neurons where they exist in the new layer
            col = min(self._position[-1], self._sizes[layer] - 1)
            row = min(self._position[0], self._sizes[layer - 1] - 1) if len(self._position) == 2 else 0
        else:
            row, col = max(self.row_combo.currentIndex(), 0), max(self.col_combo.currentIndex(), 0)
        position = (row, col) if name.startswith("W") else (col,)
        self._set_selection(name, position)
        self.param_chosen.emit(self._name, self._position)
        if self._run is not None:
            self.show_record(self._run, self._record)

    # -- rendering ----------------------------------------------------------------------------
    def _show_empty(self, message: str) -> None:
        self.title.setText(f"<b>{self._short_name()}</b>" if self._sizes else "")
        self.title.setToolTip(describe_param(self._name, self._position, self._sizes, self._features) if self._sizes else "")
        self.subtitle.setText("")
        self.math.setText(f"<p>{html.escape(message)}</p>")
        self.check_button.setEnabled(False)

    def _render(self) -> None:
        e, rec = self._explanation, self._record
        assert e is not None and rec is not None
        n = len(rec.batch)
        batch = "the whole training set" if n == len(self._setup.y) else f"a batch of {n} example" + ("" if n == 1 else "s")
        title = OPTIMIZER_TITLES.get(e.optimizer, e.optimizer)
        self.title.setText(f"<b>{self._short_name()}</b> &nbsp;·&nbsp; update {rec.step} &nbsp;·&nbsp; {title} "
                           f"&nbsp;·&nbsp; {batch}")
        self.title.setToolTip(describe_param(self._name, self._position, self._sizes, self._features))
        self.subtitle.setText(e.summary)
        self._tips = {t.key: _tip(t) for t in e.given + e.constants + e.terms}
        self.math.setText(self._math_html(e))
        self.check_button.setEnabled(True)

    def _math_html(self, e: Explanation) -> str:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText).name()
        dim = _blend(pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Window), 0.6)
        link = f"color:{text}; text-decoration:none"

        def sym(term: Term) -> str:
            return f"<a href='q:{term.key}' style='{link}'><i>{markup_html(term.symbol)}</i></a>"

        def num(term: Term) -> str:
            return f"<a href='q:{term.key}' style='{link}'>{number_html(term.value, _digits(term.key))}</a>"

        def given_row(caption: str, terms: Sequence[Term]) -> str:
            items = "&nbsp;&nbsp;&nbsp; ".join(f"{sym(t)}&nbsp;=&nbsp;{num(t)}" for t in terms)
            return f"<tr><td style='color:{dim}; padding-right:10px'>{caption}</td><td>{items}</td></tr>"

        head = [t for t in e.given if t.key in ("w_old", "g", "lr", "t")]
        old = [t for t in e.given if t not in head]
        given = [given_row("this update", head)]
        if old:
            given.append(given_row("from before", old))
        if e.constants:
            given.append(given_row("settings", e.constants))
        parts = [f"<table cellspacing='0' cellpadding='1'>{''.join(given)}</table>"]
        rows = []
        for term in e.terms:
            symbolic = _linked(e.symbolic(term), e, link, numbers=False)
            filled = _linked(term.rule, e, link, numbers=True)
            final = term.key in ("dw", "w_new")
            value = num(term)
            value = f"<b>{value}</b>" if final else value
            warn = "" if term.agrees else f" <span style='color:#d03030'>≠ recorded {number_html(term.recorded or 0.0)}</span>"
            rows.append(
                f"<tr><td align='right' style='padding-top:6px'>{sym(term)}</td><td style='padding-top:6px'>&nbsp;=&nbsp;</td>"
                f"<td style='padding-top:6px'>{symbolic}</td></tr>"
                f"<tr><td></td><td>&nbsp;=&nbsp;</td><td><span style='font-family:monospace'>{filled}</span>"
                f" &nbsp;=&nbsp;{value}{warn}</td></tr>")
        parts.append(f"<table cellspacing='0' cellpadding='0' style='margin-top:4px'>{''.join(rows)}</table>")
        return "".join(parts)

    def _short_name(self) -> str:
        return f"{self._name}[{', '.join(str(p) for p in self._position)}]"

    def _on_link_hovered(self, link: str) -> None:
        if link.startswith("q:") and link[2:] in self._tips:
            QToolTip.showText(QCursor.pos(), self._tips[link[2:]], self.math)
        else:
            QToolTip.hideText()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._explanation is not None:
            self.math.setText(self._math_html(self._explanation))

    def content_height(self) -> int:
        """The height that shows the whole rule without scrolling, at the current width."""
        return self.height() - self.math.height() + self.math.content_height()

    def tip_for(self, key: str) -> str:
        """The tooltip shown when hovering quantity ``key`` (for tests)."""
        return self._tips.get(key, "")


def _linked(markup: str, e: Explanation, link: str, numbers: bool) -> str:
    """Rule markup with each {key} replaced by its symbol or number, each a hoverable link."""
    out = []
    for text, key, operand, powered in tokens(markup):
        if key is None:
            out.append(markup_html(text))
            continue
        term = e.lookup(key)
        if numbers:
            inner = number_html(term.value, _digits(key))
            if (term.value < 0 and operand) or (powered and "<sup>" in inner):
                inner = f"({inner})"
        else:
            inner = f"<i>{markup_html(term.symbol)}</i>"
            inner = f"({inner})" if " " in term.symbol and text != markup else inner
        out.append(f"<a href='q:{key}' style='{link}'>{inner}</a>")
    return "".join(out)


def _digits(key: str) -> int:
    # weights get six digits so that w_old and w_new differ visibly even for a tiny Δw
    return 6 if key in ("w_old", "w_new") else 4


def _blend(fg: QColor, bg: QColor, share: float) -> str:
    """A colour ``share`` of the way from ``bg`` to ``fg``: secondary text, legible in both palettes."""
    mix = [round(share * a + (1 - share) * b) for a, b in zip(fg.getRgb()[:3], bg.getRgb()[:3])]
    return QColor(*mix).name()


def _tip(term: Term) -> str:
    return f"{term.tip}\n= {term.value!r}"


def _check_html(c: GradientCheck) -> str:
    if c.rel_diff < AGREE:
        verdict = "✓ they agree"
    elif c.rel_diff < CLOSE:
        verdict = "close: a kink nearby (ReLU or L1 at 0) or rounding"
    else:
        verdict = "they differ: is this weight at a kink (ReLU at 0)?"
    if max(abs(c.backprop), abs(c.numeric)) < 1e-9:
        verdict = "both ≈ 0: the loss barely depends on this weight here"
    def cell(x: float) -> str:
        return f"<td style='font-family:monospace' align='right'>{f'{x: #.9g}'.replace('-', MINUS)}</td>"

    return (
        "<table cellspacing='0' cellpadding='0'>"
        f"<tr><td>backprop&nbsp;</td>{cell(c.backprop)}</tr>"
        f"<tr><td>finite difference (h = {number_html(c.h)})&nbsp;</td>{cell(c.numeric)}</tr>"
        f"</table>relative difference {number_html(c.rel_diff, 2)}: {verdict}"
    )


__all__ = ["StepInspector", "describe_param", "neuron_name", "number_plain"]
