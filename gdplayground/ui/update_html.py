"""One update's explanation as Qt rich text, for the update inspector: the result line, the
given quantities, the rule line by line (symbol, formula, "= numbers = value") and the gradient
check's verdict. Every symbol and number is a link ``q:<key>`` so that hovering it can name it.

Pure functions of their inputs: the inspector decides which lines break, and where.
"""
from __future__ import annotations

from typing import Sequence

from PySide6.QtGui import QColor, QPalette

from ..engine.explain import Explanation, GradientCheck, Term, tokens
from ..engine.training import StepRecord
from .math_text import MINUS, markup_html, number_html

ROW_GAP = 4  # pixels above each line of the rule
AGREE = 1e-6  # relative difference below which backprop and the finite difference agree
CLOSE = 1e-3  # a kink (ReLU at 0, L1 at 0) or rounding; above this they differ


class TermHtml:
    """Symbols and numbers as hoverable links, in one palette's colours."""

    def __init__(self, palette: QPalette) -> None:
        text, window = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
        self.link = f"color:{text.name()}; text-decoration:none"
        self.dim = _blend(text, window, 0.6)

    def sym(self, term: Term) -> str:
        return f"<a href='q:{term.key}' style='{self.link}'><i>{markup_html(term.symbol)}</i></a>"

    def num(self, term: Term) -> str:
        return f"<a href='q:{term.key}' style='{self.link}'>{number_html(term.value, _digits(term.key))}</a>"


def result_html(h: TermHtml, e: Explanation, name: str) -> str:
    """"<b>W1[0, 0]: −0.406 → −0.401</b> (Δw = +0.0051)" for parameter ``name``."""
    dw = e.lookup("dw")
    sign = "+" if dw.value > 0 else ""
    # a very narrow panel may break the result before "(Δw" only
    return (f"<b>{name.replace(' ', '&nbsp;')}:&nbsp;{h.num(e.lookup('w_old'))}&nbsp;→&nbsp;"
            f"{h.num(e.terms[-1])}</b> &nbsp;(Δw&nbsp;=&nbsp;{sign}{h.num(dw)})")


def title_html(h: TermHtml, e: Explanation, name: str, record: StepRecord, set_size: int,
               broken: bool = False) -> str:
    """The result, then which update on how many of the ``set_size`` training examples;
    ``broken``: the latter on a line of its own."""
    n = len(record.batch)
    batch = "the whole training set" if n == set_size else f"a batch of {n} example" + ("" if n == 1 else "s")
    context = f"update {record.step} &nbsp;·&nbsp; {batch}".replace(" ", "&nbsp;")
    # the context on a line of its own when both do not fit, rather than broken anywhere
    gap = "<br>" if broken else "&nbsp;&nbsp;·&nbsp; "
    return f"{result_html(h, e, name)}{gap}<span style='color:{h.dim}'>{context}</span>"


def given_html(h: TermHtml, e: Explanation) -> str:
    """The quantities the rule starts from: this update's, the optimizer's state, its settings."""
    def given_row(caption: str, terms: Sequence[Term]) -> str:
        items = "&nbsp;&nbsp;&nbsp; ".join(f"{h.sym(t)}&nbsp;=&nbsp;{h.num(t)}" for t in terms)
        return f"<tr><td style='color:{h.dim}; padding-right:10px'>{caption}</td><td>{items}</td></tr>"

    head = [t for t in e.given if t.key in ("w_old", "g", "lr", "t")]
    old = [t for t in e.given if t not in head]
    given = [given_row("this update", head)]
    if old:
        given.append(given_row("from before", old))
    if e.constants:
        given.append(given_row("settings", e.constants))
    return f"<table cellspacing='0' cellpadding='1'>{''.join(given)}</table>"


def line_parts(h: TermHtml, e: Explanation, term: Term) -> tuple[str, str, str]:
    """Symbol, formula and "= numbers = value" of one line of the rule, as HTML."""
    symbolic = _linked(term.rule, e, h.link, numbers=False)  # each symbol a link, like the numbers
    filled = _linked(term.rule, e, h.link, numbers=True)
    value = f"<b>{h.num(term)}</b>" if term.key in ("dw", "w_new") else h.num(term)
    warn = "" if term.agrees else f" <span style='color:#d03030'>≠ recorded {number_html(term.recorded or 0.0)}</span>"
    return h.sym(term), symbolic, f"=&nbsp;{filled}&nbsp;=&nbsp;{value}{warn}"


def rule_html(terms: Sequence[Term], parts: Sequence[tuple[str, str, str]], broken: frozenset[str]) -> str:
    """The rule as a table, one row per term; the terms keyed in ``broken`` on two rows
    (formula, then numbers)."""
    rows = []
    pad = f"padding-top:{ROW_GAP}px"
    for term, (sym, symbolic, rest) in zip(terms, parts):
        head = f"<tr><td align='right' style='{pad}'>{sym}</td><td style='{pad}'>&nbsp;=&nbsp;</td>"
        if term.key in broken:
            rows.append(f"{head}<td style='{pad}'>{symbolic}</td></tr><tr><td></td><td></td><td>{rest}</td></tr>")
        else:
            rows.append(f"{head}<td style='{pad}'>{symbolic}&nbsp;{rest}</td></tr>")
    return f"<table cellspacing='0' cellpadding='0' style='margin-top:2px'>{''.join(rows)}</table>"


def term_tip(term: Term) -> str:
    """The tooltip of a quantity: what it means, then its full value."""
    return f"{term.tip}\n= {term.value!r}"


def check_html(c: GradientCheck) -> str:
    """Backprop's and the finite difference's ∂L/∂w side by side, and what their gap means."""
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
