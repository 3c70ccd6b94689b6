"""Laying out the update inspector's rich text: ``MathView`` shows it with hoverable links,
``natural_widths`` measures pieces of it on one line (to decide which lines break)."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget


class MathView(QTextBrowser):
    """Rich text with hoverable links, laid out once per change (a QLabel with the same text
    re-lays it out for every size query: measured 3 to 10 times slower). ``text()`` is the
    HTML last given; ``link_hovered(str)`` carries the link under the mouse ("" when none)."""

    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html = ""
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)  # the panel's background, in either palette
        self.document().setDocumentMargin(2)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))

    def setText(self, html_text: str) -> None:
        self._html = html_text
        self.setHtml(html_text)

    def text(self) -> str:
        return self._html

    def content_height(self) -> int:
        self.document().setTextWidth(self.viewport().width())
        return int(self.document().size().height()) + 2 * self.frameWidth() + 2


def natural_widths(pieces: Sequence[str], font: QFont) -> list[float]:
    """The width of each piece of rich text (no <br> or block inside) laid out on one line;
    one document for all of them, as each document costs more than its lines."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setHtml("".join(f"<p style='margin:0'>{piece}</p>" for piece in pieces))
    doc.size()  # lays the document out (it waits until asked)
    widths = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        widths.append(max((layout.lineAt(i).naturalTextWidth() for i in range(layout.lineCount())), default=0.0))
        block = block.next()
    return widths
