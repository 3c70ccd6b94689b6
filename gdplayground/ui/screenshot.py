"""``gdplayground --screenshot out.png``: open the window, train N updates synchronously, paint,
save a PNG of the whole window and exit. Works without a display (QT_QPA_PLATFORM=offscreen),
so the README's picture can be made by a script."""
from __future__ import annotations

import re
import sys

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from ..engine.config import RunConfig


def parse_size(text: str) -> tuple[int, int]:
    """"1280x800" -> (1280, 800); ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d{3,5})\s*[x×X]\s*(\d{3,5})\s*", text)
    if not m:
        raise ValueError(f"size must look like 1280x800, not {text!r}")
    return int(m.group(1)), int(m.group(2))


def settle(ms: int = 150) -> None:
    """Let layouts, queued repaints and paint events run."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def take_screenshot(path: str, config: RunConfig | None, steps: int, size: str, dark: bool) -> int:
    from ..app import make_application
    from .main_window import MainWindow
    from .palette import apply_palette

    try:
        width, height = parse_size(size)
    except ValueError as exc:
        print(f"gdplayground: error: {exc}", file=sys.stderr)
        return 2
    if steps < 0:
        print("gdplayground: error: --steps must be 0 or more", file=sys.stderr)
        return 2
    app = make_application()
    apply_palette(app, dark=dark)
    window = MainWindow(config, settings=None, icon=app.windowIcon())
    window.dark_action.setChecked(dark)
    window.resize(width, height)
    window.show()
    settle()
    if (window.width(), window.height()) != (width, height):
        print(f"gdplayground: the window cannot be {width}x{height}; it is {window.width()}x{window.height()}", file=sys.stderr)
    window.controller.train_blocking(steps)
    settle()
    image = window.grab()
    window.close()
    QApplication.processEvents()
    if not image.save(path, "PNG"):
        print(f"gdplayground: error: cannot write {path}", file=sys.stderr)
        return 1
    print(f"{path}: {image.width()}x{image.height()}, update {window.controller.run.step_count}")
    return 0
