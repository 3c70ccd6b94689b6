"""Import a CSV file of points: a preview of the first rows, the problem kind the labels imply,
the number of rows, and for a bad file the first error with its line number (OK stays disabled).

The file is read and checked by ``engine.datasets.parse_csv``; nothing reaches the run until the
student presses Import.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..engine.datasets import CsvError, parse_csv
from ..experiment import ExperimentError
from ..experiment.reading import read_bytes

PREVIEW_ROWS = 20
MAX_CSV_BYTES = 20 * 1024 * 1024
KIND_WORDS = {
    "binary": "two classes (labels −1/+1 or 0/1)",
    "multiclass": "three classes (labels 0, 1, 2)",
    "regression": "regression (a number per point)",
}


def read_csv_text(path: str | Path) -> str:
    """The file's text; CsvError (line 0) when it cannot be read, is not a regular file, is too
    big or is not text. Read as every file is (``experiment.reading``): size capped first."""
    try:
        raw = read_bytes(path, MAX_CSV_BYTES)
    except ExperimentError as exc:
        raise CsvError(0, str(exc)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvError(0, f"{Path(path).name} is not a UTF-8 text file (byte {exc.start})") from None


class CsvImportDialog(QDialog):
    """Shows ``text`` (or the file at ``path``) parsed. After ``exec()`` returns Accepted,
    ``points()`` gives (x (n, 2), y (n,), kind)."""

    def __init__(self, path: str | Path | None = None, text: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("csvImportDialog")
        name = Path(path).name if path is not None else "pasted text"
        self.setWindowTitle(f"Import points from {name}")
        self._result: tuple[np.ndarray, np.ndarray, str] | None = None
        self.bad_row: int | None = None  # the table row of the line in error, when shown
        self.summary = QLabel(self)
        self.summary.setObjectName("csvSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("csvPreview")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Columns x1, x2 (within −6 … 6) and a label or target; a header line and # comments are allowed.", self))
        layout.addWidget(self.buttons)
        self.resize(520, 480)
        try:
            self._show(text if text is not None else read_csv_text(path))
        except CsvError as error:
            self._show_error(error, "")

    def points(self) -> tuple[np.ndarray, np.ndarray, str] | None:
        return self._result

    def _show(self, text: str) -> None:
        try:
            x, y, kind = parse_csv(text)
        except CsvError as error:
            self._show_error(error, text)
            return
        self._result = (x, y, kind)
        self.summary.setText(f"<b>{len(x):,} points</b>, {KIND_WORDS[kind]}. The first {min(len(x), PREVIEW_ROWS)} are shown.")
        self.table.setHorizontalHeaderLabels(["x1", "x2", "target" if kind == "regression" else "label"])
        rows = min(len(x), PREVIEW_ROWS)
        self.table.setRowCount(rows)
        label_text = repr if kind == "regression" else (lambda v: str(int(v)))
        for i in range(rows):
            for j, value in enumerate((repr(float(x[i, 0])), repr(float(x[i, 1])), label_text(float(y[i])))):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.ok_button.setEnabled(True)

    def _show_error(self, error: CsvError, text: str) -> None:
        """The error, and the file's first lines as they are (the bad one marked)."""
        self._result = None
        self.ok_button.setEnabled(False)
        where = f"Line {error.line}: " if error.line else ""
        self.summary.setText(f"<b>Cannot import this file.</b><br>{where}{_escape(error.reason)}")
        self.table.setColumnCount(1)
        self.table.setHorizontalHeaderLabels(["line as written"])
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        numbers = list(range(1, min(len(lines), PREVIEW_ROWS) + 1))
        if error.line and error.line not in numbers and error.line <= len(lines):
            numbers.append(error.line)
        self.table.setRowCount(len(numbers) if text else 0)
        self.table.setVerticalHeaderLabels([str(n) for n in numbers])
        bad = QBrush(QColor(214, 39, 40, 70))
        for row, n in enumerate(numbers if text else []):
            item = QTableWidgetItem(lines[n - 1][:200])
            if n == error.line:
                item.setBackground(bad)
                item.setForeground(self.palette().brush(QPalette.ColorRole.Text))
                self.bad_row = row
            self.table.setItem(row, 0, item)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
