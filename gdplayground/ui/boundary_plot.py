"""The input plane [-6, 6]²: the network's output as a heatmap with a colour bar, the training
points (white outline), optionally the test points (dark outline), and a ring around each point
of the current mini-batch. Hovering a neuron in the network view shows that neuron's output here
instead (``show_neuron_image``).

Binary problems show the output on the diverging colour scale (tanh output in [-1, 1], sigmoid
probability in [0, 1]); regression shows the fitted surface with levels from the targets; three
classes show class regions (the likeliest class's colour, paler where the network is unsure).
Non-finite values are never drawn.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from . import colors

EXTENT = 6.0
BATCH_RING = (214, 39, 40)  # a colour the data never uses


def color_map() -> pg.ColorMap:
    """The current diverging scheme as a pyqtgraph colour map."""
    lut = colors.lookup_table()
    return pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), lut)


def display_levels(output: str, value_limit: float) -> tuple[float, float]:
    """Colour-scale limits for an output function: tanh [-1, 1], sigmoid [0, 1], linear ±limit."""
    if output == "sigmoid":
        return 0.0, 1.0
    if output == "linear":
        return -value_limit, value_limit
    return -1.0, 1.0


def class_regions(probs: np.ndarray, n: int, discretize: bool) -> np.ndarray:
    """(n, n, 3) uint8: each grid point in its likeliest class's colour, mixed towards white by
    how unsure the network is (1/k confidence = white)."""
    probs = np.nan_to_num(np.asarray(probs, dtype=float), nan=0.0)
    k = probs.shape[1]
    winner = probs.argmax(axis=1)
    palette = np.array(colors.CLASS_COLORS[:k], dtype=float)
    if discretize:
        strength = np.ones(len(winner))
    else:
        strength = np.clip((probs.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0) * 0.85 + 0.15
    rgb = 255.0 + (palette[winner] - 255.0) * strength[:, None]
    return np.round(rgb).astype(np.ubyte).reshape(n, n, 3)


class BoundaryPlot(pg.GraphicsLayoutWidget):
    """``set_points`` when the data changes, ``set_output`` every repaint, ``set_batch``,
    ``show_neuron_image``, ``set_show_test``, ``set_discretize``, ``refresh_colors``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = "binary"
        self._limit = 1.0
        self._output = "tanh"
        self._values: np.ndarray | None = None
        self._neuron: np.ndarray | None = None
        self._discretize = False
        self._show_test = False
        self._data: tuple[np.ndarray, ...] | None = None
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setAspectLocked(True)
        self.plot.setRange(xRange=(-EXTENT, EXTENT), yRange=(-EXTENT, EXTENT), padding=0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self._image_shape: tuple[int, ...] = ()
        self.plot.addItem(self.image)
        self._lut = colors.lookup_table()
        self.bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=color_map(), interactive=False, width=12, colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.test_points = pg.ScatterPlotItem(size=6, pxMode=True)
        self.train_points = pg.ScatterPlotItem(size=6, pxMode=True)
        self.batch_rings = pg.ScatterPlotItem(size=13, pxMode=True, brush=None, pen=pg.mkPen(BATCH_RING, width=2))
        for item in (self.test_points, self.train_points, self.batch_rings):
            self.plot.addItem(item)
        self.caption = pg.TextItem(anchor=(0, 0), color=(20, 20, 20), fill=pg.mkBrush(255, 255, 255, 200))
        self.caption.setPos(-EXTENT, EXTENT)
        self.caption.setVisible(False)
        self.plot.addItem(self.caption, ignoreBounds=True)
        self._apply_palette()

    # -- data ----------------------------------------------------------------------------------
    def set_points(self, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, kind: str) -> None:
        """The dataset to draw; ``kind`` is "binary", "multiclass" or "regression"."""
        self._kind = kind
        self._data = (x_train, y_train, x_test, y_test)
        targets = np.concatenate([y_train, y_test]).astype(float)
        finite = targets[np.isfinite(targets)]
        self._limit = float(np.abs(finite).max()) if len(finite) and np.abs(finite).max() > 0 else 1.0
        self.train_points.setData(pos=x_train, brush=self._brushes(y_train), pen=pg.mkPen(255, 255, 255, 230, width=1))
        self.test_points.setData(pos=x_test, brush=self._brushes(y_test), pen=pg.mkPen(20, 20, 20, 230, width=1))
        self.test_points.setVisible(self._show_test)
        self.set_batch(None)
        self._redraw()

    def set_output(self, values: np.ndarray, output: str) -> None:
        """The network output over the 100×100 grid (x1 fastest): (n²,) for one output unit
        (``output`` is "tanh", "sigmoid" or "linear"), (n², k) probabilities for "softmax"."""
        self._values = np.asarray(values)
        self._output = output
        if self._neuron is None:
            self._redraw()

    def set_batch(self, points: np.ndarray | None) -> None:
        """Ring the points of the current mini-batch (raw (n, 2) inputs); None hides them."""
        if points is None or not len(points):
            self.batch_rings.setData(pos=np.empty((0, 2)))
        else:
            self.batch_rings.setData(pos=np.asarray(points, dtype=float))

    def show_neuron_image(self, img: np.ndarray | None, caption: str = "") -> None:
        """Show one neuron's output (square array, row 0 at x2 = -6, values in [-1, 1]) instead
        of the network's; None goes back to the network output."""
        self._neuron = None if img is None else np.asarray(img, dtype=float)
        self.caption.setText(caption)
        self.caption.setVisible(img is not None and bool(caption))
        self._redraw()

    def set_show_test(self, on: bool) -> None:
        self._show_test = bool(on)
        self.test_points.setVisible(self._show_test)

    def set_discretize(self, on: bool) -> None:
        self._discretize = bool(on)
        self._redraw()

    def refresh_colors(self) -> None:
        """Take the colours again after ``colors.set_scheme``."""
        self._lut = colors.lookup_table()
        self.bar.setColorMap(color_map())
        if self._data is not None:
            self.set_points(*self._data, self._kind)
        self._redraw()

    # -- drawing -------------------------------------------------------------------------------
    def _brushes(self, y: np.ndarray) -> list:
        if self._kind == "multiclass":
            table = [pg.mkBrush(*c) for c in colors.CLASS_COLORS]
            return [table[int(v) % len(table)] for v in y]
        if self._kind == "regression":
            return [pg.mkBrush(colors.value_color(float(v), self._limit)) for v in y]
        pos, neg = pg.mkBrush(colors.positive()), pg.mkBrush(colors.negative())
        return [pos if v > 0 else neg for v in y]

    def _redraw(self) -> None:
        if self._neuron is not None:
            self._show_scalar(self._neuron, (-1.0, 1.0), discretize=False)
            return
        if self._values is None:
            return
        n = int(round(np.sqrt(len(self._values))))
        if self._output == "softmax":
            self.bar.setVisible(False)
            self._set_image(class_regions(self._values, n, self._discretize), levels=(0, 255), lut=None)
            return
        levels = display_levels(self._output, self._limit)
        grid = np.asarray(self._values, dtype=float).reshape(n, n)
        if self._discretize and self._output != "linear":
            middle = (levels[0] + levels[1]) / 2
            grid = np.where(np.isnan(grid), np.nan, np.where(grid >= middle, levels[1], levels[0]))
        self._show_scalar(grid, levels, discretize=self._discretize)

    def _show_scalar(self, grid: np.ndarray, levels: tuple[float, float], discretize: bool) -> None:
        # inf clips to the end of the scale; NaN stays NaN, which the image leaves transparent
        grid = np.clip(grid, levels[0], levels[1])
        self.bar.setVisible(True)
        if tuple(self.bar.levels()) != levels:
            self.bar.setLevels(levels)
        self._set_image(grid, levels=levels, lut=self._lut)

    def _set_image(self, image: np.ndarray, levels: tuple[float, float], lut: np.ndarray | None) -> None:
        self.image.setImage(image, autoLevels=False, levels=levels, lut=lut)
        if image.shape[:2] != self._image_shape:  # the rect scales by the image size: set it after
            self._image_shape = image.shape[:2]
            self.image.setRect(QRectF(-EXTENT, -EXTENT, 2 * EXTENT, 2 * EXTENT))

    # -- look ----------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "plot"):  # not during __init__
            self._apply_palette()

    def _apply_palette(self) -> None:
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        self.setBackground(pal.color(QPalette.ColorRole.Window))
        faded = QColor(text)
        faded.setAlpha(140)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(faded))
            axis.setTextPen(pg.mkPen(text))
        self.bar.axis.setPen(pg.mkPen(faded))
        self.bar.axis.setTextPen(pg.mkPen(text))
