"""The dataset picker: a thumbnail of every dataset, drawn from its own points, and the data
settings under it (noise, train/test ratio, number of points, a new random sample).

The picker is passive: it shows the values it is given (``set_values``) and emits ``changed``
with the RunConfig fields the student changed. Every such change rebuilds the data and resets
the run, so sliders report once the student lets go, never on every pixel of a drag.

Points the student drew or imported (dataset "custom") show as a "Your points" tile drawn from
those points (``set_custom_points``). They cannot be generated again, so noise, number of points
and Regenerate are disabled; the training share still works and is reported as
``custom_split_changed``, for the window to split the same points anew.
"""
from __future__ import annotations

import random
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton, QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider,
    QSpinBox, QVBoxLayout, QWidget,
)

from ..engine import datasets
from ..experiment import CUSTOM
from . import colors

THUMB = 44  # side of a thumbnail's picture, in device-independent pixels
_FRAME = 3  # room around the picture for the selection frame
# Tiles per row: the six classification datasets fill one row, and the three-class and
# regression ones share the next, so the data settings and the hyper panel under them start
# high enough to be in view on a 768 px screen
_PER_ROW = 6
_POINT_RADIUS = 1.3
_BACKGROUND = QColor(255, 255, 255)  # data colours are chosen for a light background
_LIMIT = 6.0

KIND_LABELS: dict[str, str] = {
    "binary": "classification", "multiclass": "3 classes", "regression": "regression",
}
_GROUP_TITLES = (("binary", "Classification"), ("multiclass", "Three classes"),
                 ("regression", "Regression"))
OWN_POINTS_TIP = "Your points are used as drawn or imported"
_NOISE_TIP = "Noise: how far points move or how many labels flip (0–50 %)"
_POINTS_TIP = "Number of points, training and test together (50–5000)"


# --- thumbnails ------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _points(name: str) -> tuple[np.ndarray, np.ndarray]:
    """All 200 points of ``name`` without noise (the same picture whatever the sliders say)."""
    data = datasets.generate(name, points=200, noise=0.0, seed=0)
    return data.x_all, data.y_all


def _point_colors(kind: str, y: np.ndarray) -> list[QColor]:
    if kind == "binary":
        neg, pos = colors.negative(), colors.positive()
        return [pos if v > 0 else neg for v in y]
    if kind == "multiclass":
        table = [QColor(*c) for c in colors.CLASS_COLORS]
        return [table[int(v)] for v in y]
    # colors.value_color's scale, indexed in one go: that function rebuilds its table per call
    lut = colors.lookup_table()
    limit = (float(np.max(np.abs(y))) if len(y) else 0.0) or 1.0
    rows = np.round((np.clip(y / limit, -1.0, 1.0) + 1.0) / 2.0 * (len(lut) - 1)).astype(int)
    return [QColor(*(int(c) for c in lut[i])) for i in rows]


def render_thumbnail(name: str, ratio: float = 1.0) -> QPixmap:
    """A THUMB x THUMB picture of dataset ``name`` at device pixel ratio ``ratio``."""
    x, y = _points(name)
    return render_points(x, y, datasets.KINDS[name], ratio)


def render_points(x: np.ndarray, y: np.ndarray, kind: str, ratio: float = 1.0) -> QPixmap:
    """A THUMB x THUMB picture of points ``x`` (n, 2) in [-6, 6]² labelled ``y`` (a ``kind``
    of problem: binary, multiclass, regression) at device pixel ratio ``ratio``."""
    side = int(round(THUMB * ratio))
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_BACKGROUND)
    scale = side / (2 * _LIMIT)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = _POINT_RADIUS * ratio
    for (px, py), color in zip(x, _point_colors(kind, y)):
        painter.setBrush(color)
        painter.drawEllipse(QPointF((px + _LIMIT) * scale, (_LIMIT - py) * scale), radius, radius)
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


_pixmaps: dict[tuple[str, str, float], QPixmap] = {}


def thumbnail(name: str, ratio: float = 1.0) -> QPixmap:
    """The cached thumbnail of ``name`` for the current colour scheme."""
    key = (colors.scheme(), name, ratio)
    if key not in _pixmaps:
        _pixmaps[key] = render_thumbnail(name, ratio)
    return _pixmaps[key]


class DatasetThumbnail(QAbstractButton):
    """One checkable tile: the dataset's picture, framed in the highlight colour when chosen."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if name in datasets.TITLES:
            self.setToolTip(f"<b>{datasets.TITLES[name]}</b><br>{KIND_LABELS[datasets.KINDS[name]]}")
            self.setAccessibleName(f"{datasets.TITLES[name]} ({KIND_LABELS[datasets.KINDS[name]]})")

    def picture(self, ratio: float) -> QPixmap:
        """The tile's picture at device pixel ratio ``ratio``."""
        return thumbnail(self.name, ratio)

    def sizeHint(self) -> QSize:
        return QSize(THUMB + 2 * _FRAME, THUMB + 2 * _FRAME)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(_FRAME, _FRAME, self.picture(self.devicePixelRatioF()))
        palette = self.palette()
        box = QRectF(1.5, 1.5, self.width() - 3.0, self.height() - 3.0)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        if self.isChecked():
            painter.setPen(QPen(highlight, 3.0))
        elif self.underMouse():
            painter.setPen(QPen(highlight, 1.5))
        elif self.hasFocus():  # dashed, so keyboard focus never reads as "selected"
            painter.setPen(QPen(highlight, 1.5, Qt.PenStyle.DashLine))
        else:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 3.0, 3.0)

    def enterEvent(self, event) -> None:  # repaint the hover frame
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self.update()
        super().leaveEvent(event)


class PointsThumbnail(DatasetThumbnail):
    """The tile of the student's own points (drawn or imported), drawn from those points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CUSTOM, parent)
        self.x, self.y, self.kind = np.empty((0, 2)), np.empty(0), "binary"
        self._pictures: dict[tuple[str, float], QPixmap] = {}
        self._describe()

    def set_points(self, x: np.ndarray, y: np.ndarray, kind: str) -> bool:
        """Draw these points from now on; False when they are the ones drawn already."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if kind == self.kind and np.array_equal(x, self.x) and np.array_equal(y, self.y):
            return False
        self.x, self.y, self.kind = x, y, kind
        self._pictures.clear()
        self._describe()
        self.update()
        return True

    def refresh_colors(self) -> None:
        self._pictures.clear()
        self.update()

    def picture(self, ratio: float) -> QPixmap:
        key = (colors.scheme(), ratio)
        if key not in self._pictures:
            self._pictures[key] = render_points(self.x, self.y, self.kind, ratio)
        return self._pictures[key]

    def _describe(self) -> None:
        kind = KIND_LABELS[self.kind]
        self.setToolTip(f"<b>Your own points</b><br>{len(self.y):,} points, {kind}, drawn or imported")
        self.setAccessibleName(f"Your own points ({len(self.y):,}, {kind})")


# --- the picker ------------------------------------------------------------------------------

class _ReleaseSlider(QSlider):
    """A slider that reports a value once: on release after a drag, or after a short pause
    when moved by keyboard, wheel or a click on the groove (each report resets the run)."""

    committed = Signal(int)

    def __init__(self, low: int, high: int, step: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setPageStep(step * 2)
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self._commit)
        self.sliderReleased.connect(self._commit)
        self.valueChanged.connect(self._moved)

    def _moved(self) -> None:
        if not self.isSliderDown():
            self._timer.start()

    def _commit(self) -> None:
        self._timer.stop()
        self.committed.emit(self.value())

    def set_quietly(self, value: int) -> None:
        self._timer.stop()
        self.blockSignals(True)
        self.setValue(value)
        self.blockSignals(False)


class DatasetPicker(QWidget):
    """Thumbnails of every dataset plus noise, train/test ratio, points and Regenerate.

    ``changed(dict)`` carries only the RunConfig fields the student changed (a subset of
    dataset, points, noise, train_ratio, data_seed); ``set_values`` never emits it.
    ``custom_split_changed(float)``: the student moved the training share while their own
    points are shown (dataset "custom"); ``changed`` is not emitted then, since those points
    cannot be generated again: the window splits the same points anew.
    """

    changed = Signal(dict)
    custom_split_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetPicker")  # what a lesson's "dataset" lock finds
        self._values: dict[str, object] = {
            "dataset": datasets.NAMES[0], "points": 500, "noise": 0.0, "train_ratio": 0.5,
            "data_seed": None,
        }
        self._tiles: dict[str, DatasetThumbnail] = {}
        self._showing_own = False  # the student's own points are shown (dataset "custom")
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._build_tiles(layout)
        self._build_custom_tile(layout)
        self._caption = QLabel()
        self._caption.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self._caption)
        layout.addSpacing(6)
        self._build_settings(layout)
        layout.addStretch(1)
        self._group.buttonClicked.connect(self._tile_clicked)
        self.set_values(**self._values)

    # -- building --

    @staticmethod
    def _heading(title: str) -> QLabel:
        heading = QLabel(title)
        heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        heading.setFont(font)
        return heading

    def _build_tiles(self, layout: QVBoxLayout) -> None:
        row, used = None, _PER_ROW
        for kind, title in _GROUP_TITLES:
            names = [n for n in datasets.NAMES if datasets.KINDS[n] == kind]
            width = min(len(names), _PER_ROW)
            if used + width > _PER_ROW:  # a group shares a row when it fits beside the last
                row, used = QHBoxLayout(), 0
                row.setSpacing(12)
                row.addStretch(1)  # tiles stay packed to the left
                layout.addLayout(row)
            used += width
            group = QVBoxLayout()
            group.setSpacing(1)
            group.addWidget(self._heading(title))
            grid = QGridLayout()
            grid.setSpacing(4)
            grid.setContentsMargins(0, 0, 0, 2)
            for i, name in enumerate(names):
                tile = DatasetThumbnail(name, self)
                self._tiles[name] = tile
                self._group.addButton(tile)
                grid.addWidget(tile, i // _PER_ROW, i % _PER_ROW)
            group.addLayout(grid)
            row.insertLayout(row.count() - 1, group)

    def _build_custom_tile(self, layout: QVBoxLayout) -> None:
        # last, so that the generated tiles never move when it comes and goes
        self._custom_section = QWidget(self)
        section = QVBoxLayout(self._custom_section)
        section.setContentsMargins(0, 0, 0, 2)
        section.setSpacing(4)
        section.addWidget(self._heading("Your points"))
        self._custom_tile = PointsThumbnail(self._custom_section)
        self._group.addButton(self._custom_tile)
        row = QHBoxLayout()
        row.addWidget(self._custom_tile)
        row.addStretch(1)
        section.addLayout(row)
        layout.addWidget(self._custom_section)

    def _build_settings(self, layout: QVBoxLayout) -> None:
        self._noise_label = QLabel()
        self._noise = _ReleaseSlider(0, 50, 5, self)
        self._noise.setAccessibleName("Noise")
        self._noise.valueChanged.connect(self._show_noise)
        self._noise.committed.connect(lambda v: self._emit(noise=round(v / 100, 2)))
        self._ratio_label = QLabel()
        self._ratio = _ReleaseSlider(10, 90, 5, self)
        self._ratio.setAccessibleName("Training data")
        self._ratio.setToolTip("Share of the points used for training; the rest measure the test loss")
        self._ratio.valueChanged.connect(self._show_ratio)
        self._ratio.committed.connect(self._ratio_committed)
        # each slider beside its label, not under it: a line less each
        sliders = QGridLayout()
        sliders.setContentsMargins(0, 0, 0, 0)
        sliders.setVerticalSpacing(2)
        for row, (label, slider) in enumerate(((self._noise_label, self._noise), (self._ratio_label, self._ratio))):
            sliders.addWidget(label, row, 0)
            sliders.addWidget(slider, row, 1)
        # as wide as the longest text the labels take, so that the sliders never move
        sliders.setColumnMinimumWidth(0, max(self.fontMetrics().horizontalAdvance(t) for t in (
            "Noise: none added", "Noise: 50 %", "Training data: 90 %")) + 8)
        layout.addLayout(sliders)
        layout.addLayout(self._build_points_row())

    def _build_points_row(self) -> QHBoxLayout:
        self._points = QSpinBox(self)
        self._points.setRange(50, 5000)
        self._points.setSingleStep(50)
        self._points.setKeyboardTracking(False)  # one report per typed number, not per digit
        self._points.setAccessibleName("Number of points")
        self._points.valueChanged.connect(lambda v: self._emit(points=v))
        self._points_label = QLabel("&Points:")
        self._points_label.setBuddy(self._points)
        self._regenerate = QPushButton("&Regenerate")
        self._regenerate.clicked.connect(self._new_seed)
        row = QHBoxLayout()
        row.addWidget(self._points_label)
        row.addWidget(self._points)
        row.addStretch(1)
        row.addWidget(self._regenerate)
        return row

    # -- public --

    def set_values(self, dataset: str, points: int, noise: float, train_ratio: float,
                   data_seed: int | None) -> None:
        """Show these settings; ``changed`` is not emitted. ``dataset`` "custom" shows the
        student's own points (see ``set_custom_points``)."""
        if dataset not in self._tiles and dataset != CUSTOM:
            raise ValueError(f"unknown dataset {dataset!r}")
        self._values.update(dataset=dataset, points=int(points), noise=float(noise),
                            train_ratio=float(train_ratio), data_seed=data_seed)
        self._noise.set_quietly(0 if dataset == CUSTOM else round(noise * 100))
        self._ratio.set_quietly(round(train_ratio * 100))
        self._show_selection()

    def set_custom_points(self, x: np.ndarray, y: np.ndarray, kind: str) -> None:
        """The student's own points (drawn or imported): ``x`` (n, 2), ``y`` (n,), ``kind``
        binary, multiclass or regression. Drawn in the "Your points" tile and counted in the
        caption while dataset "custom" is shown. No signal."""
        if kind not in KIND_LABELS:
            raise ValueError(f"unknown kind of problem {kind!r}")
        if self._custom_tile.set_points(x, y, kind) and self._values["dataset"] == CUSTOM:
            self._show_selection()

    def values(self) -> dict[str, object]:
        """The settings shown now (dataset, points, noise, train_ratio, data_seed)."""
        return dict(self._values)

    def refresh_colors(self) -> None:
        """Redraw the thumbnails after the colour scheme changed (each scheme drawn once)."""
        for tile in self._tiles.values():
            tile.update()
        self._custom_tile.refresh_colors()

    def tile(self, name: str) -> DatasetThumbnail:
        """The thumbnail button of dataset ``name`` ("custom": the "Your points" tile)."""
        return self._custom_tile if name == CUSTOM else self._tiles[name]

    # -- reactions --

    def _emit(self, **changes: object) -> None:
        changes = {k: v for k, v in changes.items() if self._values.get(k) != v}
        if changes:
            self._values.update(changes)
            self._show_selection()
            self.changed.emit(changes)

    def _tile_clicked(self, tile: DatasetThumbnail) -> None:
        self._emit(dataset=tile.name)

    def _ratio_committed(self, percent: int) -> None:
        ratio = round(percent / 100, 2)
        if self._values["dataset"] != CUSTOM:
            self._emit(train_ratio=ratio)
        elif ratio != self._values["train_ratio"]:
            self._values["train_ratio"] = ratio
            self.custom_split_changed.emit(ratio)

    def _new_seed(self) -> None:
        old = self._values["data_seed"]
        seed = old
        while seed == old:
            seed = random.randrange(1, 1_000_000)
        self._emit(data_seed=seed)

    def _show_selection(self) -> None:
        name = str(self._values["dataset"])
        custom = name == CUSTOM
        self._custom_section.setVisible(custom)
        self.tile(name).setChecked(True)  # exclusive: unmarks every other tile
        if custom:
            tile = self._custom_tile
            count = f" ({len(tile.y):,})" if len(tile.y) else ""
            kind = f" · {KIND_LABELS[tile.kind]}" if len(tile.y) else ""
            self._caption.setText(f"<b>Your own points{count}</b>{kind}")
        else:
            title, kind = datasets.TITLES[name], KIND_LABELS[datasets.KINDS[name]]
            self._caption.setText(f"<b>{title}</b> · {kind}")
        self._show_generated_settings(not custom)
        self._show_noise(self._noise.value())
        self._show_ratio(self._ratio.value())

    def _show_generated_settings(self, generated: bool) -> None:
        """Noise, points and Regenerate: working for generated data, disabled (and saying
        why) for the student's own points."""
        for widget in (self._noise_label, self._noise, self._points_label, self._points, self._regenerate):
            widget.setEnabled(generated)
        if self._showing_own == generated:  # only on coming or going: a slider may be mid-move
            self._showing_own = not generated
            self._noise.set_quietly(round(float(self._values["noise"]) * 100) if generated else 0)
        self._noise_label.setToolTip("" if generated else OWN_POINTS_TIP)
        self._noise.setToolTip(_NOISE_TIP if generated else OWN_POINTS_TIP)
        self._points.setToolTip(_POINTS_TIP if generated else OWN_POINTS_TIP)
        seed = self._values["data_seed"]
        self._regenerate.setToolTip(OWN_POINTS_TIP if not generated else (
            "Draw a new random sample of the same dataset (new data seed); now: "
            + ("the run's seed" if seed is None else f"data seed {seed}")))
        # the spin box shows how many points there are: the chosen number, or the student's
        count = len(self._custom_tile.y) if not generated and len(self._custom_tile.y) else None
        shown = int(self._values["points"]) if count is None else count
        self._points.blockSignals(True)
        self._points.setRange(min(50, shown), max(5000, shown))
        self._points.setValue(shown)
        self._points.blockSignals(False)

    def _show_noise(self, percent: int) -> None:
        custom = self._values["dataset"] == CUSTOM
        self._noise_label.setText("Noise: none added" if custom else f"Noise: {percent} %")

    def _show_ratio(self, percent: int) -> None:
        self._ratio_label.setText(f"Training data: {percent} %")
