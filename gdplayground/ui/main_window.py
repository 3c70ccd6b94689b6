"""The main window: layout, menus and actions; it wires the panels to the controller and repaints
them when the controller says the run is ready to be read (``frame_ready``)."""
from __future__ import annotations

import logging
import math
import time

import numpy as np

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QLabel, QMainWindow, QMessageBox, QScrollArea, QSplitter, QToolBar, QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..engine import features as feature_names
from ..engine.config import RunConfig
from ..engine.run import grid_points
from ..experiment import CUSTOM, ExperimentError, config_from_text, config_to_json
from . import colors
from .banner import DivergenceBanner
from .boundary_plot import BoundaryPlot
from .controller import RunController
from .dataset_picker import DatasetPicker
from .hyper_panel import HyperPanel
from .inspector_dock import install_inspector
from .loss_plot import LossPlot
from .network_view import NetworkView
from .neuron_images import neuron_image, neuron_images
from .palette import apply_palette
from .quick_settings import QuickSettings
from .run_controls import RunControls

log = logging.getLogger(__name__)

SHORTCUTS = (
    ("Space", "Play / Pause"),
    ("→", "Step: exactly one update"),
    ("Shift+→", "Step to the end of the epoch"),
    ("R", "Reset: start again from update 0"),
    ("Ctrl+Q", "Quit"),
)
_VIEW_OPTIONS = ("log_scale", "show_test", "discretize", "colorblind", "dark")
_SLOW_ENOUGH_TO_SHOW_BATCH = 30.0  # updates/s; faster, the batch rings would only flicker
# The network view and the output heatmap are the costly panels (measured with the 6x8 network:
# painting the network view ~11 ms, the 100x100 output ~7 ms). While training fast, each is
# refreshed at most this often, in turns; the loss curve and counters on every repaint.
HEAVY_HZ_WHILE_TRAINING = 15.0
_FAST = 100.0  # updates/s from which training counts as fast


class MainWindow(QMainWindow):
    """The playground window. ``settings`` (None: nothing remembered) holds geometry, the last
    configuration and the view options; ``config`` (if given) wins over the remembered one."""

    def __init__(self, config: RunConfig | None = None, settings: QSettings | None = None, icon: QIcon | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.setWindowTitle("gdplayground")
        if icon is not None:
            self.setWindowIcon(icon)
        self.controller = RunController(config or self._remembered_config() or RunConfig(), self)
        self._hovered: tuple[int, int] | None = None
        self._network_shown = self._output_shown = 0.0
        self._rate = (time.perf_counter(), 0, 0.0)  # (time, update count, updates/s) for the status bar
        self._build_panels()
        self._build_actions()
        self._build_menus()
        self._build_layout()
        self._connect()
        self._restore()
        self._show_config(self.controller.config)
        self._on_run_reset()
        self.inspector_dock = install_inspector(self, self.controller)  # inspector, timeline, explain mode
        self._restore_docks()

    # -- building ------------------------------------------------------------------------------
    def _build_panels(self) -> None:
        self.run_controls = RunControls(self)
        # the learning rate and optimizer stay in view when the left column is scrolled
        self.quick_settings = QuickSettings(self)
        self.run_controls.add_settings(self.quick_settings)
        self.banner = DivergenceBanner(self)
        self.dataset_picker = DatasetPicker(self)
        self.hyper_panel = HyperPanel(self)
        self.network_view = NetworkView(self)
        self.boundary_plot = BoundaryPlot(self)
        self.loss_plot = LossPlot(self)
        self.state_label = QLabel(self)
        self.state_label.setFixedWidth(self.state_label.fontMetrics().horizontalAdvance("Training: 000,000 updates/s") + 8)
        self.statusBar().addPermanentWidget(self.state_label)

    def _action(self, text: str, shortcut: str | QKeySequence | None, slot, tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        c = self.controller
        self.quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.play_action = self._action("&Play", "Space", c.toggle_play, "Train continuously, or pause")
        self.step_action = self._action("&Step", "Right", c.step, "Exactly one update")
        self.epoch_action = self._action("Step &epoch", "Shift+Right", c.step_epoch, "Train to the end of this epoch")
        self.reset_action = self._action("&Reset", "R", c.reset, "Start again from update 0")
        self.log_action = self._action("&Log-scale loss", None, self._set_log_scale, checkable=True)
        self.test_action = self._action("Show &test points", None, self._set_show_test, checkable=True)
        self.discretize_action = self._action("&Discretize output", None, self._set_discretize, checkable=True)
        self.colorblind_action = self._action("&Colour-blind colours", None, self._set_colorblind, checkable=True)
        self.dark_action = self._action("D&ark palette", None, self._set_dark, checkable=True)
        self.shortcuts_action = self._action("&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents, self._show_shortcuts)
        self.about_action = self._action("&About gdplayground", None, self._show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.addAction(self.quit_action)
        self.run_menu = bar.addMenu("&Run")
        for a in (self.play_action, self.step_action, self.epoch_action, None, self.reset_action):
            self.run_menu.addSeparator() if a is None else self.run_menu.addAction(a)
        self.view_menu = bar.addMenu("&View")
        for a in (self.log_action, self.test_action, self.discretize_action, None, self.colorblind_action, self.dark_action):
            self.view_menu.addSeparator() if a is None else self.view_menu.addAction(a)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.about_action)

    def _build_layout(self) -> None:
        toolbar = QToolBar("Run", self)
        toolbar.setObjectName("runToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.run_controls)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        left_layout.addWidget(self.dataset_picker)
        left_layout.addWidget(self.hyper_panel)
        left_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(left.minimumSizeHint().width() + 20)
        self.network_view.setMinimumWidth(340)  # at 1280 px and below the output plot needs the room
        self.network_view.setMinimumHeight(320)  # with the inspector dock, a 768 px screen must do

        right = _RightColumn(_titled("Output", self.boundary_plot, self), _titled("Loss", self.loss_plot, self), self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(_titled("Network", self.network_view, self))
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        # clicking an empty spot takes the keyboard focus out of a text field, so that Space and
        # the arrows drive training again
        central.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        column = QVBoxLayout(central)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.resize(1280, 800)
        self._sizes_restored = False

    def _default_sizes(self) -> None:
        width = max(self.width(), 900)
        side = max(360, min(640, width * 3 // 10))
        left = max(300, self.splitter.widget(0).minimumWidth())
        self.splitter.setSizes([left, width - left - side, side])

    def _connect(self) -> None:
        c = self.controller
        rc = self.run_controls
        rc.play_clicked.connect(c.toggle_play)
        rc.step_clicked.connect(c.step)
        rc.step_epoch_clicked.connect(c.step_epoch)
        rc.reset_clicked.connect(c.reset)
        rc.speed_changed.connect(self._set_speed)
        self.dataset_picker.changed.connect(c.apply_config_changes)
        self.hyper_panel.changed.connect(c.apply_config_changes)
        self.quick_settings.changed.connect(c.apply_config_changes)
        nv = self.network_view
        nv.feature_toggled.connect(self._toggle_feature)
        nv.hidden_changed.connect(self._change_hidden)
        nv.activation_changed.connect(self._change_activation)
        nv.param_edited.connect(c.set_param)
        nv.param_selected.connect(self._show_param)
        nv.neuron_hovered.connect(self._hover_neuron)
        self.banner.lr_accepted.connect(lambda lr: c.restart_with({"lr": lr}))
        c.frame_ready.connect(self._repaint)
        c.state_changed.connect(self._on_state)
        c.run_reset.connect(self._on_run_reset)
        c.config_changed.connect(self._show_config)
        c.diverged.connect(lambda reason: self.banner.show_divergence(reason, c.suggested_lr()))
        c.status_reported.connect(lambda text: self.statusBar().showMessage(text, 8000))
        c.failed.connect(self._on_failed)

    # -- settings ------------------------------------------------------------------------------
    def _remembered_config(self) -> RunConfig | None:
        if self.settings is None:
            return None
        text = self.settings.value("run/config")
        if not text:
            return None
        try:
            config = config_from_text(str(text))
        except (ExperimentError, ValueError) as exc:
            log.warning("ignoring the remembered configuration: %s", exc)
            return None
        # drawn or imported points live in experiment files, not in the settings
        return config.replace(dataset=RunConfig().dataset) if config.dataset == CUSTOM else config

    def _restore(self) -> None:
        s = self.settings
        defaults = {"log_scale": False, "show_test": False, "discretize": False, "colorblind": False, "dark": False}
        values = {k: _as_bool(s.value(f"view/{k}", v)) if s is not None else v for k, v in defaults.items()}
        for key, action in zip(_VIEW_OPTIONS, (self.log_action, self.test_action, self.discretize_action, self.colorblind_action, self.dark_action)):
            action.setChecked(values[key])
            action.toggled.emit(values[key])  # apply even when the value is the default
        if s is None:
            return
        speed = s.value("run/speed")
        if speed is not None:
            try:
                self.run_controls.set_speed(float(speed))
                self._set_speed(self.run_controls.speed())
            except (TypeError, ValueError):
                pass
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = s.value("window/splitter")
        if isinstance(state, QByteArray):
            self._sizes_restored = self.splitter.restoreState(state)

    def _restore_docks(self) -> None:
        """Docks and toolbars as the student left them (after every dock has been added)."""
        state = self.settings.value("window/state") if self.settings is not None else None
        self._docks_restored = isinstance(state, QByteArray) and not state.isEmpty() and self.restoreState(state)

    def _fit_docks(self) -> None:
        """On a short screen the bottom dock may take at most a quarter of the window: the
        network and the plots come first."""
        dock = getattr(self, "inspector_dock", None)
        if dock is None or getattr(self, "_docks_restored", False) or not dock.isVisible():
            return
        limit = self.height() // 4
        if dock.height() > limit:
            self.resizeDocks([dock], [max(limit, dock.minimumSizeHint().height())], Qt.Orientation.Vertical)

    def _save(self) -> None:
        s = self.settings
        if s is None:
            return
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("run/config", config_to_json(self.controller.config))
        s.setValue("run/speed", "inf" if math.isinf(self.controller.speed) else self.controller.speed)
        for key, action in zip(_VIEW_OPTIONS, (self.log_action, self.test_action, self.discretize_action, self.colorblind_action, self.dark_action)):
            s.setValue(f"view/{key}", action.isChecked())
        s.sync()

    # -- events from the controller ----------------------------------------------------------------
    def _repaint(self) -> None:
        with np.errstate(all="ignore"):  # weights about to diverge overflow; never drawn
            self._show_run()

    def _show_run(self) -> None:
        c = self.controller
        run = c.run
        network, output = self._heavy_panels_due()
        if network:
            self.network_view.set_params(run.params)
            self.network_view.set_neuron_images(neuron_images(run))
        if output:
            self.boundary_plot.set_output(_grid_output(run, c.grid_output()), run.network.head.output)
            if self._hovered is not None:
                self._show_hovered()
        rec = run.last_record
        show_batch = rec is not None and (c.state != "playing" or c.speed <= _SLOW_ENOUGH_TO_SHOW_BATCH)
        self.boundary_plot.set_batch(run.data.x_train[rec.batch] if show_batch else None)
        self.loss_plot.set_losses(c.first_loss_step(), c.losses())
        self.loss_plot.set_evaluations(*c.eval_history())
        self.loss_plot.set_marker(run.step_count if run.step_count else None)
        self.run_controls.set_counters(run.step_count, run.epoch, c.metrics, run.data.kind)
        self._show_state()

    def _heavy_panels_due(self) -> tuple[bool, bool]:
        """(network view, output heatmap): which of the two costly panels to refresh now. While
        training fast, each at most HEAVY_HZ times a second and never both in one repaint, so
        the loss curve and counters keep the full frame rate; otherwise both, always."""
        c = self.controller
        now = time.perf_counter()
        if not (c.state == "playing" and c.speed >= _FAST):
            self._network_shown = self._output_shown = now
            return True, True
        period = 1.0 / HEAVY_HZ_WHILE_TRAINING
        network_due = now - self._network_shown >= period
        output_due = now - self._output_shown >= period
        if network_due and (not output_due or self._network_shown <= self._output_shown):
            self._network_shown = now
            return True, False
        if output_due:
            self._output_shown = now
            return False, True
        return False, False

    def _on_run_reset(self) -> None:
        run = self.controller.run
        d = run.data
        self.boundary_plot.set_points(d.x_train, d.y_train, d.x_test, d.y_test, d.kind)
        self.loss_plot.clear_curves()
        self.banner.clear()
        self._hovered = None
        self.boundary_plot.show_neuron_image(None)
        self._show_structure()
        self._repaint()

    def _show_config(self, config: RunConfig) -> None:
        run = self.controller.run
        self.dataset_picker.set_values(config.dataset, config.points, config.noise, config.train_ratio, config.data_seed)
        self.hyper_panel.set_problem_kind(run.data.kind)
        self.hyper_panel.set_train_size(len(run.data.y_train))
        self.hyper_panel.set_config(config)
        self.quick_settings.set_config(config)
        self._show_structure()

    def _show_structure(self) -> None:
        config, run = self.controller.config, self.controller.run
        self.network_view.set_structure(feature_names.NAMES, config.features, config.hidden, config.activations, run.network.sizes[-1])

    def _on_state(self, state: str) -> None:
        self.run_controls.set_state(state)
        self.play_action.setText("&Pause" if state == "playing" else "&Play")
        if state != "diverged":
            self.banner.clear()
        self._show_state()

    def _show_state(self) -> None:
        c = self.controller
        now, count = time.perf_counter(), c.run.step_count
        t0, n0, rate = self._rate
        if now - t0 >= 0.5:
            rate = max(0.0, (count - n0) / (now - t0))
            self._rate = (now, count, rate)
        text = {"idle": "Ready", "paused": f"Paused at update {count:,}", "diverged": "Diverged: paused"}.get(c.state, "")
        if c.state == "playing":
            text = f"Training: {rate:,.0f} updates/s"
        self.state_label.setText(text)

    def _on_failed(self, details: str) -> None:
        last = details.strip().splitlines()[-1] if details.strip() else "unknown error"
        self.statusBar().showMessage(f"Training stopped by an error: {last}")

    # -- events from the panels ------------------------------------------------------------------
    def _set_speed(self, speed: float) -> None:
        self.controller.set_speed(speed)

    def _toggle_feature(self, name: str, on: bool) -> None:
        current = set(self.controller.config.features)
        wanted = current | {name} if on else current - {name}
        if not wanted:
            self.statusBar().showMessage("The network needs at least one input feature.", 6000)
            self._show_structure()
            return
        self.controller.apply_config_changes({"features": tuple(n for n in feature_names.NAMES if n in wanted)})

    def _change_hidden(self, hidden: tuple) -> None:
        config = self.controller.config
        hidden = tuple(int(n) for n in hidden)
        changes: dict = {"hidden": hidden}
        if not isinstance(config.activation, str):
            acts = list(config.activation[: len(hidden)])
            acts += [acts[-1] if acts else "tanh"] * (len(hidden) - len(acts))
            changes["activation"] = _compact(acts)
        self.controller.apply_config_changes(changes)

    def _change_activation(self, layer: int, name: str) -> None:
        acts = list(self.controller.config.activations)
        if not 0 <= layer < len(acts):
            return
        acts[layer] = name
        self.controller.apply_config_changes({"activation": _compact(acts)})

    def _show_param(self, name: str, position: tuple) -> None:
        params = self.controller.run.params
        if name in params:
            value = float(params[name][tuple(position)])
            self.statusBar().showMessage(f"{name}{list(position)} = {value:.6g}", 8000)

    def _hover_neuron(self, layer: int, index: int) -> None:
        self._hovered = None if layer < 0 else (layer, index)
        if self._hovered is None:
            self.boundary_plot.show_neuron_image(None)
        elif not self.controller.busy:
            self._show_hovered()

    def _show_hovered(self) -> None:
        layer, index = self._hovered
        run = self.controller.run
        img = neuron_image(run, layer, index)
        last = len(run.network.sizes) - 1
        where = "input" if layer == 0 else "output" if layer == last else f"layer {layer}"
        caption = f"{feature_names.LABELS.get(self.controller.config.features[index], '')}" if layer == 0 and index < len(self.controller.config.features) else f"neuron {index + 1}, {where}"
        self.boundary_plot.show_neuron_image(img, caption)

    # -- view options --------------------------------------------------------------------------
    def _set_log_scale(self, on: bool) -> None:
        self.loss_plot.set_log_scale(on)

    def _set_show_test(self, on: bool) -> None:
        self.boundary_plot.set_show_test(on)

    def _set_discretize(self, on: bool) -> None:
        self.boundary_plot.set_discretize(on)

    def _set_colorblind(self, on: bool) -> None:
        colors.set_scheme("colorblind" if on else "orange_blue")
        self.boundary_plot.refresh_colors()
        if hasattr(self.dataset_picker, "refresh_colors"):
            self.dataset_picker.refresh_colors()
        for widget in self.findChildren(QWidget):
            widget.update()
        self.controller.refresh()

    def _set_dark(self, on: bool) -> None:
        app = QApplication.instance()
        if app is not None:
            apply_palette(app, dark=on)

    def _show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td style='padding-right:16px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        text = (f"<h3>Keyboard shortcuts</h3><table>{rows}</table><p>While a text field has the keyboard "
                "focus, keys go to it; click an empty spot of the window to give them back.</p>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", text, QMessageBox.StandardButton.Close, self)
        box.setObjectName("shortcutsDialog")
        box.open()

    def _show_about(self) -> None:
        QMessageBox.about(
            self, "About gdplayground",
            f"<h3>gdplayground {__version__}</h3><p>Watch and control gradient descent, one update at a time.</p>"
            "<p>Every number comes from a small NumPy engine with hand-written backpropagation; "
            "training runs on its own thread.</p><p>MIT licence.</p>",
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:  # the window paints what is dirty now
            started = time.perf_counter()
            handled = super().event(event)
            self.controller.notify_painted(time.perf_counter() - started)
            return handled
        handled = super().event(event)
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.WindowStateChange):
            # a hidden or minimised window paints nothing: then the worker must not wait for it
            self.controller.paint_sync = self.isVisible() and not self.isMinimized()
        return handled

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sizes_restored:  # the splitter knows its real width only now
            self._sizes_restored = True
            self._default_sizes()
            self._fit_docks()
            self.centralWidget().setFocus()  # not a text field: the shortcuts work from the start

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._save()
        self.controller.shutdown()
        super().closeEvent(event)


class _RightColumn(QWidget):
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


def _titled(title: str, widget: QWidget, parent: QWidget) -> QWidget:
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


def _grid_output(run, out: np.ndarray) -> np.ndarray:
    """The output over the plot's grid (``out``, as the engine computes it, in float32 for
    speed). Weights that are huge (just before a divergence) overflow there, so then again in
    float64, where the values are large but finite and show as the ends of the colour scale."""
    if not np.isfinite(out).all() and np.isfinite(run.theta).all():
        out = run.predict(grid_points())
    return out


def _compact(acts: list[str]) -> str | tuple[str, ...]:
    """One name when all layers share it (the common case reads better in files)."""
    return acts[0] if acts and all(a == acts[0] for a in acts) else tuple(acts)


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


