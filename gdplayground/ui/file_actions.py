"""The File menu as one installable object: New, Open…, Open Recent, Save, Save As…, Save as
Lesson…, Import CSV…, Export, Presets…; dropping a file on the window; the lesson side panel; and
the unsaved-changes question on close, New and Open.

What counts as unsaved: against the file last opened or saved, a different config, different
custom points, or (when the file holds weights) different weights. An experiment without a file
asks only for custom points: its settings are remembered by the window anyway, and a run from
generated data is reproduced exactly by its seed. Presets open as untitled copies, so Save never
writes over a shipped file.

Needs from the controller: ``config``, ``run``, ``busy``, ``pause()``, ``load_run(run, message)``
and signals ``stepped``, ``config_changed``, ``run_reset``; optional ``locked_fields``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget, QFileDialog, QMainWindow, QMenu, QMessageBox

from ..engine import datasets
from ..engine.config import RunConfig
from ..engine.run import Run
from ..experiment import (
    CUSTOM, SUFFIX, ExperimentError, Lesson, build_run, check_window, experiment_from_run, load_experiment,
    preset_folders, write_experiment,
)
from .csv_import_dialog import CsvImportDialog
from .export_actions import ExportActions
from .lesson_locks import apply_lesson_locks
from .lesson_panel import LessonPanel
from .preset_gallery import PresetGalleryDialog
from .recent_files import RecentFiles
from .save_lesson_dialog import SaveLessonDialog

EXPERIMENT_FILTER = f"Experiments (*{SUFFIX} *.json)"
OPEN_FILTER = f"Experiments and points (*{SUFFIX} *.json *.csv);;{EXPERIMENT_FILTER};;CSV points (*.csv);;All files (*)"
MIN_POINTS = 4
_IDLE_WAIT_S = 3.0


@dataclass(frozen=True)
class _Saved:
    """The state last saved or opened; arrays are compared by identity (they are immutable)."""

    config: RunConfig
    data: Any  # the Dataset of custom points, else None
    theta: Any  # the weights, when the file holds them, else None


START_PAGE_KEY = "start/show"


class FileActions(QObject):
    """``install()`` adds the File menu entries, the lesson panel and drop support to ``window``."""

    def __init__(self, window: QMainWindow, controller: Any, settings: QSettings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.recent = RecentFiles(settings if settings is not None else getattr(window, "settings", None))
        self.path: Path | None = None
        self.lesson: Lesson | None = None
        self.folder = str(Path.home())
        self._saved = self._snapshot(with_weights=False)
        self.exports = ExportActions(window, self._idle_run, self)
        self.lesson_panel = LessonPanel(window)
        self.lesson_panel.left.connect(self.leave_lesson)
        self.actions: dict[str, QAction] = {}

    # -- installing ------------------------------------------------------------------------------
    def install(self) -> None:
        w = self.window
        menu = getattr(w, "file_menu", None) or w.menuBar().addMenu("&File")
        first = menu.actions()[0] if menu.actions() else None  # Quit stays last
        entries = (
            ("new", "&New", QKeySequence.StandardKey.New, self.new),
            ("open", "&Open…", QKeySequence.StandardKey.Open, self.open),
            ("recent", None, None, None),
            ("save", "&Save", QKeySequence.StandardKey.Save, self.save),
            ("saveAs", "Save &As…", QKeySequence.StandardKey.SaveAs, self.save_as),
            ("saveLesson", "Save as &Lesson…", None, self.save_lesson),
            (None, None, None, None),
            ("importCsv", "&Import CSV…", "Ctrl+I", self.import_csv),
            ("export", None, None, None),
            ("presets", "&Presets…", "Ctrl+Shift+P", self.show_presets),
            (None, None, None, None),
        )
        for name, text, shortcut, slot in entries:
            if name is None:
                menu.insertSeparator(first)
            elif name == "recent":
                self.recent_menu = QMenu("Open &Recent", menu)
                self.recent_menu.setObjectName("recentMenu")
                self.recent_menu.aboutToShow.connect(self._fill_recent)
                menu.insertMenu(first, self.recent_menu)
            elif name == "export":
                export_menu = self.exports.menu(menu)
                menu.removeAction(export_menu.menuAction())
                menu.insertMenu(first, export_menu)
            else:
                action = QAction(text, w)
                action.setObjectName(f"{name}Action")
                if shortcut:
                    action.setShortcut(QKeySequence(shortcut))
                action.triggered.connect(slot)
                w.addAction(action)
                menu.insertAction(first, action)
                self.actions[name] = action
        self.dock = QDockWidget("Lesson", w)
        self.dock.setObjectName("lessonDock")
        self.dock.setWidget(self.lesson_panel)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        w.setAcceptDrops(True)
        w.installEventFilter(self)
        # macOS hands a file opened from Finder to the application object, not to a window
        requests = getattr(QApplication.instance(), "file_open_requested", None)
        if requests is not None:
            requests.connect(self._open_requested)  # a method: disconnected when this goes
        c = self.controller
        for signal in (c.stepped, c.config_changed, c.run_reset):
            signal.connect(self._show_title)
        self._show_title()

    # -- commands --------------------------------------------------------------------------------
    def new(self) -> None:
        if not self.maybe_save():
            return
        self._adopt(Run(RunConfig()), None, None, "New experiment with the default settings.")

    def open(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open", self.folder, OPEN_FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open an experiment, a lesson or (``.csv``) points; on a bad file say why and leave the
        open experiment as it was. ``ask``: first offer to save unsaved changes."""
        path = Path(path)
        if path.suffix.lower() == ".csv":
            return self.import_csv_file(path)
        if ask and not self.maybe_save():
            return False
        try:
            exp = load_experiment(path)
            check_window(exp.config)  # a network the builder cannot show would take minutes to draw
            run = build_run(exp)
        except ExperimentError as exc:
            QMessageBox.warning(self.window, "Cannot open the experiment", f"{path.name} was not opened:\n\n{exc}")
            return False
        preset = any(_inside(path, folder) for folder in preset_folders())
        what = "Preset" if preset else "Lesson" if exp.lesson else "Opened"
        title = exp.title or (exp.lesson.title if exp.lesson else "") or path.name
        self._adopt(run, None if preset else path, exp.lesson, f"{what}: {title}" + (f", at update {run.step_count}." if run.step_count else "."),
                    with_weights=exp.weights is not None)
        if not preset:
            self.recent.add(path)
        self.folder = str(path.parent)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path, self.lesson)

    def save_as(self) -> bool:
        path = self._ask_save_path("Save experiment", self._default_name())
        return path is not None and self._write(path, self.lesson)

    def save_lesson(self) -> bool:
        dialog = SaveLessonDialog(self.lesson, parent=self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        path = self._ask_save_path("Save lesson", self._default_name(dialog.lesson().title))
        return path is not None and self._write(path, dialog.lesson(), weights=dialog.weights.isChecked())

    def import_csv(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import points", self.folder, "CSV points (*.csv *.txt);;All files (*)")
        return bool(path) and self.import_csv_file(Path(path))

    def import_csv_file(self, path: Path) -> bool:
        if self._locked("draw"):
            return False
        dialog = CsvImportDialog(path, parent=self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.points() is None:
            return False
        self.folder = str(path.parent)
        x, y, kind = dialog.points()
        return self.use_points(x, y, kind, f"Imported {len(x):,} points from {path.name}")

    def show_presets(self) -> None:
        dialog = PresetGalleryDialog(parent=self.window)
        dialog.preset_chosen.connect(lambda p: self.open_path(p))
        dialog.exec()

    def show_start_page(self, settings: QSettings) -> None:
        """The preset gallery as a welcome, until the student unticks "Show this at start"."""
        dialog = PresetGalleryDialog(parent=self.window, start_page=True)
        dialog.show_at_start.setChecked(True)
        dialog.preset_chosen.connect(lambda p: self.open_path(p))
        dialog.finished.connect(lambda _: settings.setValue(START_PAGE_KEY, dialog.show_at_start.isChecked()))
        dialog.open()

    def use_points(self, x: np.ndarray, y: np.ndarray, kind: str, what: str = "") -> bool:
        """Make these points the data (drawn or imported); the run starts again from update 0."""
        if self._locked("draw"):
            return False
        if len(x) < MIN_POINTS:
            self._status(f"Draw at least {MIN_POINTS} points to train on them.")
            return False
        config = self.controller.config
        try:
            data = datasets.from_points(x, y, kind, config.train_ratio, config.effective_data_seed)
            config = config.replace(dataset=CUSTOM)
            try:
                run = Run(config, data)
            except ValueError:  # a loss that does not fit the new kind of data
                run = Run(config.replace(loss="auto"), data)
        except ValueError as exc:
            self._status(f"These points cannot be used: {exc}")
            return False
        message = what or f"{len(x):,} points"
        self._load(run, f"{message}: the run starts again from update 0.")
        return True

    def leave_lesson(self) -> None:
        self._show_lesson(None)
        self.lesson = None
        self._status("Lesson left: every control is free.")

    # -- unsaved changes ----------------------------------------------------------------------------
    def is_modified(self) -> bool:
        run, saved = self.controller.run, self._saved
        custom_changed = run.config.dataset == CUSTOM and run.data is not saved.data
        if self.path is None:
            return custom_changed
        return run.config != saved.config or custom_changed or (saved.theta is not None and run.theta is not saved.theta)

    def maybe_save(self) -> bool:
        """True when it is fine to go on (saved, nothing to save, or discarded); False to stop."""
        if not self.is_modified():
            return True
        name = self.path.name if self.path is not None else "your points"
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            f"Save the changes to {name}?" if self.path is not None else "The points you drew or imported are not saved. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.Close and not self.maybe_save():
                event.ignore()
                return True
            if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                if self._dropped_file(event) is not None:
                    event.acceptProposedAction()
                    return True
            if event.type() == QEvent.Type.Drop:
                path = self._dropped_file(event)
                if path is not None:
                    event.acceptProposedAction()
                    self.open_path(path)
                    return True
        return False

    # -- helpers ----------------------------------------------------------------------------------
    def _open_requested(self, path: str) -> None:
        if not self.window.isVisible():  # closed: its replacement (if any) takes the file
            return
        self.window.raise_()
        self.open_path(path)  # asks first about unsaved work; says why if refused

    @staticmethod
    def _dropped_file(event: QEvent) -> Path | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.name.lower().endswith((".json", ".csv")):
                    return path
        return None

    def _idle_run(self) -> Run:
        """The Run, with training paused and no job in flight (safe to read in full)."""
        c = self.controller
        c.pause()
        deadline = time.monotonic() + _IDLE_WAIT_S
        while c.busy and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        return c.run

    def _write(self, path: Path, lesson: Lesson | None, weights: bool = True) -> bool:
        run = self._idle_run()
        exp = experiment_from_run(run, weights=weights, lesson=lesson)
        try:
            write_experiment(path, exp)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, "Not saved", f"Could not save {path.name}:\n{exc}")
            return False
        self.path, self.lesson = path, lesson
        self._saved = self._snapshot(with_weights=weights)
        self.recent.add(path)
        self.folder = str(path.parent)
        self._status(f"Saved {path.name}" + (f" with the weights of update {run.step_count}." if weights else "."))
        self._show_title()
        return True

    def _ask_save_path(self, title: str, name: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(Path(self.folder) / name), EXPERIMENT_FILTER)
        if not path:
            return None
        if not path.lower().endswith(".json"):
            path += SUFFIX
        return Path(path)

    def _default_name(self, title: str = "") -> str:
        if self.path is not None and not title:
            return self.path.name
        stem = "".join(ch if ch.isalnum() else "-" for ch in (title or "experiment").lower()).strip("-")
        return f"{stem or 'experiment'}{SUFFIX}"

    def _adopt(self, run: Run, path: Path | None, lesson: Lesson | None, message: str, with_weights: bool = False) -> None:
        self._load(run, message)
        self.path, self.lesson = path, lesson
        self._saved = _Saved(run.config, run.data if run.config.dataset == CUSTOM else None, run.theta if with_weights else None)
        self._show_lesson(lesson)
        self._show_title()

    def _load(self, run: Run, message: str) -> None:
        self.controller.load_run(run, message)
        self._show_title()

    def _snapshot(self, with_weights: bool) -> _Saved:
        run = self.controller.run
        return _Saved(run.config, run.data if run.config.dataset == CUSTOM else None, run.theta if with_weights else None)

    def _show_lesson(self, lesson: Lesson | None) -> None:
        self.lesson_panel.set_lesson(lesson)
        if hasattr(self, "dock"):
            self.dock.setVisible(lesson is not None)
        apply_lesson_locks(self.window, lesson)

    def _locked(self, field: str) -> bool:
        if field in getattr(self.controller, "locked_fields", ()):
            self._status("Locked by the lesson.")
            return True
        return False

    def _show_title(self, *_: Any) -> None:
        name = self.path.name if self.path is not None else "Untitled"
        self.window.setWindowTitle(f"{name}[*] — gdplayground")
        self.window.setWindowModified(self.is_modified())

    def _status(self, text: str) -> None:
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(text, 8000)

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for i, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{i} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not paths:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        menu.addAction("Clear list", self.recent.clear).setEnabled(bool(paths))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False
