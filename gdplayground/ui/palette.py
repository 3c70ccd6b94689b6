"""Light and dark palettes. The Fusion style draws the same on every platform and follows the
palette completely, so one switch turns the whole window dark, plots included (they take their
colours from the palette)."""
from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_DARK = {
    QPalette.ColorRole.Window: (45, 45, 48),
    QPalette.ColorRole.WindowText: (226, 226, 226),
    QPalette.ColorRole.Base: (32, 32, 34),
    QPalette.ColorRole.AlternateBase: (52, 52, 56),
    QPalette.ColorRole.ToolTipBase: (60, 60, 64),
    QPalette.ColorRole.ToolTipText: (235, 235, 235),
    QPalette.ColorRole.PlaceholderText: (150, 150, 150),
    QPalette.ColorRole.Text: (226, 226, 226),
    QPalette.ColorRole.Button: (58, 58, 62),
    QPalette.ColorRole.ButtonText: (226, 226, 226),
    QPalette.ColorRole.BrightText: (255, 90, 90),
    QPalette.ColorRole.Light: (80, 80, 84),
    QPalette.ColorRole.Midlight: (66, 66, 70),
    QPalette.ColorRole.Mid: (40, 40, 42),
    QPalette.ColorRole.Dark: (24, 24, 26),
    QPalette.ColorRole.Shadow: (10, 10, 10),
    QPalette.ColorRole.Highlight: (64, 140, 220),
    QPalette.ColorRole.HighlightedText: (255, 255, 255),
    QPalette.ColorRole.Link: (110, 170, 240),
    QPalette.ColorRole.LinkVisited: (170, 140, 240),
}
_DISABLED_DARK = {
    QPalette.ColorRole.WindowText: (120, 120, 120),
    QPalette.ColorRole.Text: (120, 120, 120),
    QPalette.ColorRole.ButtonText: (120, 120, 120),
    QPalette.ColorRole.Highlight: (80, 80, 84),
}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, rgb in _DARK.items():
        pal.setColor(role, QColor(*rgb))
    for role, rgb in _DISABLED_DARK.items():
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(*rgb))
    return pal


def apply_palette(app: QApplication, dark: bool) -> None:
    """Fusion with a dark palette, or Fusion's own light one."""
    if app.style().name().lower() != "fusion":
        app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
