"""File → Export: each export asks for a file name, writes it, and reports a failure in a message
box (the window is never left half-way)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from . import exports


class ExportActions(QObject):
    """Builds the Export submenu for ``window``; ``run_of()`` gives the Run to export, safe to
    read (training paused). ``folder`` remembers where the last export went."""

    def __init__(self, window: QWidget, run_of: Callable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.run_of = run_of
        self.folder = str(Path.home())
        self.actions: dict[str, QAction] = {}

    def menu(self, parent: QMenu) -> QMenu:
        menu = parent.addMenu("&Export")
        menu.setObjectName("exportMenu")
        boundary, loss = getattr(self.window, "boundary_plot", None), getattr(self.window, "loss_plot", None)
        items = (
            ("boundaryPng", "Output plot as &PNG…", "output.png", "PNG images (*.png)", boundary, exports.export_plot_png),
            ("boundarySvg", "Output plot as &SVG…", "output.svg", "SVG drawings (*.svg)", boundary, exports.export_plot_svg),
            ("lossPng", "&Loss plot as PNG…", "loss.png", "PNG images (*.png)", loss, exports.export_plot_png),
            ("lossSvg", "Loss plot as S&VG…", "loss.svg", "SVG drawings (*.svg)", loss, exports.export_plot_svg),
            ("windowPng", "&Window as PNG…", "window.png", "PNG images (*.png)", self.window, exports.export_window_png),
        )
        for name, text, default, kind, widget, write in items:
            action = self._add(menu, name, text, lambda w=widget, f=write: (lambda path: f(w, path)), default, kind)
            action.setEnabled(widget is not None)
        menu.addSeparator()
        for name, text, default, kind, write in (
            ("lossCsv", "Loss &history as CSV…", "loss-history.csv", "CSV files (*.csv)", exports.export_loss_csv),
            ("weightsJson", "Weights as &JSON…", "weights.json", "JSON files (*.json)", exports.export_weights_json),
            ("weightsNpz", "Weights as &NPZ (NumPy)…", "weights.npz", "NumPy archives (*.npz)", exports.export_weights_npz),
        ):
            self._add(menu, name, text, lambda f=write: (lambda path: f(self.run_of(), path)), default, kind)
        self._add(menu, "dataCsv", "&Data as CSV…", lambda: (lambda path: exports.export_data_csv(self.run_of().data, path)),
                  "data.csv", "CSV files (*.csv)")
        return menu

    def _add(self, menu: QMenu, name: str, text: str, make_writer: Callable, default: str, kind: str) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(f"export_{name}")
        action.triggered.connect(lambda: self.export(make_writer(), default, kind))
        self.actions[name] = action
        return action

    def export(self, write: Callable[[str], None], default: str, kind: str, path: str | None = None) -> bool:
        """Ask for a file name (unless ``path`` is given) and write it; False if cancelled or failed."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export", str(Path(self.folder) / default), kind)
            if not path:
                return False
            suffix = Path(default).suffix
            if not path.lower().endswith(suffix):
                path += suffix
        try:
            write(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, "Export failed", f"Could not write {Path(path).name}:\n{exc}")
            return False
        self.folder = str(Path(path).parent)
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(f"Exported {Path(path).name}", 6000)
        return True
