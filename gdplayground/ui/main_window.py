"""The main window: it builds the panels, wires them to the controller and repaints them when
the controller says the run is ready to be read (``frame_ready``). Its menus are made in
window_menus, its layout pieces live in window_layout, and what it remembers between sessions
in window_state."""
from __future__ import annotations

import time
from functools import partial

import numpy as np

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QScrollArea, QSplitter, QToolBar, QVBoxLayout, QWidget

from ..engine import features as feature_names
from ..engine.config import RunConfig
from ..engine.run import grid_points
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
from .window_layout import RightColumn, fit_bottom_dock, set_default_sizes, titled
from .window_menus import build_menus, make_action, show_about, show_shortcuts
from .window_state import remembered_config, restore_docks, restore_window, save_window

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
        self.controller = RunController(config or remembered_config(settings) or RunConfig(), self)
        self._hovered: tuple[int, int] | None = None
        self._network_shown = self._output_shown = 0.0
        self._rate = (time.perf_counter(), 0, 0.0)  # (time, update count, updates/s) for the status bar
        self._build_panels()
        self._build_actions()
        build_menus(self)
        self._build_layout()
        self._connect()
        self._sizes_restored = restore_window(self)  # False: showEvent sets default sizes
        self._show_config(self.controller.config)
        self._on_run_reset()
        self.inspector_dock = install_inspector(self, self.controller)  # inspector, timeline, explain mode
        self._docks_restored = restore_docks(self)

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

    def _build_actions(self) -> None:
        c = self.controller
        act = partial(make_action, self)
        self.quit_action = act("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.play_action = act("&Play", "Space", c.toggle_play, "Train continuously, or pause")
        self.step_action = act("&Step", "Right", c.step, "Exactly one update")
        self.epoch_action = act("Step &epoch", "Shift+Right", c.step_epoch, "Train to the end of this epoch")
        self.reset_action = act("&Reset", "R", c.reset, "Start again from update 0")
        self.log_action = act("&Log-scale loss", None, self._set_log_scale, checkable=True)
        self.test_action = act("Show &test points", None, self._set_show_test, checkable=True)
        self.discretize_action = act("&Discretize output", None, self._set_discretize, checkable=True)
        self.colorblind_action = act("&Colour-blind colours", None, self._set_colorblind, checkable=True)
        self.dark_action = act("D&ark palette", None, self._set_dark, checkable=True)
        self.shortcuts_action = act("&Keyboard shortcuts", QKeySequence.StandardKey.HelpContents, lambda: show_shortcuts(self))
        self.about_action = act("&About gdplayground", None, lambda: show_about(self))

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

        right = RightColumn(titled("Output", self.boundary_plot, self), titled("Loss", self.loss_plot, self), self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(titled("Network", self.network_view, self))
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
            set_default_sizes(self.splitter, self.width())
            if not getattr(self, "_docks_restored", False):  # a restored dock keeps its height
                fit_bottom_dock(self, getattr(self, "inspector_dock", None))
            self.centralWidget().setFocus()  # not a text field: the shortcuts work from the start

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        save_window(self)
        self.controller.shutdown()
        super().closeEvent(event)


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

