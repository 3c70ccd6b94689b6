"""Save as lesson: a title, instructions for the student, and which controls to lock (shown but
disabled) or hide."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout,
    QWidget,
)

from ..experiment import CONTROLS, Lesson
from ..experiment.lesson import MAX_TEXT, MAX_TITLE


class SaveLessonDialog(QDialog):
    """Filled from ``lesson`` when given (editing a lesson); ``lesson()`` is the result. Save
    is enabled once there is a title. Hiding a control also locks it."""

    def __init__(self, lesson: Lesson | None = None, include_weights: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveLessonDialog")
        self.setWindowTitle("Save as lesson")
        self.title = QLineEdit(self)
        self.title.setObjectName("lessonTitleEdit")
        self.title.setMaxLength(MAX_TITLE)
        self.title.setPlaceholderText("What the lesson is about")
        self.instructions = QPlainTextEdit(self)
        self.instructions.setObjectName("lessonTextEdit")
        self.instructions.setPlaceholderText("What the student should do and look for. Markdown works: **bold**, *italic*, - lists.")
        self.locked: dict[str, QCheckBox] = {}
        self.hidden: dict[str, QCheckBox] = {}
        controls = QGroupBox("Controls", self)
        grid = QGridLayout(controls)
        grid.addWidget(QLabel("<b>Lock</b>"), 0, 1, Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(QLabel("<b>Hide</b>"), 0, 2, Qt.AlignmentFlag.AlignCenter)
        for row, (name, words) in enumerate(CONTROLS.items(), start=1):
            grid.addWidget(QLabel(words), row, 0)
            for column, boxes in ((1, self.locked), (2, self.hidden)):
                box = QCheckBox(self)
                box.setObjectName(f"{'lock' if column == 1 else 'hide'}_{name}")
                box.setToolTip(f"{'Lock' if column == 1 else 'Hide'}: {words.lower()}")
                grid.addWidget(box, row, column, Qt.AlignmentFlag.AlignCenter)
                boxes[name] = box
            self.hidden[name].toggled.connect(lambda on, n=name: self._hide_locks(n, on))
        self.weights = QCheckBox("Include the current weights (the student starts where you are)", self)
        self.weights.setObjectName("lessonWeights")
        self.weights.setChecked(include_weights)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save lesson…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.title.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Title"))
        layout.addWidget(self.title)
        layout.addWidget(QLabel("Instructions"))
        layout.addWidget(self.instructions, 1)
        layout.addWidget(controls)
        layout.addWidget(self.weights)
        layout.addWidget(buttons)
        if lesson is not None:
            self.title.setText(lesson.title)
            self.instructions.setPlainText(lesson.instructions)
            for name in lesson.locked:
                self.locked[name].setChecked(True)
            for name in lesson.hidden:
                self.hidden[name].setChecked(True)
        self._update()

    def _hide_locks(self, name: str, hidden: bool) -> None:
        box = self.locked[name]
        if hidden:
            box.setChecked(True)
        box.setEnabled(not hidden)

    def _update(self) -> None:
        self.save_button.setEnabled(bool(self.title.text().strip()))

    def lesson(self) -> Lesson:
        text = self.instructions.toPlainText()[:MAX_TEXT]
        locked = tuple(n for n, b in self.locked.items() if b.isChecked())
        hidden = tuple(n for n, b in self.hidden.items() if b.isChecked())
        return Lesson(self.title.text().strip(), text, locked, hidden)
