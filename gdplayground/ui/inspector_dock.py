"""The inspector dock: the update inspector, the layer view and explain mode side by side in one
dock, and the timeline in a bar along the bottom of the window. ``install_inspector`` adds both
to a main window and wires them to its controller (see step_through.py for how).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QDockWidget, QScrollArea, QSplitter, QToolBar, QVBoxLayout, QWidget

from .explain_mode import ExplainMode
from .layer_view import LayerView
from .step_inspector import StepInspector
from .step_through import StepThrough
from .timeline import Timeline


DOCK_HEIGHT = 300  # enough for a whole gradient-descent rule; longer rules scroll
SHARES = (9, 6, 5)  # inspector, layer view, explain mode: the inspector's rules are the widest


class InspectorDock(QDockWidget):
    """Holds ``inspector``, ``layer_view``, ``explain`` (with ``explain_check``) and
    ``timeline`` (shown outside the dock, in the window's bottom bar)."""

    def __init__(self, network_view: Any = None, parent: QWidget | None = None) -> None:
        super().__init__("Update inspector", parent)
        self.setObjectName("inspectorDock")
        self.inspector = StepInspector(self)
        self.layer_view = LayerView(self)
        self.explain = ExplainMode(network_view, self)
        self.explain_check = QCheckBox("Explain mode: Step shows one phase at a time", self)
        self.explain_check.setObjectName("explainCheck")
        self.explain_check.setToolTip("Each press of Step shows one phase of the update: forward pass, loss, "
                                      "backward pass, update")
        self.timeline = Timeline(self)
        explain_box = QWidget(self)
        column = QVBoxLayout(explain_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.explain_check)
        column.addWidget(self.explain, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("inspectorSplitter")
        self.splitter.addWidget(self.inspector)  # its rule scrolls on its own; the check stays in view
        for widget in (self.layer_view, explain_box):
            scroll = QScrollArea(self)
            scroll.setWidget(widget)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.splitter.addWidget(scroll)
        for i, share in enumerate(SHARES):
            self.splitter.setStretchFactor(i, share)
        self.splitter.setSizes([100 * share for share in SHARES])  # scaled to the real width
        self.splitter.setChildrenCollapsible(False)
        self.setWidget(self.splitter)


def install_inspector(window: Any, controller: Any) -> InspectorDock:
    """Add the inspector dock and the timeline to ``window`` (a MainWindow: network_view,
    boundary_plot, loss_plot, view_menu, run_menu) and wire them to ``controller``. The
    controller asks ``dock.step_through.before_change`` before changing the run, if it has the
    ``before_change`` hook."""
    dock = InspectorDock(window.network_view, window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resizeDocks([dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
    bar = QToolBar("Timeline", window)
    bar.setObjectName("timelineToolbar")
    bar.setMovable(False)
    bar.addWidget(dock.timeline)
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
    through = StepThrough(window, controller, dock)
    dock.step_through = through
    if hasattr(controller, "before_change"):
        controller.before_change = through.before_change
    controller.frame_ready.connect(through.on_frame)
    controller.run_reset.connect(through.on_reset)
    window.network_view.param_selected.connect(through.select)

    back = QAction("Step &back", window)
    back.setShortcut(QKeySequence("Left"))
    back.setStatusTip("Show the update before (or the previous phase in explain mode)")
    back.triggered.connect(through.step_back)
    explain = QAction("E&xplain mode", window)
    explain.setShortcut(QKeySequence("E"))
    explain.setCheckable(True)
    explain.setStatusTip("Step shows one phase of the update at a time")
    explain.toggled.connect(dock.explain_check.setChecked)
    dock.explain_check.toggled.connect(explain.setChecked)
    for action in (back, explain):
        window.addAction(action)
    dock.step_back_action, dock.explain_action = back, explain
    if hasattr(window, "run_menu"):
        window.run_menu.addSeparator()
        window.run_menu.addAction(back)
        window.run_menu.addAction(explain)
    if hasattr(window, "view_menu"):
        window.view_menu.addSeparator()
        window.view_menu.addAction(dock.toggleViewAction())
    return dock
