"""The composition root: builds the QApplication and the main window (or, with --screenshot,
renders the window once to a PNG and exits)."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from . import __version__
from .engine.config import RunConfig
from .experiment import ExperimentError, check_config, load_config
from .resources import resource_dirs

log = logging.getLogger(__name__)
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The app icon from resources/icons, or the desktop theme's installed one."""
    for base in resource_dirs():
        icons = base / "icons"
        if (icons / "gdplayground.svg").is_file():
            icon = QIcon()
            for size in ICON_SIZES:
                png = icons / "hicolor" / f"{size}x{size}" / "apps" / "gdplayground.png"
                if png.is_file():
                    icon.addFile(str(png))
            if icon.isNull():
                icon.addFile(str(icons / "gdplayground.svg"))
            return icon
    return QIcon.fromTheme("gdplayground")


class Application(QApplication):
    """The application object; it also passes on the system's request to open a file (macOS
    sends Finder's "Open With" to the application, not as an argument) as a signal."""

    file_open_requested = Signal(str)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            path = event.file() or event.url().toLocalFile()
            if path:
                self.file_open_requested.emit(path)
                return True
        return super().event(event)


def make_application() -> QApplication:
    app = QApplication.instance() or Application(sys.argv[:1])
    app.setApplicationName("gdplayground")
    app.setOrganizationName("gdplayground")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("gdplayground")
    app.setWindowIcon(app_icon())
    return app


def _initial_config(path: str | None) -> tuple[RunConfig | None, str | None]:
    """The config of ``path`` checked as the window needs it (it builds a run, its network
    fits the window), or the one-line reason why not."""
    if not path:
        return None, None
    try:
        config = load_config(path)
        check_config(config, window=True)
    except ExperimentError as exc:
        name = Path(path).name
        return None, str(exc) if str(exc).startswith(f"{name}: ") else f"{name}: {exc}"
    return config, None


def display_problem() -> str | None:
    """Why no window can open here (Linux or BSD without a display), or None. Qt itself would
    abort with advice to reinstall libxcb-cursor0, which is never the cause."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return ("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); train without "
            "it with `gdplayground train`, or save a picture of it with `gdplayground --screenshot out.png`")


def _close_on_interrupt(window) -> None:
    """Ctrl+C in the terminal, or a request to end (SIGTERM, as at logout), closes the window as
    its close button would (asking about unsaved work, stopping the training process) instead
    of a traceback or an abrupt end. Python runs signal handlers only between bytecodes, so a
    timer wakes the interpreter while Qt waits for events. The close is queued: a signal that
    comes before the event loop runs must not close the window before the loop can end."""
    def close(*_) -> None:
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGINT, close)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, close)
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def run_app(args: argparse.Namespace) -> int:
    """Open the window (or take a screenshot); the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    from .ui.palette import apply_palette

    # a file named on its own is opened by the window, which says why if it cannot
    config, error = _initial_config(args.config or (args.file if args.screenshot else None))
    if error:
        print(f"gdplayground: error: {error}", file=sys.stderr)
        return 2
    if args.screenshot:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen needed for a PNG
        from .ui.screenshot import take_screenshot

        return take_screenshot(args.screenshot, config, args.steps, args.size, args.dark)
    problem = display_problem()
    if problem:
        print(f"gdplayground: error: {problem}", file=sys.stderr)
        return 2
    app = make_application()
    apply_palette(app, dark=False)
    from .ui.main_window import MainWindow
    from .ui.file_actions import START_PAGE_KEY
    from .ui.window_files import install_file_support

    settings = QSettings()
    window = MainWindow(None if args.file else config, settings, app.windowIcon())
    files = install_file_support(window)
    if args.dark:
        window.dark_action.setChecked(True)
    window.show()
    _close_on_interrupt(window)
    if args.file:
        files.open_path(args.file, ask=False)  # all of it: points, weights, lesson; says why if refused
    elif not args.config and settings.value(START_PAGE_KEY, True, type=bool):
        files.show_start_page(settings)
    return app.exec()
