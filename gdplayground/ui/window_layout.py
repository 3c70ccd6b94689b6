"""Layout pieces of the main window: the titled panels, the right column (output above the
loss), the splitter's default sizes and the room the bottom dock may take."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget


class RightColumn(QWidget):
    """The boundary plot on top, kept about square (its height follows the column's width: the
    axes and colour bar take about as much width as the axis and title take height), and the
    loss plot in the rest: LOSS_MIN, or 40 % of a short column."""

    LOSS_MIN = 170

    def __init__(self, top: QWidget, bottom: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.top = top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(top)
        layout.addWidget(bottom, 1)
        bottom.setMinimumHeight(100)

    def minimumSizeHint(self) -> QSize:
        # not the current fixed height of the plot: that follows the column and must not
        # keep the window from shrinking
        return QSize(260, 300)

    def resizeEvent(self, event) -> None:
        h = self.height()
        self.top.setFixedHeight(int(max(160, min(self.width() - 40, max(h - self.LOSS_MIN, 0.6 * h)))))
        super().resizeEvent(event)


def titled(title: str, widget: QWidget, parent: QWidget) -> QWidget:
    """``widget`` under a small bold caption (the title in capitals)."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(2, 2, 2, 2)
    layout.setSpacing(2)
    label = QLabel(title.upper(), box)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


def set_default_sizes(splitter: QSplitter, window_width: int) -> None:
    """Left column, network, right column: the network gets what the two columns leave."""
    width = max(window_width, 900)
    side = max(360, min(640, width * 3 // 10))
    left = max(300, splitter.widget(0).minimumWidth())
    splitter.setSizes([left, width - left - side, side])


def fit_bottom_dock(window: QMainWindow, dock: QDockWidget | None) -> None:
    """On a short screen the bottom dock may take at most a quarter of the window: the
    network and the plots come first."""
    if dock is None or not dock.isVisible():
        return
    limit = window.height() // 4
    if dock.height() > limit:
        window.resizeDocks([dock], [max(limit, dock.minimumSizeHint().height())], Qt.Orientation.Vertical)
