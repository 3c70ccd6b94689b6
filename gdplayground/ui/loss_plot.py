"""Loss against updates: every batch loss, and the full training and test sets' loss as the
controller evaluates them (about ten times a second). Items are created once and updated in
place; the batch curve can hold millions of points, so it is downsampled and clipped to view."""
from __future__ import annotations

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
        item.showGrid(x=True, y=True, alpha=0.15)
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
        item.getViewBox().setLimits(xMin=0)
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

    def set_evaluations(self, steps: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        """Full-set losses at the given updates (NaN or inf where unknown: not drawn)."""
        self._train.setData(steps, self._clean(train), connect="finite")
        self._test.setData(steps, self._clean(test), connect="finite")

    def clear_curves(self) -> None:
        for curve in (self._batch, self._train, self._test):
            curve.setData([], [])
        self._batch_data = (np.empty(0), np.empty(0))
        self._marker.setVisible(False)

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
        faint = _faded(text, 70)
        self._batch.setPen(pg.mkPen(faint, width=1))
        self._train.setPen(pg.mkPen(text, width=2))
        self._test.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Highlight), width=2, style=Qt.PenStyle.DashLine))
        self._marker.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Highlight), width=1))
        self._legend.setLabelTextColor(text)
        self._legend.setBrush(pg.mkBrush(_faded(pal.color(QPalette.ColorRole.Base), 200)))


def _faded(color: QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c
