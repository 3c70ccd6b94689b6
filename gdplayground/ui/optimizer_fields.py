"""Form fields for optimizer hyperparameters and schedule settings, and the number entries they
share with the hyperparameter panel.

A field is named exactly as the engine (and PyTorch) names it, so what a student reads here is
what they will type in their own code; a one-line tooltip says what it does in plain language.
Invalid input is never passed on: the field turns red and its tooltip says why.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QSizePolicy, QSpinBox, QWidget,
)

from ..engine import limits

INVALID_COLOR = "#e53935"  # a red legible on light and on dark backgrounds


# --- numbers as text ---------------------------------------------------------------------------

def format_number(value: float) -> str:
    """Short, exact-looking text: 0.00001, 0.03, 10, 1e-8 (never 1e-05 or 0.030000)."""
    if value != 0 and abs(value) < 1e-5:
        return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{value:g}").replace("e+", "e")
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def parse_number(text: str) -> float | None:
    """The finite number typed in ``text`` (a decimal comma is accepted), else None."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- marking a field invalid -------------------------------------------------------------------

class _InvalidFrame(QWidget):
    """A red frame laid over a refused field. Drawn on top rather than set by a style sheet,
    which would replace the style's own drawing of spin arrows and combo buttons."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(target.rect())
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(INVALID_COLOR), 2.0))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3.0, 3.0)


def set_invalid(widget: QWidget, message: str | None) -> None:
    """Show ``widget`` as refused (red frame, ``message`` as tooltip), or as fine again."""
    frame = widget.findChild(_InvalidFrame, "", Qt.FindChildOption.FindDirectChildrenOnly)
    was_invalid = is_invalid(widget)
    widget.setProperty("invalid", message is not None)
    if message is None:
        if was_invalid:
            widget.setToolTip(str(widget.property("base_tip")))
        if frame is not None:
            frame.hide()
        return
    if not was_invalid:
        widget.setProperty("base_tip", widget.toolTip())
    base = str(widget.property("base_tip"))
    widget.setToolTip(f"<b>{message}</b>" + (f"<br>{base}" if base else ""))
    frame = frame or _InvalidFrame(widget)
    frame.show()
    frame.raise_()


def is_invalid(widget: QWidget) -> bool:
    """True while ``widget`` is marked by ``set_invalid``."""
    return bool(widget.property("invalid"))


# --- number entries ----------------------------------------------------------------------------

def _range_error(value: float | None, low: float, high: float, low_open: bool) -> str | None:
    if value is None:
        return "Type a number, e.g. 0.03"
    if value < low or (low_open and value == low) or value > high:
        left = f"more than {format_number(low)}" if low_open else f"at least {format_number(low)}"
        right = "" if math.isinf(high) else f" and at most {format_number(high)}"
        return f"Type a number {left}{right}"
    return None


class NumberCombo(QComboBox):
    """An editable combo of preset numbers that also takes any typed number in range.

    ``edited(float)`` follows a preset choice, or Return / leaving the field with valid text;
    invalid text is refused (red border, tooltip) and not emitted.
    """

    edited = Signal(float)

    def __init__(self, presets: Iterable[float], low: float = 0.0, high: float = math.inf,
                 low_open: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._low, self._high, self._low_open = low, high, low_open
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # completing "0.0" to a preset would fight the typing
        self.addItems([format_number(p) for p in presets])
        self.lineEdit().editingFinished.connect(self._commit)
        self.activated.connect(self._commit)

    def value(self) -> float | None:
        """The number shown, or None while the text is not a valid number."""
        value = parse_number(self.currentText())
        return None if _range_error(value, self._low, self._high, self._low_open) else value

    def set_value(self, value: float) -> None:
        """Show ``value`` without emitting ``edited``."""
        self.blockSignals(True)
        self.setEditText(format_number(value))
        self.blockSignals(False)
        set_invalid(self, None)

    def _commit(self) -> None:
        value = parse_number(self.currentText())
        error = _range_error(value, self._low, self._high, self._low_open)
        set_invalid(self, error)
        if error is None:
            self.setEditText(format_number(value))
            self.edited.emit(value)


class NumberEdit(QLineEdit):
    """A line edit for one number in range (scientific notation welcome: 1e-8)."""

    edited = Signal(float)

    def __init__(self, low: float = 0.0, high: float = math.inf, low_open: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._low, self._high, self._low_open = low, high, low_open
        self.editingFinished.connect(self._commit)

    def value(self) -> float | None:
        value = parse_number(self.text())
        return None if _range_error(value, self._low, self._high, self._low_open) else value

    def set_value(self, value: float) -> None:
        self.blockSignals(True)
        self.setText(format_number(value))
        self.blockSignals(False)
        set_invalid(self, None)

    def _commit(self) -> None:
        value = parse_number(self.text())
        error = _range_error(value, self._low, self._high, self._low_open)
        set_invalid(self, error)
        if error is None:
            self.setText(format_number(value))
            self.edited.emit(value)


class FractionSpin(QDoubleSpinBox):
    """A spin box for numbers like 0.9 or 0.999, shown without trailing zeros."""

    def __init__(self, low: float, high: float, step: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale.c())  # the same decimal point as every other number entry
        self.setDecimals(4)
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)  # one report per typed number, not per digit

    def textFromValue(self, value: float) -> str:
        return format_number(round(value, self.decimals()))


class CountSpin(QSpinBox):
    """A whole number of updates; one report per typed number."""

    def __init__(self, low: int, high: int, step: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setGroupSeparatorShown(False)


# --- field specifications -----------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """How to edit one setting: ``kind`` is fraction, number, count, flag or pair (two fractions)."""

    kind: str
    tip: str
    low: float = 0.0
    high: float = math.inf
    step: float = 0.01
    low_open: bool = False


def _hyper(key: str) -> tuple[float, float]:
    return limits.HYPER[key].low, limits.HYPER[key].high


def _schedule(key: str) -> tuple[float, float]:
    return limits.SCHEDULE[key].low, limits.SCHEDULE[key].high


HYPER_SPECS: dict[str, FieldSpec] = {
    "momentum": FieldSpec("fraction", "Share of the previous update carried into this one "
                          "(0 = none, 0.9 = a heavy ball that keeps rolling)", *_hyper("momentum"), 0.05),
    "dampening": FieldSpec("fraction", "Share of each new gradient left out of the momentum "
                           "(0 = add all of it)", *_hyper("dampening"), 0.1),
    "nesterov": FieldSpec("flag", "Look ahead: take the gradient where momentum is about to "
                          "carry the weights (needs momentum > 0 and dampening 0)"),
    "alpha": FieldSpec("fraction", "Memory of the running average of squared gradients "
                       "(closer to 1 = longer memory)", *_hyper("alpha"), 0.01),
    "eps": FieldSpec("number", "A tiny number added to the divisor so it is never zero", *_hyper("eps")),
    "centered": FieldSpec("flag", "Divide by the gradient's spread (variance) instead of its "
                          "mean square"),
    "betas": FieldSpec("pair", "Memories of the running averages: β1 of the gradient, β2 of its "
                       "square (closer to 1 = longer memory)", *_hyper("betas"), 0.01),
    "amsgrad": FieldSpec("flag", "Keep the largest squared-gradient average seen so far, so "
                         "steps never grow back (AMSGrad)"),
    "lr_decay": FieldSpec("number", "Shrinks the rate over time: lr / (1 + (t − 1) · lr_decay)",
                          *_hyper("lr_decay")),
    "initial_accumulator_value": FieldSpec("number", "Starting sum of squared gradients "
                                           "(larger = smaller first steps)", *_hyper("initial_accumulator_value")),
    "rho": FieldSpec("fraction", "Memory of the running averages of squared gradients and "
                     "updates (closer to 1 = longer memory)", *_hyper("rho"), 0.01),
    "weight_decay": FieldSpec("number", "Pulls every weight toward zero at each update (an L2 "
                              "penalty added to the gradient)", *_hyper("weight_decay")),
}

# The settings each optimizer shows at first; the others wait behind "More settings" (a field
# set away from its default is shown anyway, so nothing in force is out of sight).
MAIN_HYPER: dict[str, tuple[str, ...]] = {
    "gd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "rmsprop": ("alpha", "eps"),
    "adam": ("betas", "eps"), "adamax": ("betas", "eps"), "adagrad": ("lr_decay", "eps"),
    "adadelta": ("rho", "eps"),
}

SCHEDULE_SPECS: dict[str, FieldSpec] = {
    "step_size": FieldSpec("count", "Updates between two drops of the learning rate", *_schedule("step_size"), 100),
    "gamma": FieldSpec("fraction", "Factor the learning rate is multiplied by (at each drop, or "
                       "at every update for exponential decay)", *_schedule("gamma"), 0.01),
    "decay_rate": FieldSpec("number", "How fast the rate falls: lr / (1 + decay_rate · t / "
                            "decay_steps)", *_schedule("decay_rate")),
    "decay_steps": FieldSpec("count", "Updates over which the rate falls by decay_rate",
                             *_schedule("decay_steps"), 100),
    "t_max": FieldSpec("count", "Updates for the rate to glide down to lr_min along half a "
                       "cosine", *_schedule("t_max"), 1000),
    "lr_min": FieldSpec("number", "The lowest learning rate, reached after t_max updates "
                        "(at most lr)", *_schedule("lr_min")),
}


# --- a form of fields built from a dict of values -------------------------------------------

_ANCHOR_EVENTS = (QEvent.Type.EnabledChange, QEvent.Type.ShowToParent, QEvent.Type.HideToParent)

class SettingsForm(QObject):
    """Rows of fields, one per setting, rebuilt for each optimizer or schedule.

    The rows go into the host form right after ``anchor``'s row, so they share its label column.
    A label wider than ``label_width`` gets a line of its own above its field, which keeps the
    column (and the panel) narrow. ``edited(str)`` names the setting the student changed.
    The rows are disabled and hidden with ``anchor`` (a lesson locking or hiding the schedule
    locks or hides its settings too), also rows built while it is; ``fold`` hides chosen rows.
    """

    edited = Signal(str)

    def __init__(self, specs: Mapping[str, FieldSpec], form: QFormLayout, anchor: QWidget,
                 label_width: int) -> None:
        super().__init__(form)
        self._specs = specs
        self._form, self._anchor, self._label_width = form, anchor, label_width
        self._fields: dict[str, list[QWidget]] = {}
        self._given: dict[str, tuple[Any, Any]] = {}  # per key: the value set, and what the field read back
        self._rows: dict[str, list[QWidget]] = {}  # per key, one widget per form row it takes
        self._folded: set[str] = set()
        anchor.installEventFilter(self)

    def build(self, values: Mapping[str, Any]) -> None:
        """One row per key of ``values``, in that order, showing those values (no signal).
        The same keys as now keep their widgets (and the focus in them), only the values change."""
        if list(values) == list(self._fields):
            self.set_values(values)
            return
        for widgets in self._rows.values():
            for widget in widgets:
                self._form.removeRow(widget)
        self._rows, self._folded, self._given = {}, set(), {}
        self._fields = {key: self._make(key) for key in values}
        row = self._form.getWidgetPosition(self._anchor)[0] + 1
        for key, widgets in self._fields.items():
            label = QLabel(key)
            label.setToolTip(self._specs[key].tip)
            field = self._row(widgets)
            taken = self._rows.setdefault(key, [])
            if label.sizeHint().width() > self._label_width:
                self._form.insertRow(row, label)
                taken.append(label)
                label.show()
                row += 1
                label = QLabel()
            label.setMinimumWidth(self._label_width)
            self._form.insertRow(row, label, field)
            taken.append(field)
            row += 1
            # show at once: the layout alone would show them on the next event loop pass
            label.show()
            field.show()
        self._follow_anchor()
        self.set_values(values)

    def keys(self) -> list[str]:
        return list(self._fields)

    def fold(self, keys: Iterable[str]) -> None:
        """Hide the rows of ``keys`` (and show every other row again)."""
        self._folded = set(keys) & set(self._fields)
        self._follow_anchor()

    def is_shown(self, key: str) -> bool:
        """``key``'s row is neither folded nor hidden with the anchor."""
        return key not in self._folded and not self._anchor.isHidden()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._anchor and event.type() in _ANCHOR_EVENTS:
            self._follow_anchor()
        return False

    def _follow_anchor(self) -> None:
        enabled, visible = self._anchor.isEnabled(), not self._anchor.isHidden()
        for key, widgets in self._rows.items():
            shown = visible and key not in self._folded
            for widget in widgets:
                widget.setEnabled(enabled)
                if widget.isHidden() == shown:  # only rows whose state differs
                    self._form.setRowVisible(widget, shown)

    def fields(self, key: str) -> list[QWidget]:
        """The widget(s) editing ``key`` (two for betas)."""
        return self._fields[key]

    def values(self) -> dict[str, Any]:
        """Every setting as the engine wants it: float, int, bool, or a tuple for betas."""
        out = {}
        for key, widgets in self._fields.items():
            value = self._read(key, widgets)
            given, shown = self._given.get(key, (None, None))
            # a field nobody touched gives back the exact value it was given, not the digits it
            # shows (a file's 0.12345 stays 0.12345 when a neighbouring field is edited)
            if shown is not None and len(widgets) == 2:
                value = tuple(g if v == s else v for v, g, s in zip(value, given, shown))
            elif shown is not None and value == shown:
                value = given
            out[key] = value
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            widgets = self._fields[key]
            for widget, v in zip(widgets, value if len(widgets) == 2 else (value,)):
                widget.blockSignals(True)
                if isinstance(widget, QCheckBox):
                    widget.setChecked(bool(v))
                elif isinstance(widget, NumberEdit):
                    widget.set_value(float(v))
                else:
                    widget.setValue(v)
                widget.blockSignals(False)
            self._given[key] = (value, self._read(key, widgets))
            self.mark(key, None)

    def mark(self, key: str, message: str | None) -> None:
        """Show ``key``'s field(s) as refused with ``message``, or as fine (None)."""
        for widget in self._fields[key]:
            set_invalid(widget, message)

    # -- building one field --

    def _make(self, key: str) -> list[QWidget]:
        spec = self._specs[key]
        if spec.kind == "pair":
            widgets: list[QWidget] = [FractionSpin(spec.low, spec.high, spec.step),
                                      FractionSpin(spec.low, spec.high, spec.step / 10)]
        elif spec.kind == "fraction":
            widgets = [FractionSpin(spec.low, spec.high, spec.step)]
        elif spec.kind == "count":
            widgets = [CountSpin(int(spec.low), int(spec.high), int(spec.step))]
        elif spec.kind == "flag":
            widgets = [QCheckBox()]
            # as wide as its box: a click beside the box on a stretched row would do nothing
            widgets[0].setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        else:
            widgets = [NumberEdit(spec.low, spec.high, spec.low_open)]
        for i, widget in enumerate(widgets):
            widget.setToolTip(spec.tip)
            widget.setAccessibleName(key if len(widgets) == 1 else f"{key}[{i}]")
            self._connect(key, widget)
        return widgets

    def _connect(self, key: str, widget: QWidget) -> None:
        def report(*_: object) -> None:
            self.edited.emit(key)

        if isinstance(widget, QCheckBox):
            widget.toggled.connect(report)
        elif isinstance(widget, NumberEdit):
            widget.edited.connect(report)  # invalid text marks itself and goes no further
        else:
            widget.valueChanged.connect(report)

    @staticmethod
    def _row(widgets: list[QWidget]) -> QWidget:
        if len(widgets) == 1:
            return widgets[0]
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        return box

    @staticmethod
    def _read(key: str, widgets: list[QWidget]) -> Any:
        values = []
        for widget in widgets:
            if isinstance(widget, QCheckBox):
                values.append(widget.isChecked())
            elif isinstance(widget, NumberEdit):
                values.append(widget.value())
            elif isinstance(widget, CountSpin):
                values.append(int(widget.value()))
            else:
                values.append(round(float(widget.value()), widget.decimals()))
        return tuple(values) if len(values) == 2 else values[0]
