"""The update inspector: for one weight or bias, the current optimizer's rule written out and
filled in with one update's own numbers, ending in the w_new the engine produced; a chooser
(parameter, from, to) as an alternative to clicking in the network view; and a gradient check
(backprop against a central finite difference on the same batch).

The result comes first, in bold ("W1[0, 0]: −0.406 → −0.401 (Δw = +0.0051)"), so it stays in
view when a short panel has to scroll the rule. Each line of the rule reads
"symbol = formula = numbers = value" on one line where the panel is wide enough, and breaks
after the formula only where it is not.

Passive: ``show_record`` gives it a run's record to show; it reads, never changes, the run. Every
symbol and number is a link whose hover shows what the quantity means.

This module lays the panel out and decides which lines break; the HTML itself comes from
update_html, the names of weights and neurons from display_names.
"""
from __future__ import annotations

import html
from typing import Any, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCursor, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QStyle, QToolTip, QVBoxLayout, QWidget

from ..engine.explain import Explanation, GradientCheck, check_record, explain_record, setup_of
from ..engine.training import Setup, StepRecord
from .display_names import describe_param, neuron_name
from .math_view import MathView, natural_widths
from .update_html import TermHtml, check_html, given_html, line_parts, result_html, rule_html, term_tip, title_html


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
        self._widths: dict[str, float] = {}  # per line of the rule: its width on one line
        self._broken: frozenset[str] = frozenset()  # lines shown on two lines
        self._title_width = self._result_width = 0.0  # the title's and its result's on one line
        self._title_broken = False
        self._fitted: tuple = ()  # what the minimum height was last fitted to
        self._html = TermHtml(self.palette())
        self._parts: list[tuple[str, str, str]] = []  # per line of the rule: symbol, formula, numbers
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
        self.check_button = QPushButton("Check gradient", self)
        self.check_button.setObjectName("checkGradient")
        self.check_button.setToolTip(
            "Compare backprop's ∂L/∂w with a finite difference: nudge this weight by ±h on the same "
            "batch and measure how the loss changes")
        self.check_button.clicked.connect(self.check_gradient)
        chooser = QHBoxLayout()
        chooser.setContentsMargins(0, 0, 0, 0)
        for w in (self.param_combo, self.from_label, self.row_combo, self.to_label, self.col_combo):
            chooser.addWidget(w)
        chooser.addStretch(1)
        self._chooser = chooser

        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.title.linkHovered.connect(lambda link: self._on_link_hovered(link, self.title))
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("inspectorSummary")
        self.subtitle.setWordWrap(True)
        self.math = MathView(self)
        self.math.setObjectName("inspectorMath")
        self.math.link_hovered.connect(lambda link: self._on_link_hovered(link, self.math))
        self.math.installEventFilter(self)  # a new width may fit more lines on one
        # the result stays in view above the rule, so a short dock may scroll the rule in a few lines
        self.math.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 6)

        self.check_label = QLabel(self)
        self.check_label.setObjectName("checkResult")
        self.check_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_label.setWordWrap(True)
        self.check_label.hide()  # until there is a verdict
        self._check_row = QHBoxLayout()
        self._check_row.setContentsMargins(0, 0, 0, 0)
        self._check_row.addWidget(self.check_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(3)
        layout.addLayout(chooser)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.math, 1)
        layout.addLayout(self._check_row)
        self._place_check_button()
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
        self._show_check("")
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
            self._show_check("Make an update first.")
            return None
        index = run.network.layout.index(self._name, self._position)
        result = check_record(run, rec, index, setup=self._setup)
        self._show_check(check_html(result))
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
        self._place_check_button()  # the combos' widths follow their entries

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
        self._widths, self._broken = {}, frozenset()
        self.math.setText(f"<p>{html.escape(message)}</p>")
        self.check_button.setEnabled(False)
        self._fit_height()

    def _place_check_button(self) -> None:
        """At the end of the chooser's line where it fits beside the combos at their full width
        (the rule keeps that line's height), else under the rule, as a narrow panel needs."""
        spacing = max(self._chooser.spacing(), 0)
        button = self.check_button.sizeHint().width() + spacing
        inside = self._chooser.indexOf(self.check_button) >= 0
        margins = self.layout().contentsMargins() if self.layout() else None
        need = (self._chooser.sizeHint().width() + (0 if inside else button)
                + (margins.left() + margins.right() if margins else 0))
        target = self._chooser if self.width() >= need else self._check_row
        if target.indexOf(self.check_button) >= 0:
            return
        for row in (self._chooser, self._check_row):
            row.removeWidget(self.check_button)
        if target is self._chooser:
            target.addWidget(self.check_button)
        else:
            target.insertWidget(0, self.check_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_check_button()
        self._fit_height()

    def _fit_height(self) -> None:
        """Qt's minimum height counts a word-wrapped label as one line; at this width it may
        take two, and a short dock would then lay the rule over the labels."""
        layout = self.layout()
        # what the height depends on; the labels' layout is not cheap, so only when it changes
        result_wraps = self._result_width > self.math.width() - 2
        key = (self.width(), self._title_broken, result_wraps, self.title.text() == "", self.subtitle.text(),
               self.check_label.text(), self._chooser.indexOf(self.check_button))
        if layout is None or key == self._fitted:
            return
        height = layout.minimumHeightForWidth(self.width())
        if height > 0:  # -1 before the layout knows its items
            self._fitted = key
            self.setMinimumHeight(height)

    def _show_check(self, text: str) -> None:
        self.check_label.setText(text)
        if self.check_label.isHidden() == bool(text):
            self.check_label.setVisible(bool(text))
            self._fit_height()

    def _render(self) -> None:
        e = self._explanation
        assert e is not None and self._record is not None
        self._tips = {t.key: term_tip(t) for t in e.given + e.constants + e.terms}
        self.title.setToolTip(describe_param(self._name, self._position, self._sizes, self._features))
        self.subtitle.setText(e.summary)
        self._html = TermHtml(self.palette())
        self._parts = [line_parts(self._html, e, t) for t in e.terms]
        self._measure(e)
        self._broken, self._title_broken = self._lines_to_break(), self._title_to_break()
        self._paint_text()
        self.check_button.setEnabled(True)

    def _paint_text(self) -> None:
        """Title and rule as last measured (again after a new width or palette)."""
        e = self._explanation
        assert e is not None
        bar = self.math.verticalScrollBar().value()
        self.title.setText(self._title_html(e, self._title_broken))
        self.math.setText(given_html(self._html, e) + rule_html(e.terms, self._parts, self._broken))
        self.math.verticalScrollBar().setValue(bar)  # a re-layout keeps the reader's place
        self._fit_height()

    def _title_html(self, e: Explanation, broken: bool = False) -> str:
        assert self._record is not None and self._setup is not None
        return title_html(self._html, e, self._short_name(), self._record, len(self._setup.y), broken)

    # -- one line or two ----------------------------------------------------------------------
    def _measure(self, e: Explanation) -> None:
        """Each line's width on one line (symbol column included), and the title's."""
        parts, title = self._parts, [self._title_html(e), result_html(self._html, e, self._short_name())]
        same_font = self.title.font() == self.math.font()  # then one document measures all
        widths = natural_widths([f"{sym}&nbsp;=&nbsp;" for sym, _, _ in parts]
                                 + [f"{symbolic}&nbsp;{rest}" for _, symbolic, rest in parts]
                                 + (title if same_font else []), self.math.font())
        symbols = max(widths[: len(parts)])
        self._widths = {t.key: symbols + w for t, w in zip(e.terms, widths[len(parts): 2 * len(parts)])}
        self._title_width, self._result_width = widths[-2:] if same_font else natural_widths(title, self.title.font())

    def _title_to_break(self) -> bool:
        return self._title_width > self.math.width() - 2  # the title is as wide as the rule's box

    def _lines_to_break(self) -> frozenset[str]:
        # room left for the scroll bar whether it shows or not: else showing it would re-break
        # the lines, which may hide it again, at every new record
        bar = self.math.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.math)
        room = self.math.width() - 2 * self.math.frameWidth() - bar - 2 * self.math.document().documentMargin() - 4
        return frozenset(key for key, width in self._widths.items() if width > room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.math and event.type() == QEvent.Type.Resize
                and self._explanation is not None and self._widths):
            broken = self._lines_to_break(), self._title_to_break()
            if broken != (self._broken, self._title_broken):
                self._broken, self._title_broken = broken
                self._paint_text()
        return False

    def _short_name(self) -> str:
        return f"{self._name}[{', '.join(str(p) for p in self._position)}]"

    def _on_link_hovered(self, link: str, widget: QWidget) -> None:
        if link.startswith("q:") and link[2:] in self._tips:
            QToolTip.showText(QCursor.pos(), self._tips[link[2:]], widget)
        else:
            QToolTip.hideText()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._explanation is None:
            return
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._render()  # the links' colours are in the HTML; a new font, new widths

    def title_text(self) -> str:
        """The title as plain text: "W1[0, 0]: −0.406021 → −0.400902 (Δw = +0.005119) · update 400
        · a batch of 10 examples" (for tests and accessible text)."""
        doc = QTextDocument()
        doc.setHtml(self.title.text())
        return doc.toPlainText().replace("\xa0", " ")

    def broken_lines(self) -> frozenset[str]:
        """Keys of the rule's lines shown on two lines (formula, then numbers) at this width."""
        return self._broken

    def content_height(self) -> int:
        """The height that shows the whole rule without scrolling, at the current width."""
        return self.height() - self.math.height() + self.math.content_height()

    def tip_for(self, key: str) -> str:
        """The tooltip shown when hovering quantity ``key`` (for tests)."""
        return self._tips.get(key, "")


__all__ = ["StepInspector"]
