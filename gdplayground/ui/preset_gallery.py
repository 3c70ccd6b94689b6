"""The preset gallery: ready experiments grouped by topic, each with its explanation. As a widget
(for a start page) or a dialog (File → Presets…); both emit ``preset_chosen(path)``."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..experiment import Preset, list_presets

_PATH_ROLE = Qt.ItemDataRole.UserRole
PRESETS_TEXT = "Ready-made experiments. Each shows one idea; pairs start from the same weights so you can compare them."
START_TEXT = (
    "<b>Watch gradient descent, one update at a time.</b> Press <b>Step</b> (→) for exactly one "
    "update of w ← w − η·∂L/∂w, <b>Play</b> (Space) to train, and click any weight to see its "
    "update worked out in numbers. Start with one of these experiments, or just explore the "
    "default one (File → Presets… brings this list back)."
)


class PresetGallery(QWidget):
    """A tree of presets (topic ▸ title) beside the chosen one's explanation. Double-click or
    ``open_current()`` emits ``preset_chosen(path)``."""

    preset_chosen = Signal(str)

    def __init__(self, presets: Sequence[Preset] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetGallery")
        self.presets = list(list_presets() if presets is None else presets)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("presetList")
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumWidth(260)
        self.title = QLabel(self)
        self.title.setObjectName("presetTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.text = QLabel(self)
        self.text.setObjectName("presetDescription")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.text, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 2)
        layout.addLayout(right, 3)
        self._fill()
        self.tree.currentItemChanged.connect(self._show)
        self.tree.itemActivated.connect(lambda item, _col: self._choose(item))
        first = self._first_leaf()
        if first is not None:
            self.tree.setCurrentItem(first)
        else:
            self.title.setText("No presets found")
            self.text.setText("The presets folder is missing from this installation.")

    def _fill(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for preset in self.presets:
            topic = preset.topic or "Other"
            group = groups.get(topic)
            if group is None:
                group = groups[topic] = QTreeWidgetItem(self.tree, [topic])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setExpanded(True)
            name = preset.title.split(":", 1)[1].strip() if ":" in preset.title else preset.title
            leaf = QTreeWidgetItem(group, [name[:1].upper() + name[1:]])
            leaf.setData(0, _PATH_ROLE, str(preset.path))
            leaf.setToolTip(0, preset.title)

    def _first_leaf(self) -> QTreeWidgetItem | None:
        top = self.tree.topLevelItem(0)
        return top.child(0) if top is not None and top.childCount() else None

    def current_path(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, _PATH_ROLE) if item is not None else None

    def open_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QTreeWidgetItem) -> None:
        path = item.data(0, _PATH_ROLE)
        if path:
            self.preset_chosen.emit(path)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        path = item.data(0, _PATH_ROLE) if item is not None else None
        preset = next((p for p in self.presets if str(p.path) == path), None)
        if preset is None:
            return
        self.title.setText(preset.title)
        self.text.setText(preset.description)


class PresetGalleryDialog(QDialog):
    """The gallery with Open and Cancel; emits ``preset_chosen(path)`` and closes on Open."""

    preset_chosen = Signal(str)

    def __init__(self, presets: Sequence[Preset] | None = None, parent: QWidget | None = None, start_page: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("presetDialog")
        self.setWindowTitle("Welcome to gdplayground" if start_page else "Presets")
        self.gallery = PresetGallery(presets, self)
        intro = QLabel(START_TEXT if start_page else PRESETS_TEXT, self)
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        # The start page: a way in for a first visit, out of the way for every later one.
        self.show_at_start = QCheckBox("Show this at start", self) if start_page else None
        if start_page:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Just explore")
            buttons.addButton(self.show_at_start, QDialogButtonBox.ButtonRole.ResetRole)
        self.open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setEnabled(self.gallery.current_path() is not None)
        buttons.accepted.connect(self.gallery.open_current)
        buttons.rejected.connect(self.reject)
        self.gallery.tree.currentItemChanged.connect(lambda *_: self.open_button.setEnabled(self.gallery.current_path() is not None))
        self.gallery.preset_chosen.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.gallery, 1)
        layout.addWidget(buttons)
        self.resize(760, 460)

    def _chosen(self, path: str) -> None:
        self.preset_chosen.emit(path)
        self.accept()


def preset_path(name: str) -> Path | None:
    """The shipped preset whose file name starts with ``name`` (for tests and scripts)."""
    return next((p.path for p in list_presets() if p.path.name.startswith(name)), None)
