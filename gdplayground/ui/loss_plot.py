"""Loss against updates: every batch loss, and the full training and test sets' loss as the
controller evaluates them (about ten times a second). Items are created once and updated in
place; the batch curve can hold millions of points, so it is downsampled and clipped to view."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

_LOG_FLOOR = 1e-12  # a loss of exactly 0 has no logarithm; draw it at the floor


class LossPlot(pg.PlotWidget):
    """``set_losses`` (every batch), ``set_evaluations`` (full sets), ``set_log_scale``,
    ``set_marker`` (a vertical line at an update, for the current position), ``clear_curves``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._x = np.arange(1, 1025, dtype=float)
        self._log = False
        self._batch_data: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "update")
        item.setLabel("left", "loss")
        # no grid: pyqtgraph draws it with the axes, and it doubled the cost of every repaint
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)  # "loss (x0.001)" confuses more than it helps
        self._legend = item.addLegend(offset=(-8, 6), labelTextSize="8pt")
        self._batch = item.plot(name="batch loss")
        self._batch.setDownsampling(auto=True, method="peak")
        self._batch.setClipToView(True)
        self._train = item.plot(name="training set")
        self._test = item.plot(name="test set")
        self._marker = pg.InfiniteLine(angle=90, movable=False)
        self._marker.setVisible(False)
        item.addItem(self._marker, ignoreBounds=True)
        vb = item.getViewBox()
        vb.setLimits(xMin=0)
        # The plot follows the data by our own range, set before painting: pyqtgraph's auto-range
        # would compute it while painting and paint a second time. Zooming stops following;
        # a double-click resumes.
        vb.disableAutoRange()
        vb.sigRangeChangedManually.connect(self._stop_following)
        self._follow = True
        self._shown_range: tuple = ()
        self._seen = (0, 0, math.inf, -math.inf)  # (first step, points scanned, min, max)
        self._eval_range = (math.inf, -math.inf)
        self.setToolTip("Drag or scroll to zoom; double-click to follow the run again")
        self._apply_palette()

    # -- data ------------------------------------------------------------------------------
    def set_losses(self, first_step: int, losses: np.ndarray) -> None:
        """Every batch loss; ``losses[0]`` belongs to update ``first_step``."""
        n = len(losses)
        if n > len(self._x):
            self._x = np.arange(1, max(n, 2 * len(self._x)) + 1, dtype=float)
        x = self._x[:n] if first_step == 1 else self._x[:n] + (first_step - 1)
        self._batch_data = (x, np.asarray(losses, dtype=float))
        self._batch.setData(x, self._clean(self._batch_data[1]), connect="finite")
        self._scan(first_step, self._batch_data[1])
        self._follow_data()

    def set_evaluations(self, steps: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        """Full-set losses at the given updates (NaN or inf where unknown: not drawn)."""
        self._train.setData(steps, self._clean(train), connect="finite")
        self._test.setData(steps, self._clean(test), connect="finite")
        both = np.concatenate([np.asarray(train, dtype=float), np.asarray(test, dtype=float)])
        both = both[np.isfinite(both)]
        self._eval_range = (float(both.min()), float(both.max())) if len(both) else (math.inf, -math.inf)
        self._follow_data()

    def clear_curves(self) -> None:
        for curve in (self._batch, self._train, self._test):
            curve.setData([], [])
        self._batch_data = (np.empty(0), np.empty(0))
        self._marker.setVisible(False)
        self._seen = (0, 0, math.inf, -math.inf)
        self._eval_range = (math.inf, -math.inf)
        self._follow = True
        self._follow_data()

    def set_marker(self, step: int | None) -> None:
        """A vertical line at update ``step`` (None hides it)."""
        self._marker.setVisible(step is not None)
        if step is not None:
            self._marker.setValue(step)

    def set_log_scale(self, on: bool) -> None:
        self._log = bool(on)
        self.getPlotItem().setLogMode(y=self._log)
        self.getPlotItem().setLabel("left", "loss (log scale)" if self._log else "loss")
        self._batch.setData(self._batch_data[0], self._clean(self._batch_data[1]), connect="finite")
        self._follow_data()

    def following(self) -> bool:
        """True while the view follows the run (not zoomed by hand)."""
        return self._follow

    def follow(self) -> None:
        self._follow = True
        self._shown_range = ()
        self._follow_data()

    def mouseDoubleClickEvent(self, event) -> None:
        self.follow()
        event.accept()

    def _stop_following(self, *_) -> None:
        self._follow = False

    def _scan(self, first: int, y: np.ndarray) -> None:
        """Keep the batch losses' min and max, looking only at points not seen yet."""
        seen_first, seen_n, lo, hi = self._seen
        if first != seen_first or len(y) < seen_n:
            seen_n, lo, hi = 0, math.inf, -math.inf
        new = y[seen_n:]
        new = new[np.isfinite(new)]
        if len(new):
            lo, hi = min(lo, float(new.min())), max(hi, float(new.max()))
        self._seen = (first, len(y), lo, hi)

    def _follow_data(self) -> None:
        if not self._follow:
            return
        first, n, lo, hi = self._seen
        lo, hi = min(lo, self._eval_range[0]), max(hi, self._eval_range[1])
        # Ranges grow in steps (1, 1.25, 1.5, 2, ... × 10^k) so that the axes, which are costly
        # to lay out, change a few times per decade instead of on every repaint.
        last = nice_ceil(max(first + n - 1, 10))
        if not math.isfinite(lo) or not math.isfinite(hi):
            lo, hi = 0.0, 1.0
        if self._log:
            lo, hi = math.log10(max(lo, _LOG_FLOOR)), math.log10(max(hi, _LOG_FLOOR))
            y_range = (math.floor(lo * 4 - 0.2) / 4, math.ceil(hi * 4 + 0.2) / 4)
        else:
            y_range = (0.0, (nice_ceil(hi * 1.02) if hi > 0 else 1.0) * 1.03)  # room for the top label
        if (last, y_range) != self._shown_range:
            self._shown_range = (last, y_range)
            self.getPlotItem().getViewBox().setRange(xRange=(0, last * 1.01), yRange=y_range, padding=0)

    def log_scale(self) -> bool:
        return self._log

    def _clean(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        if not len(y):
            return y
        bad = ~np.isfinite(y)
        if self._log:
            y = np.maximum(y, _LOG_FLOOR)
        if bad.any():
            y = np.where(bad, np.nan, y)
        return y

    # -- look ------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if hasattr(self, "_legend"):  # not during __init__
            self._legend.setVisible(self.height() >= 170)  # in a short plot it would hide the curves

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_marker"):  # not during __init__
            self._apply_palette()

    def _apply_palette(self) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        self.setBackground(pal.color(QPalette.ColorRole.Base))
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(_faded(text, 140)))
            axis.setTextPen(pg.mkPen(text))
        faint = _faded(text, 45)
        self._batch.setPen(pg.mkPen(faint, width=1))
        self._train.setPen(pg.mkPen(text, width=2))
        self._test.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Highlight), width=2, style=Qt.PenStyle.DashLine))
        self._marker.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Highlight), width=1))
        self._legend.setLabelTextColor(text)
        self._legend.setBrush(pg.mkBrush(_faded(pal.color(QPalette.ColorRole.Base), 200)))


_NICE = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(value: float) -> float:
    """The smallest of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= value."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    for step in _NICE:
        if step * scale >= value * (1 - 1e-12):
            return step * scale
    return 10 * scale


def _faded(color: QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c
