"""Files in the window: the File menu, save/open with the unsaved-changes question, drawing points
with real mouse clicks, the CSV import dialog, exports, presets and lessons with their locks."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl, Signal, QObject, QPoint
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent, QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QMainWindow, QMessageBox, QWidget

from gdplayground import Run, RunConfig
from gdplayground.engine.datasets import parse_csv
from gdplayground.experiment import CONTROLS, Lesson, build_run, load_experiment
from gdplayground.ui import file_actions as fa
from gdplayground.ui.csv_import_dialog import CsvImportDialog
from gdplayground.ui.drawing_tools import DrawingTools
from gdplayground.ui.lesson_locks import apply_lesson_locks, locked_fields
from gdplayground.ui.lesson_panel import LessonPanel
from gdplayground.ui.point_drawing import PointDrawing
from gdplayground.ui.preset_gallery import PresetGallery, PresetGalleryDialog
from gdplayground.ui.save_lesson_dialog import SaveLessonDialog

PRESETS = Path(__file__).resolve().parents[2] / "resources" / "presets"


class FakeController(QObject):
    """The controller's file-facing surface, training on the spot."""

    stepped = Signal(int)
    config_changed = Signal(object)
    run_reset = Signal()

    def __init__(self, config: RunConfig | None = None) -> None:
        super().__init__()
        self.run = Run(config or RunConfig())
        self.config = self.run.config
        self.busy = False
        self.locked_fields: frozenset = frozenset()
        self.messages: list[str] = []

    def pause(self) -> None:
        pass

    def load_run(self, run: Run, message: str) -> None:
        self.run, self.config = run, run.config
        self.messages.append(message)
        self.run_reset.emit()

    def train(self, steps: int) -> None:
        self.run.train(steps=steps)
        self.stepped.emit(self.run.step_count)


class Window(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.controller = FakeController()
        self.settings = None
        self.file_menu = self.menuBar().addMenu("&File")
        self.quit_action = self.file_menu.addAction("&Quit")
        self.boundary_plot = pg.GraphicsLayoutWidget(self)
        self.plot = self.boundary_plot.addPlot()
        self.plot.plot(np.arange(5.0))
        self.loss_plot = pg.PlotWidget(self)
        self.loss_plot.plot(np.arange(9.0) ** 0.5)
        self.setCentralWidget(self.boundary_plot)
        self.file_actions = fa.FileActions(self, self.controller)
        self.file_actions.install()


@pytest.fixture
def window(qtbot, monkeypatch):
    # a test must never hang on a real dialog: any question it does not expect fails it
    monkeypatch.setattr(fa.QMessageBox, "question", _fail("QMessageBox.question"))
    monkeypatch.setattr(fa.QMessageBox, "warning", _fail("QMessageBox.warning"))
    w = Window()  # not qtbot.addWidget: qtbot closes its widgets before this fixture ends
    w.resize(700, 500)
    yield w
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard)  # closing after the test
    w.close()
    w.deleteLater()


def _fail(what):
    def fail(*args, **kwargs):
        raise AssertionError(f"unexpected {what}: {args[1:3]}")
    return fail


def _answer(monkeypatch, name: str, value, seen: list | None = None) -> None:
    def answer(*args, **kwargs):
        if seen is not None:
            seen.append(args[1:3])
        return value
    monkeypatch.setattr(fa.QMessageBox, name, answer)


def _save_to(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(fa.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


# -- the menu --------------------------------------------------------------------------------------
def test_file_menu_holds_every_entry_and_quit_stays_last(window):
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts == ["&New", "&Open…", "Open &Recent", "&Save", "Save &As…", "Save as &Lesson…", "&Import CSV…",
                     "&Export", "&Presets…", "&Quit"]
    export = window.findChild(QObject, "exportMenu")
    names = [a.objectName() for a in export.actions() if not a.isSeparator()]
    assert names == ["export_boundaryPng", "export_boundarySvg", "export_lossPng", "export_lossSvg", "export_windowPng",
                     "export_lossCsv", "export_weightsJson", "export_weightsNpz", "export_dataCsv"]
    assert window.file_actions.actions["save"].shortcut().toString() == "Ctrl+S"
    assert window.windowTitle() == "Untitled[*] — gdplayground"


# -- save, open, unsaved changes -------------------------------------------------------------------
def test_save_then_open_restores_the_run_exactly(window, monkeypatch, tmp_path):
    c = window.controller
    c.train(30)
    path = tmp_path / "mine.gdp.json"
    _save_to(monkeypatch, path)
    window.file_actions.actions["save"].trigger()
    assert path.is_file() and window.windowTitle() == "mine.gdp.json[*] — gdplayground"
    assert not window.isWindowModified()
    theta = c.run.theta
    c.train(5)
    assert window.isWindowModified()
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(fa.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.file_actions.actions["open"].trigger()
    assert c.run.step_count == 30 and np.array_equal(c.run.theta, theta)
    assert not window.isWindowModified()
    c.train(5)
    assert window.isWindowModified()


def test_closing_with_unsaved_changes_asks(window, monkeypatch, tmp_path, qtbot):
    path = tmp_path / "a.gdp.json"
    _save_to(monkeypatch, path)
    window.file_actions.save()
    window.show()
    window.controller.train(3)
    seen: list = []
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Cancel, seen)
    window.close()
    assert window.isVisible() and seen == [("Unsaved changes", "Save the changes to a.gdp.json?")]
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Save)
    window.close()
    assert not window.isVisible()
    assert load_experiment(path).updates == 3


def test_discard_closes_without_writing(window, monkeypatch, tmp_path):
    path = tmp_path / "b.gdp.json"
    _save_to(monkeypatch, path)
    window.file_actions.save()
    before = path.read_bytes()
    window.show()
    window.controller.train(2)
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard)
    window.close()
    assert not window.isVisible() and path.read_bytes() == before


def test_untitled_generated_runs_close_without_a_question(window):
    window.show()
    window.controller.train(10)
    window.close()  # the fixture fails on any question
    assert not window.isVisible()


def test_new_asks_for_unsaved_points_and_cancel_keeps_them(window, monkeypatch):
    fa_ = window.file_actions
    x = np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, -2.0], [-2.0, 2.0], [0.5, 0.5]])
    assert fa_.use_points(x, np.array([1.0, -1.0, 1.0, -1.0, 1.0]), "binary")
    assert window.isWindowModified()
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Cancel)
    window.file_actions.actions["new"].trigger()
    assert window.controller.config.dataset == "custom"
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard)
    window.file_actions.actions["new"].trigger()
    assert window.controller.config == RunConfig() and not window.isWindowModified()


def test_a_bad_file_is_refused_with_its_reason_and_nothing_changes(window, monkeypatch, tmp_path):
    bad = tmp_path / "bad.gdp.json"
    bad.write_text(json.dumps({"format": "gdplayground", "version": 1, "config": {"lr": -1}}))
    run = window.controller.run
    seen: list = []
    _answer(monkeypatch, "warning", None, seen)
    assert not window.file_actions.open_path(bad)
    assert window.controller.run is run
    assert seen[0][0] == "Cannot open the experiment" and "lr must be" in seen[0][1]


def test_recent_files_list_what_was_saved(window, monkeypatch, tmp_path):
    window.file_actions.recent.settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    for name in ("one", "two"):
        _save_to(monkeypatch, tmp_path / f"{name}.gdp.json")
        window.file_actions.save_as()
    window.file_actions._fill_recent()
    texts = [a.text() for a in window.file_actions.recent_menu.actions()]
    assert texts[:2] == ["&1 two.gdp.json", "&2 one.gdp.json"] and texts[-1] == "Clear list"


def test_dropping_an_experiment_file_opens_it(window, tmp_path):
    path = PRESETS / "05-xor-one-hidden-layer.gdp.json"
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, enter)  # Qt delivers a drop only where the drag entered
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    assert window.controller.config.dataset == "xor" and window.controller.config.hidden == (4,)
    assert window.file_actions.path is None  # a preset opens as an untitled copy
    assert window.windowTitle().startswith("Untitled")


def test_a_file_the_system_asks_to_open_is_opened(window, tmp_path):
    """macOS sends Finder's "Open With" to the application object as a FileOpen event."""
    path = PRESETS / "05-xor-one-hidden-layer.gdp.json"
    window.show()
    app = QApplication.instance()
    assert hasattr(app, "file_open_requested")  # the app's own QApplication (tests/conftest.py)
    QApplication.sendEvent(app, QFileOpenEvent(str(path)))
    assert window.controller.config.dataset == "xor" and window.controller.config.hidden == (4,)


# -- drawing points ----------------------------------------------------------------------------------
@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(420, 420)
    item = widget.getPlotItem()
    item.setRange(xRange=(-6, 6), yRange=(-6, 6), padding=0)
    item.setMouseEnabled(x=False, y=False)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _at(widget: pg.PlotWidget, x: float, y: float) -> QPoint:
    return widget.mapFromScene(widget.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y)))


def test_clicks_draw_points_of_each_class(qtbot, plot):
    drawing = PointDrawing(plot.getPlotItem())
    drawing.set_enabled(True)
    vp = plot.viewport()
    with qtbot.waitSignal(drawing.points_changed) as blue:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=_at(plot, 2, 3))
    x, y, kind = blue.args
    assert kind == "binary" and y.tolist() == [1.0] and np.allclose(x, [[2, 3]], atol=0.1)
    with qtbot.waitSignal(drawing.points_changed) as orange:
        qtbot.mouseClick(vp, Qt.MouseButton.RightButton, pos=_at(plot, -4, -1))
    assert orange.args[1].tolist() == [1.0, -1.0]
    with qtbot.waitSignal(drawing.points_changed) as third:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos=_at(plot, 0, -5))
    x, y, kind = third.args
    assert kind == "multiclass" and y.tolist() == [1, 0, 2] and y.dtype == np.int64
    assert np.allclose(x[2], [0, -5], atol=0.1)


def test_brush_sprays_points_and_the_eraser_removes_them(qtbot, plot):
    drawing = PointDrawing(plot.getPlotItem(), seed=3)
    drawing.set_enabled(True)
    drawing.set_mode("brush")
    drawing.set_radius(0.5)
    vp = plot.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.RightButton, pos=_at(plot, -4, 0))
    for i in range(1, 17):
        qtbot.mouseMove(vp, _at(plot, -4 + i * 0.5, 0))
    with qtbot.waitSignal(drawing.points_changed) as stroke:
        qtbot.mouseRelease(vp, Qt.MouseButton.RightButton, pos=_at(plot, 4, 0))
    x, y, _ = stroke.args
    assert len(x) >= 30 and set(y.tolist()) == {-1.0}
    assert np.abs(x[:, 1]).max() <= 0.5 + 0.05 and x[:, 0].min() < -3.4 and x[:, 0].max() > 3.4
    drawing.set_mode("erase")
    drawing.set_radius(1.5)
    with qtbot.waitSignal(drawing.points_changed) as erased:
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=_at(plot, 0, 0))
    left = erased.args[0]
    assert len(left) < len(x) and (np.hypot(left[:, 0], left[:, 1]) > 1.5 - 0.05).all()
    with qtbot.waitSignal(drawing.points_changed) as cleared:
        drawing.clear()
    assert len(cleared.args[0]) == 0


def test_clicks_pass_through_when_drawing_is_off_and_outside_the_plane(qtbot, plot):
    drawing = PointDrawing(plot.getPlotItem())
    tools = DrawingTools(drawing)
    qtbot.addWidget(tools)
    got: list = []
    drawing.points_changed.connect(lambda *a: got.append(a))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=_at(plot, 1, 1))
    assert got == [] and not tools.clear_button.isEnabled()
    with qtbot.waitSignal(tools.drawing_toggled):
        qtbot.mouseClick(tools.draw_button, Qt.MouseButton.LeftButton)
    assert drawing.enabled and tools.clear_button.isEnabled()
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # on the axis margin
    assert got == []
    qtbot.mouseClick(tools.mode_buttons["erase"], Qt.MouseButton.LeftButton)
    assert drawing.mode == "erase"


def test_drawn_points_become_the_run_data(window):
    fa_ = window.file_actions
    x = np.random.default_rng(0).uniform(-5, 5, (40, 2))
    assert fa_.use_points(x, np.where(x[:, 0] > 0, 1.0, -1.0), "binary")
    run = window.controller.run
    assert run.config.dataset == "custom" and len(run.data.x_all) == 40 and run.step_count == 0
    assert not fa_.use_points(x[:3], np.ones(3), "binary")  # too few: the run stays
    assert window.controller.run is run


# -- CSV import ----------------------------------------------------------------------------------------
def test_csv_dialog_previews_a_good_file(qtbot, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i / 10},{-i / 10},{i % 3}\n" for i in range(30)))
    dialog = CsvImportDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    assert "30 points" in dialog.summary.text() and "three classes" in dialog.summary.text()
    assert dialog.table.rowCount() == 20 and dialog.table.item(1, 0).text() == "0.1"
    assert dialog.table.item(2, 2).text() == "2"
    x, y, kind = dialog.points()
    assert kind == "multiclass" and len(x) == 30


def test_csv_dialog_shows_the_bad_line_and_disables_import(qtbot):
    dialog = CsvImportDialog(text="x1,x2,label\n1,2,1\n3,oops,1\n1,1,-1\n2,2,1\n")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled() and dialog.points() is None
    assert "Line 3" in dialog.summary.text() and "x2 is not a number" in dialog.summary.text()
    assert dialog.table.item(dialog.bad_row, 0).text() == "3,oops,1"
    assert dialog.table.verticalHeaderItem(dialog.bad_row).text() == "3"


def test_csv_dialog_reports_unreadable_files(qtbot, tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    dialog = CsvImportDialog(path)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled() and "not a UTF-8 text file" in dialog.summary.text()


def test_import_csv_from_the_menu_replaces_the_data(window, monkeypatch, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("".join(f"{i / 5 - 3},{(i * 7 % 11) / 2 - 2.5},{1 if i % 2 else 0}\n" for i in range(24)))
    monkeypatch.setattr(fa.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(fa.CsvImportDialog, "exec", lambda self: fa.QDialog.DialogCode.Accepted)
    window.file_actions.actions["importCsv"].trigger()
    run = window.controller.run
    assert run.config.dataset == "custom" and len(run.data.x_all) == 24 and set(run.data.y_all.tolist()) == {-1.0, 1.0}
    assert "Imported 24 points from p.csv" in window.controller.messages[-1]


# -- exports ---------------------------------------------------------------------------------------------
def test_every_export_writes_a_file_that_reads_back(window, tmp_path):
    window.show()
    c = window.controller
    c.train(12)
    ex = window.file_actions.exports
    suffixes = {"Png": ".png", "Svg": ".svg", "Csv": ".csv", "Json": ".json", "Npz": ".npz"}
    files = {name: tmp_path / (name + next(v for k, v in suffixes.items() if name.endswith(k))) for name in ex.actions}
    from gdplayground.ui import exports
    writers = {
        "boundaryPng": lambda p: exports.export_plot_png(window.boundary_plot, p),
        "boundarySvg": lambda p: exports.export_plot_svg(window.boundary_plot, p),
        "lossPng": lambda p: exports.export_plot_png(window.loss_plot, p),
        "lossSvg": lambda p: exports.export_plot_svg(window.loss_plot, p),
        "windowPng": lambda p: exports.export_window_png(window, p),
        "lossCsv": lambda p: exports.export_loss_csv(c.run, p),
        "weightsJson": lambda p: exports.export_weights_json(c.run, p),
        "weightsNpz": lambda p: exports.export_weights_npz(c.run, p),
        "dataCsv": lambda p: exports.export_data_csv(c.run.data, p),
    }
    for name, path in files.items():
        assert ex.export(writers[name], path.name, "", path=str(path)), name
    for name in ("boundaryPng", "lossPng", "windowPng"):
        assert not QImage(str(files[name])).isNull()
    assert QImage(str(files["boundaryPng"])).width() >= 2 * window.boundary_plot.width() - 2
    for name in ("boundarySvg", "lossSvg"):
        assert QSvgRenderer(str(files[name])).isValid()
    with np.load(files["weightsNpz"], allow_pickle=False) as z:
        assert sorted(z.files) == sorted(c.run.params) and all(np.array_equal(z[k], c.run.params[k]) for k in z.files)
    doc = json.loads(files["weightsJson"].read_text())
    assert doc["update"] == 12 and np.array_equal(doc["W1"], c.run.params["W1"])
    rows = files["lossCsv"].read_text().splitlines()
    assert rows[0] == "update,batch_loss,lr" and len(rows) == 13 and float(rows[12].split(",")[1]) == c.run.history.losses.view()[-1]
    x, y, kind = parse_csv(files["dataCsv"].read_text())
    assert np.array_equal(x, c.run.data.x_all) and np.array_equal(y, c.run.data.y_all)


def test_a_failed_export_says_so(window, monkeypatch, tmp_path):
    seen: list = []
    _answer(monkeypatch, "warning", None, seen)
    monkeypatch.setattr("gdplayground.ui.export_actions.QMessageBox.warning", lambda *a: seen.append(a[1:3]))
    ok = window.file_actions.exports.export(lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied")), "x.csv", "",
                                            path=str(tmp_path / "x.csv"))
    assert not ok and seen[0][0] == "Export failed" and "Permission denied" in seen[0][1]


# -- presets ----------------------------------------------------------------------------------------------
def test_preset_gallery_lists_topics_and_explains_the_choice(qtbot):
    gallery = PresetGallery()
    qtbot.addWidget(gallery)
    topics = [gallery.tree.topLevelItem(i).text(0) for i in range(gallery.tree.topLevelItemCount())]
    assert topics == ["Learning rate", "XOR", "Spiral", "Momentum", "Adam", "Batch size", "Regularization", "Lesson"]
    assert gallery.title.text() == "Learning rate: too small" and "0.0003" in gallery.text.text()
    big = gallery.tree.topLevelItem(0).child(2)
    gallery.tree.setCurrentItem(big)
    assert gallery.title.text() == "Learning rate: too big"
    with qtbot.waitSignal(gallery.preset_chosen) as chosen:
        gallery.tree.itemActivated.emit(big, 0)
    assert chosen.args[0].endswith("03-learning-rate-too-big.gdp.json")


def test_preset_dialog_opens_the_chosen_preset(window, qtbot, monkeypatch):
    opened: list = []

    def run_dialog(dialog):
        dialog.gallery.tree.setCurrentItem(dialog.gallery.tree.topLevelItem(1).child(0))
        qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
        opened.append(dialog.result())
        return dialog.result()

    monkeypatch.setattr(PresetGalleryDialog, "exec", run_dialog)
    window.file_actions.actions["presets"].trigger()
    assert opened == [fa.QDialog.DialogCode.Accepted.value] or opened == [fa.QDialog.DialogCode.Accepted]
    assert window.controller.config.dataset == "xor" and window.controller.config.hidden == ()
    assert "Preset: XOR: no hidden layer" in window.controller.messages[-1]


# -- lessons ----------------------------------------------------------------------------------------------
@pytest.fixture
def lesson_window(window) -> Window:
    w = window
    panel = QWidget(w)
    form = QFormLayout(panel)
    lr = QComboBox(panel)
    lr.setObjectName("lrCombo")
    lr.setToolTip("the learning rate")
    form.addRow("Learning rate", lr)
    optimizer = QComboBox(panel)
    optimizer.setObjectName("optimizerGroup")
    form.addRow("Optimizer", optimizer)
    picker = QLabel("datasets", w)
    picker.setObjectName("datasetPicker")
    w.panel, w.lr, w.optimizer, w.picker = panel, lr, optimizer, picker
    w.setCentralWidget(panel)
    w.show()
    return w


def test_lesson_locks_disable_and_hide_and_leaving_frees_them(lesson_window):
    w = lesson_window
    lesson = Lesson("Learning rates", "Only change the **learning rate**.", locked=("optimizer", "draw"), hidden=("dataset",))
    apply_lesson_locks(w, lesson)
    assert not w.optimizer.isEnabled() and w.optimizer.toolTip() == "Locked by the lesson"
    assert w.lr.isEnabled() and w.picker.isHidden()
    assert not w.findChild(QObject, "importCsvAction").isEnabled()
    assert w.controller.locked_fields == locked_fields(lesson) >= {"optimizer", "hyper", "dataset", "draw"}
    assert not w.file_actions.use_points(np.zeros((5, 2)), np.ones(5), "binary")  # drawing locked
    apply_lesson_locks(w, Lesson("Other", "", hidden=("lr",)))
    assert w.optimizer.isEnabled() and not w.picker.isHidden()  # the first lesson's locks are undone
    assert w.lr.isHidden() and w.panel.layout().labelForField(w.lr).isHidden()
    apply_lesson_locks(w, None)
    assert not w.lr.isHidden() and w.lr.toolTip() == "the learning rate" and w.controller.locked_fields == frozenset()


def test_opening_a_lesson_shows_the_panel_and_locks(lesson_window, qtbot, monkeypatch, tmp_path):
    w = lesson_window
    fa_ = w.file_actions
    monkeypatch.setattr(SaveLessonDialog, "exec", lambda self: _fill_lesson(self))
    _save_to(monkeypatch, tmp_path / "lesson.gdp.json")
    assert fa_.save_lesson()
    assert w.optimizer.isEnabled()  # the teacher is never locked out of their own lesson
    exp = load_experiment(tmp_path / "lesson.gdp.json")
    assert exp.lesson.locked == ("optimizer", "lr") and exp.lesson.hidden == ("lr",) and exp.weights is not None
    fa_.new()
    assert fa_.open_path(tmp_path / "lesson.gdp.json")
    assert fa_.dock.isVisible() and fa_.lesson_panel.title.text() == "Watch the step"
    assert "Do **not** touch" not in fa_.lesson_panel.text.toPlainText() and "not" in fa_.lesson_panel.text.toPlainText()
    assert "Locked: optimizer and its settings, learning rate" in fa_.lesson_panel.locks.text()
    assert not w.optimizer.isEnabled() and w.lr.isHidden()
    qtbot.mouseClick(fa_.lesson_panel.leave_button, Qt.MouseButton.LeftButton)
    assert w.optimizer.isEnabled() and not w.lr.isHidden() and not fa_.dock.isVisible()


def _fill_lesson(dialog: SaveLessonDialog) -> int:
    assert not dialog.save_button.isEnabled()
    dialog.title.setText("Watch the step")
    dialog.instructions.setPlainText("Do **not** touch the optimizer.")
    dialog.locked["optimizer"].setChecked(True)
    dialog.hidden["lr"].setChecked(True)
    assert dialog.locked["lr"].isChecked() and not dialog.locked["lr"].isEnabled()  # hidden implies locked
    assert dialog.save_button.isEnabled()
    return fa.QDialog.DialogCode.Accepted


def test_save_lesson_dialog_lists_every_control(qtbot):
    dialog = SaveLessonDialog(Lesson("T", "x", ("seed",), ("loss",)))
    qtbot.addWidget(dialog)
    assert list(dialog.locked) == list(CONTROLS) and dialog.locked["seed"].isChecked() and dialog.hidden["loss"].isChecked()
    assert dialog.lesson() == Lesson("T", "x", ("loss", "seed"), ("loss",))


def test_lesson_panel_never_loads_resources(qtbot, tmp_path):
    secret = tmp_path / "secret.png"
    QImage(4, 4, QImage.Format.Format_RGB32).save(str(secret))
    panel = LessonPanel()
    qtbot.addWidget(panel)
    panel.set_lesson(Lesson("L", f"![x]({secret.as_uri()}) [link](https://example.org)"))
    assert panel.text.loadResource(2, QUrl.fromLocalFile(str(secret))) is None
    assert not panel.text.openExternalLinks()


# -- the real controller ------------------------------------------------------------------------------
def _idle(qtbot, controller) -> None:
    qtbot.waitUntil(lambda: not controller.busy, timeout=5000)


def test_controller_adopts_an_opened_run_and_trains_on_bit_for_bit(qtbot, tmp_path):
    from gdplayground.experiment import experiment_from_run, write_experiment
    from gdplayground.ui.controller import RunController

    config = RunConfig(dataset="moons", optimizer="adam", lr=0.01, batch_size=7)
    first = Run(config)
    first.train(steps=40)
    write_experiment(tmp_path / "m.gdp.json", experiment_from_run(first))
    straight = Run(config)
    straight.train(steps=45)
    c = RunController(RunConfig(), trainer="thread")
    try:
        with qtbot.waitSignal(c.run_reset):
            c.load_run(build_run(load_experiment(tmp_path / "m.gdp.json")), "Opened m.gdp.json")
        assert c.state == "paused" and c.run.step_count == 40 and c.config == config
        for _ in range(5):
            c.step()
            _idle(qtbot, c)
        qtbot.waitUntil(lambda: c.run.step_count == 45, timeout=5000)
        assert np.array_equal(c.run.theta, straight.theta)
    finally:
        c.shutdown()


def test_controller_refuses_what_a_lesson_locked(qtbot):
    from gdplayground.ui.controller import RunController

    c = RunController(RunConfig(), trainer="thread")
    try:
        c.locked_fields = locked_fields(Lesson("L", "", locked=("lr", "weights")))
        said: list = []
        c.status_reported.connect(said.append)
        theta = c.run.theta
        c.apply_config_changes({"lr": 0.5, "batch_size": 3})
        _idle(qtbot, c)
        assert c.config.lr == 0.03 and c.config.batch_size == 3
        assert "Locked by the lesson: learning rate." in said
        c.set_param("W1", (0, 0), 1.5)
        _idle(qtbot, c)
        assert c.run.theta is theta and "Editing weights is locked by the lesson." in said
    finally:
        c.shutdown()


# -- the real window ------------------------------------------------------------------------------------
@pytest.fixture
def main_window(qtbot, monkeypatch):
    from gdplayground.ui.main_window import MainWindow
    from gdplayground.ui.window_files import install_file_support

    monkeypatch.setenv("GDPLAYGROUND_TRAINER", "thread")
    monkeypatch.setattr(fa.QMessageBox, "question", _fail("QMessageBox.question"))
    monkeypatch.setattr(fa.QMessageBox, "warning", _fail("QMessageBox.warning"))
    w = MainWindow(RunConfig(), settings=None)
    install_file_support(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard)
    w.close()
    w.deleteLater()


def _plot_point(w, x: float, y: float) -> QPoint:
    plot = w.boundary_plot
    return plot.mapFromScene(plot.plot.getViewBox().mapViewToScene(QPointF(x, y)))


def test_drawing_on_the_window_plot_trains_on_the_drawn_points(main_window, qtbot):
    w = main_window
    c = w.controller
    qtbot.mouseClick(w.drawing_tools.draw_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(w.point_drawing.points_changed):
        qtbot.mouseClick(w.drawing_tools.clear_button, Qt.MouseButton.LeftButton)
    vp = w.boundary_plot.viewport()
    for x, y, button in ((2, 2, Qt.MouseButton.LeftButton), (-2, -2, Qt.MouseButton.LeftButton),
                         (2, -2, Qt.MouseButton.RightButton), (-2, 2, Qt.MouseButton.RightButton),
                         (3, 3, Qt.MouseButton.LeftButton)):
        qtbot.mouseClick(vp, button, pos=_plot_point(w, x, y))
    qtbot.waitUntil(lambda: c.config.dataset == "custom" and len(c.run.data.x_all) == 5, timeout=5000)
    assert sorted(c.run.data.y_all.tolist()) == [-1.0, -1.0, 1.0, 1.0, 1.0]
    assert w.isWindowModified() and w.windowTitle() == "Untitled[*] — gdplayground"
    c.step()
    qtbot.waitUntil(lambda: c.run.step_count == 1, timeout=5000)


def test_picking_a_dataset_asks_before_replacing_drawn_points(main_window, qtbot, monkeypatch):
    w = main_window
    c = w.controller
    x = np.random.default_rng(5).uniform(-5, 5, (30, 2))
    assert w.file_actions.use_points(x, np.where(x[:, 0] > 0, 1.0, -1.0), "binary")
    qtbot.waitUntil(lambda: c.config.dataset == "custom", timeout=5000)
    asked: list = []
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Cancel, asked)
    qtbot.mouseClick(w.dataset_picker.tile("xor"), Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    assert asked and c.config.dataset == "custom" and len(c.run.data.x_all) == 30
    _answer(monkeypatch, "question", QMessageBox.StandardButton.Discard, asked)
    qtbot.mouseClick(w.dataset_picker.tile("xor"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.config.dataset == "xor", timeout=5000)
    assert len(asked) == 2


def test_a_lesson_file_opens_in_the_window_with_its_points_weights_and_locks(main_window, qtbot, tmp_path):
    from gdplayground.engine import datasets
    from gdplayground.experiment import experiment_from_run, write_experiment

    x = np.random.default_rng(2).uniform(-5, 5, (60, 2))
    run = Run(RunConfig(dataset="custom", hidden=(3,)), datasets.from_points(x, np.where(x[:, 1] > 0, 1.0, -1.0), "binary"))
    run.train(steps=25)
    lesson = Lesson("Only the learning rate", "Change **only** the learning rate.", locked=("optimizer", "dataset"), hidden=("seed",))
    path = tmp_path / "lesson.gdp.json"
    write_experiment(path, experiment_from_run(run, lesson=lesson))
    w = main_window
    assert w.file_actions.open_path(path)
    c = w.controller
    qtbot.waitUntil(lambda: c.run.step_count == 25, timeout=5000)
    assert np.array_equal(c.run.theta, run.theta) and np.array_equal(c.run.data.x_train, run.data.x_train)
    assert w.file_actions.dock.isVisible() and w.file_actions.lesson_panel.title.text() == "Only the learning rate"
    optimizer_group = w.findChild(QWidget, "optimizerGroup")
    assert optimizer_group is not None and not optimizer_group.isEnabled()
    assert not w.dataset_picker.isEnabled() and w.findChild(QWidget, "seedRow").isHidden()
    assert w.findChild(QWidget, "lrCombo").isEnabled()
    assert w.findChild(QWidget, "add_layer").isEnabled()
    assert w.windowTitle() == "lesson.gdp.json[*] — gdplayground" and not w.isWindowModified()
    apply_lesson_locks(w, Lesson("Layers", "", locked=("hidden", "activation")))
    assert not w.findChild(QWidget, "add_layer").isEnabled() and not w.findChild(QWidget, "add_neuron_0").isEnabled()
    assert not w.findChild(QWidget, "activation_0").isEnabled() and w.dataset_picker.isEnabled()
    apply_lesson_locks(w, lesson)
    c.apply_config_changes({"optimizer": "adam"})
    qtbot.wait(50)
    assert c.config.optimizer == "gd"
    through = w.inspector_dock.step_through  # updates before 25 are not in the file: never shown
    w.inspector_dock.show()
    through.seek(3)
    qtbot.wait(100)
    assert through.viewed is None or through.viewed == 25
    c.step()
    qtbot.waitUntil(lambda: c.run.step_count == 26, timeout=5000)
    assert w.isWindowModified()


def test_start_page_opens_a_preset_and_remembers_show_at_start(window, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    opened: list = []
    window.file_actions.open_path = lambda path, **kw: opened.append(path) or True
    window.file_actions.show_start_page(settings)
    dialog = window.findChild(PresetGalleryDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle().startswith("Welcome")
    assert dialog.show_at_start.isChecked()
    dialog.show_at_start.setChecked(False)
    tree = dialog.gallery.tree
    first = tree.topLevelItem(0).child(0)
    tree.setCurrentItem(first)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].endswith(".gdp.json")
    assert settings.value(fa.START_PAGE_KEY, True, type=bool) is False
