"""The lesson side panel: the lesson's title and instructions (Markdown), what it locked, and a
button to leave the lesson (every control becomes free again)."""
from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..experiment import CONTROLS, Lesson


class _Instructions(QTextBrowser):
    """Markdown text that never loads anything: a lesson file cannot make the app read other
    files (images) or open links by itself."""

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt's name)
        return None


class LessonPanel(QWidget):
    """``set_lesson(lesson or None)``; hidden without a lesson. ``left`` when the student
    presses Leave lesson."""

    left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonPanel")
        self.title = QLabel(self)
        self.title.setObjectName("lessonTitle")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.text = _Instructions(self)
        self.text.setObjectName("lessonInstructions")
        self.text.setOpenLinks(False)
        self.text.setOpenExternalLinks(False)
        self.locks = QLabel(self)
        self.locks.setObjectName("lessonLocks")
        self.locks.setWordWrap(True)
        self.leave_button = QPushButton("Leave lesson", self)
        self.leave_button.setObjectName("leaveLesson")
        self.leave_button.setToolTip("Unlock every control; the experiment stays as it is")
        self.leave_button.clicked.connect(self.left)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.locks)
        layout.addWidget(self.leave_button)
        self.lesson: Lesson | None = None
        self.set_lesson(None)

    def set_lesson(self, lesson: Lesson | None) -> None:
        self.lesson = lesson
        self.setVisible(lesson is not None)
        if lesson is None:
            return
        self.title.setText(lesson.title or "Lesson")
        self.text.setMarkdown(lesson.instructions)
        parts = []
        if lesson.locked:
            parts.append("Locked: " + ", ".join(CONTROLS[c].lower() for c in lesson.locked))
        if lesson.hidden:
            parts.append("Hidden: " + ", ".join(CONTROLS[c].lower() for c in lesson.hidden))
        self.locks.setText(".\n".join(parts) + ("." if parts else ""))
        self.locks.setVisible(bool(parts))
