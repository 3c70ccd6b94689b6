"""Exports: plots as PNG or SVG, the window as PNG, the loss history as CSV, the weights as JSON or
NPZ, the dataset as CSV. Every file is written atomically (a failed export never leaves half a
file over an old one); each function raises OSError when the file cannot be written.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Mapping

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene, QWidget

from ..engine import datasets
from ..engine.run import Run
from ..experiment.atomic_write import write_bytes_atomically, write_text_atomically

PLOT_SCALE = 2  # PNGs of plots at twice the screen size: sharp in slides and reports


def _image_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def _exported(item: pg.GraphicsObject | QGraphicsScene | QWidget) -> pg.GraphicsObject | QGraphicsScene:
    """What an exporter takes: a PlotItem or layout as is; a plot widget as everything it shows
    (a colour bar beside the plot and labels at the edges come along)."""
    if isinstance(item, pg.GraphicsView):
        return item.scene()
    return item


def export_plot_png(item: pg.GraphicsObject | QGraphicsScene | QWidget, path: str | Path, scale: int = PLOT_SCALE) -> None:
    """A plot (PlotItem, PlotWidget or GraphicsLayoutWidget) as a PNG, ``scale`` times its size."""
    exporter = pg_exporters.ImageExporter(_exported(item))
    width = int(exporter.params["width"])
    exporter.params["width"] = max(1, width * scale)  # the height follows the aspect ratio
    write_bytes_atomically(path, _image_bytes(exporter.export(toBytes=True)))


def export_plot_svg(item: pg.GraphicsObject | QWidget, path: str | Path) -> None:
    """A plot as SVG (vector: axes, lines and points stay sharp; images are embedded as pixels).

    Drawn by Qt's own SVG generator: pyqtgraph's SVGExporter cannot read the path data that
    current Qt versions write (pyqtgraph issue 3485) and fails on every plot."""
    scene, source, background = _svg_source(item)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(source.size().toSize())
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle("gdplayground plot")
    # pixel-sized things (points, ticks, text) are laid out for the screen: draw at its resolution
    generator.setResolution(round(QGuiApplication.primaryScreen().logicalDotsPerInch()) if QGuiApplication.primaryScreen() else 96)
    painter = QPainter(generator)
    painted = [item for item in scene.items() if hasattr(item, "setExportMode")]
    try:
        # export mode: points are drawn as shapes, not copied from a pixel cache SVG cannot hold
        for it in painted:
            it.setExportMode(True, {"antialias": True, "background": background.color(), "painter": painter, "resolutionScale": 1.0})
        target = QRectF(0, 0, source.width(), source.height())
        painter.fillRect(target, background)
        scene.render(painter, target, source)
    finally:
        for it in painted:
            it.setExportMode(False)
        painter.end()
    buffer.close()
    write_bytes_atomically(path, bytes(data.data()))


def _svg_source(item: pg.GraphicsObject | QWidget) -> tuple[QGraphicsScene, QRectF, QBrush]:
    """The scene, the part of it to draw, and the background the view paints under it."""
    if isinstance(item, pg.GraphicsView):
        return item.scene(), item.mapToScene(item.viewport().rect()).boundingRect(), item.backgroundBrush()
    view = item.scene().views()[0] if item.scene() is not None and item.scene().views() else None
    brush = view.backgroundBrush() if view is not None else QBrush(QColor("white"))
    return item.scene(), item.sceneBoundingRect(), brush


def export_window_png(window: QWidget, path: str | Path) -> None:
    """The whole window as it looks now."""
    write_bytes_atomically(path, _image_bytes(window.grab().toImage()))


def loss_history_csv(run: Run) -> str:
    """``update,batch_loss,lr``: every update the run still remembers, in order."""
    losses, lrs = run.history.losses.view(), run.history.lrs.view()
    first = run.step_count - len(losses) + 1
    lines = ["update,batch_loss,lr"]
    lines += [f"{first + i},{loss!r},{lr!r}" for i, (loss, lr) in enumerate(zip(losses.tolist(), lrs.tolist()))]
    return "\n".join(lines) + "\n"


def export_loss_csv(run: Run, path: str | Path) -> None:
    write_text_atomically(path, loss_history_csv(run))


def weights_json(params: Mapping[str, np.ndarray], update: int) -> str:
    """{"update": n, "W1": [[...]], "b1": [...], ...}; W has shape (fan_in, fan_out)."""
    doc = {"update": int(update), **{name: np.asarray(a, dtype=float).tolist() for name, a in params.items()}}
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def export_weights_json(run: Run, path: str | Path) -> None:
    write_text_atomically(path, weights_json(run.params, run.step_count))


def weights_npz(params: Mapping[str, np.ndarray]) -> bytes:
    """An uncompressed NumPy archive of float64 arrays W1, b1, ...; plain arrays, so
    ``np.load(path, allow_pickle=False)`` reads it."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.array(a, dtype=np.float64) for name, a in params.items()})
    return buffer.getvalue()


def export_weights_npz(run: Run, path: str | Path) -> None:
    write_bytes_atomically(path, weights_npz(run.params))


def export_data_csv(data: datasets.Dataset, path: str | Path) -> None:
    """Every point, training then test, as ``x1,x2,label`` (or ``target``); Import CSV reads it."""
    write_text_atomically(path, datasets.to_csv(data.x_all, data.y_all, data.kind))
