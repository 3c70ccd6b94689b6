"""The main window's actions and menu bar, and the two Help dialogs (keyboard shortcuts, about).
The window decides what each action does; this module only makes and places them."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from .. import __version__

if TYPE_CHECKING:
    from .main_window import MainWindow

SHORTCUTS = (
    ("Space", "Play / Pause"),
    ("→", "Step: exactly one update"),
    ("Shift+→", "Step to the end of the epoch"),
    ("R", "Reset: start again from update 0"),
    ("Ctrl+Q", "Quit"),
)


def make_action(window: QWidget, text: str, shortcut: str | QKeySequence | None, slot: Callable,
                tip: str = "", checkable: bool = False) -> QAction:
    """An action of ``window`` calling ``slot`` when triggered (or toggled, if ``checkable``)."""
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.setCheckable(checkable)
    (action.toggled if checkable else action.triggered).connect(slot)
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


def build_menus(window: MainWindow) -> None:
    """File, Run, View and Help, from the window's actions; kept as ``window.file_menu``,
    ``run_menu``, ``view_menu`` and ``help_menu`` so that other features can add to them."""
    bar = window.menuBar()
    window.file_menu = bar.addMenu("&File")
    window.file_menu.addAction(window.quit_action)
    window.run_menu = bar.addMenu("&Run")
    for a in (window.play_action, window.step_action, window.epoch_action, None, window.reset_action):
        window.run_menu.addSeparator() if a is None else window.run_menu.addAction(a)
    window.view_menu = bar.addMenu("&View")
    for a in (window.log_action, window.test_action, window.discretize_action, None, window.colorblind_action, window.dark_action):
        window.view_menu.addSeparator() if a is None else window.view_menu.addAction(a)
    window.help_menu = bar.addMenu("&Help")
    window.help_menu.addAction(window.shortcuts_action)
    window.help_menu.addAction(window.about_action)


def show_shortcuts(parent: QWidget) -> None:
    """The keyboard shortcuts, in a dialog that ``open`` shows without waiting for it."""
    rows = "".join(f"<tr><td style='padding-right:16px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    text = (f"<h3>Keyboard shortcuts</h3><table>{rows}</table><p>While a text field has the keyboard "
            "focus, keys go to it; click an empty spot of the window to give them back.</p>")
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", text, QMessageBox.StandardButton.Close, parent)
    box.setObjectName("shortcutsDialog")
    box.open()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent, "About gdplayground",
        f"<h3>gdplayground {__version__}</h3><p>Watch and control gradient descent, one update at a time.</p>"
        "<p>Every number comes from a small NumPy engine with hand-written backpropagation; "
        "training runs on its own thread.</p><p>MIT licence.</p>",
    )
