"""The hyperparameter panel: optimizer and its own settings, learning rate and schedule, batch
size, and the model's loss, init, activation, regularization and seed.

Passive, like every view: ``set_config`` shows a RunConfig without emitting; ``changed(dict)``
carries only the RunConfig fields the student changed, with values exactly as RunConfig takes
them. Fields marked ↻ need a new network (the run resets); the others apply live.

The panel names the widgets a lesson can lock or hide (lesson_locks.WIDGET_NAMES):
optimizerGroup, lrCombo, scheduleCombo, warmupSpin, batchGroup, lossCombo, initCombo,
activationCombo, regularizationRow and seedRow. An optimizer's or schedule's own settings
follow their combo's lock (optimizer_fields.SettingsForm).

Each optimizer shows its main settings (optimizer_fields.MAIN_HYPER); the rest wait behind a
"More settings ▸" toggle, collapsed at first and remembered by the panel while it lives. A
setting away from its default is always shown, so nothing in force is out of sight.
"""
from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QLabel, QListView, QToolButton, QVBoxLayout, QWidget,
)

from ..engine import limits, optimizers, schedules
from ..engine.config import RunConfig
from .batch_control import BatchControl
from .form_widgets import (
    TitledGroup, dim_label, error_label, labelled_combo, select_quietly, show_error, side_by_side,
)
from .hyper_choices import (
    ACTIVATION_LABELS, INIT_LABELS, INIT_TIPS, LOSS_CHOICES, LR_PRESETS, OPTIMIZER_LABELS,
    REG_RATE_PRESETS, REGULARIZATION_LABELS, SCHEDULE_LABELS, SCHEDULE_RULES,
)
from .optimizer_fields import (
    HYPER_SPECS, MAIN_HYPER, SCHEDULE_SPECS, CountSpin, NumberCombo, SettingsForm, set_invalid,
)

# a little tighter than the style's 9 and 6: on a 1280x800 screen the batch size shows under
# the optimizer and learning rate without scrolling
GROUP_MARGINS = (8, 3, 8, 4)
GROUP_SPACING = 4
MORE_CLOSED = "More settings ▸"
MORE_OPEN = "Fewer settings ▾"
RESETS = "↻"
RESETS_TIP = "Changing this builds a new network: the run starts again from update 0"
_MIXED = ""  # the activation combo's entry for "one activation per layer"


def _count_spin(field: str, step: int) -> CountSpin:
    """A spin box over exactly the values a file may hold for ``field`` (engine.limits)."""
    allowed = limits.FIELDS[field]
    return CountSpin(int(allowed.low), int(allowed.high), step)


class HyperPanel(QWidget):
    """Optimizer, learning rate, batch and model settings as a compact form.

    ``changed(dict)``: the RunConfig fields the student changed (optimizer, lr, hyper,
    schedule, schedule_settings, warmup_steps, batch_size, loss, init, activation,
    regularization, reg_rate, seed). ``set_config``, ``set_train_size`` and (while the loss
    shown stays valid) ``set_problem_kind`` never emit it.
    """

    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self._kind = "binary"
        self._values: dict[str, Any] = {}
        self._forms: list[QFormLayout] = []
        self._more_open = False  # "More settings" opened, for every optimizer while the panel lives
        self._revealed: set[str] = set()  # folded-away settings shown because they were set
        self._folded_for = ""  # the optimizer whose settings were last folded
        # one label column for every group; longer setting names get a line of their own
        self._label_width = max(self.fontMetrics().horizontalAdvance(text) for text in (
            "Regularization", "warmup_steps", "Learning rate", f"Activation {RESETS}"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(GROUP_SPACING)
        layout.addWidget(self._optimizer_group())
        layout.addWidget(self._lr_group())
        layout.addWidget(self._batch_group())
        layout.addWidget(self._model_group())
        footer = dim_label(f"{RESETS} resets the run · everything else applies live")
        footer.setWordWrap(True)
        layout.addWidget(footer)
        layout.addStretch(1)
        self._align_labels()
        self.set_config(RunConfig())

    # -- groups --

    def _form_group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = TitledGroup(title)
        outer = QVBoxLayout(box)
        outer.setContentsMargins(*GROUP_MARGINS)
        form = QFormLayout()
        outer.addLayout(form)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(GROUP_SPACING)
        self._forms.append(form)
        return box, form

    def _align_labels(self) -> None:
        for form in self._forms:
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if item is not None and item.widget() is not None:
                    item.widget().setMinimumWidth(self._label_width)

    def _optimizer_group(self) -> QGroupBox:
        box, form = self._form_group("Optimizer")
        box.setObjectName("optimizerGroup")
        self._optimizer = labelled_combo(OPTIMIZER_LABELS, optimizers.RULES)
        self._optimizer.activated.connect(self._optimizer_chosen)
        self._hyper_error = error_label()
        form.addRow("&Optimizer", self._optimizer)
        self._more = QToolButton()  # not checkable: a checked button draws a sunken box
        self._more.setObjectName("moreOptimizerSettings")
        self._more.setAutoRaise(True)
        self._more.setText(MORE_CLOSED)
        self._more.clicked.connect(self._more_clicked)
        box.set_corner(self._more)
        box.layout().addWidget(self._hyper_error)
        self._hyper = SettingsForm(HYPER_SPECS, form, self._optimizer, self._label_width)
        self._hyper.edited.connect(self._hyper_edited)
        return box

    def _lr_group(self) -> QGroupBox:
        box, form = self._form_group("Learning rate")
        lr = limits.FIELDS["lr"]
        self._lr = NumberCombo(LR_PRESETS, low=lr.low, high=lr.high, low_open=lr.low_open)
        self._lr.setToolTip("Size of each step along the negative gradient; pick one or type any "
                            "positive number")
        self._lr.setAccessibleName("Learning rate")
        self._lr.setObjectName("lrCombo")
        self._lr.edited.connect(self._lr_edited)
        self._schedule = labelled_combo(SCHEDULE_LABELS, SCHEDULE_RULES)
        self._schedule.setObjectName("scheduleCombo")
        self._schedule.activated.connect(self._schedule_chosen)
        self._warmup = _count_spin("warmup_steps", 10)
        self._warmup.setObjectName("warmupSpin")
        self._warmup.setToolTip("Ramp the rate up from lr / warmup_steps over this many updates "
                                "(0 = no warm-up)")
        self._warmup.valueChanged.connect(self._warmup_edited)
        self._schedule_error = error_label()
        form.addRow("&Learning rate", self._lr)
        form.addRow("&Schedule", self._schedule)
        form.addRow("warmup_steps", self._warmup)
        box.layout().addWidget(self._schedule_error)
        self._schedule_form = SettingsForm(SCHEDULE_SPECS, form, self._schedule, self._label_width)
        self._schedule_form.edited.connect(self._schedule_edited)
        return box

    def _batch_group(self) -> QGroupBox:
        box = QGroupBox("Batch")
        box.setObjectName("batchGroup")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(*GROUP_MARGINS)
        self._batch = BatchControl()
        self._batch.setToolTip("Training points per update: 1 = stochastic gradient descent, "
                               "the whole training set = full-batch gradient descent")
        self._batch.edited.connect(lambda b: self._emit(batch_size=b))
        layout.addWidget(self._batch)
        return box

    def _model_group(self) -> QGroupBox:
        box, form = self._form_group("Model && regularization")
        self._loss = self._loss_combo()
        self._init = labelled_combo(INIT_LABELS, INIT_TIPS)
        self._init.activated.connect(lambda: self._emit(init=self._init.currentData()))
        self._activation = labelled_combo({**ACTIVATION_LABELS, _MIXED: "per layer (see network)"})
        self._activation.setView(QListView())  # a list view can hide the "per layer" row
        self._activation.activated.connect(self._activation_chosen)
        for label, widget, tip in (
                ("Loss", self._loss, "What the network minimises; the problem type decides the output"),
                ("Init", self._init, "How the first weights are drawn"),
                ("Activation", self._activation, "The activation of every hidden layer")):
            widget.setToolTip(tip)
            widget.setObjectName(f"{label.lower()}Combo")
            form.addRow(self._resets_label(label, widget), widget)
        regularization, seed = self._regularization_row(), self._seed_row()
        regularization.setObjectName("regularizationRow")
        seed.setObjectName("seedRow")
        form.addRow("Regularization", regularization)
        form.addRow(self._resets_label("Seed", None), seed)
        return box

    def _loss_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        widths = []
        for choices in LOSS_CHOICES.values():
            combo.clear()
            for name, (label, _, _) in choices.items():
                combo.addItem(label, name)
            widths.append(combo.sizeHint().width())
        # as wide as the longest labels of any problem kind: switching data must not reflow
        combo.setMinimumWidth(max(widths))
        combo.activated.connect(self._loss_chosen)
        return combo

    def _resets_label(self, text: str, buddy: QWidget | None) -> QLabel:
        label = QLabel(f"{text} {RESETS}")
        label.setToolTip(RESETS_TIP)
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    def _regularization_row(self) -> QWidget:
        self._regularization = labelled_combo(REGULARIZATION_LABELS, {
            "none": "No penalty on the weights",
            "l1": "Adds rate · Σ|w| to the loss: pushes small weights to exactly 0",
            "l2": "Adds rate · Σw² / 2 to the loss: shrinks all weights a little"})
        self._regularization.activated.connect(self._regularization_chosen)
        rate = limits.FIELDS["reg_rate"]
        self._reg_rate = NumberCombo(REG_RATE_PRESETS, low=rate.low, high=rate.high)
        self._reg_rate.setToolTip("Regularization rate: how strongly the penalty counts")
        self._reg_rate.setAccessibleName("Regularization rate")
        self._reg_rate.edited.connect(lambda v: self._emit(reg_rate=v))
        return side_by_side(self._regularization, self._reg_rate)

    def _seed_row(self) -> QWidget:
        self._seed = _count_spin("seed", 1)
        self._seed.setToolTip("Seed of the first weights and of the batch order: the same seed "
                              "gives the same run")
        self._seed.setAccessibleName("Seed")
        self._seed.valueChanged.connect(lambda v: self._emit(seed=int(v)))
        self._dice = QToolButton()
        self._dice.setText("⚄")
        font = self._dice.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)  # the die's dots are unreadable at text size
        self._dice.setFont(font)
        self._dice.setToolTip("A new random seed")
        self._dice.setAccessibleName("New random seed")
        self._dice.clicked.connect(self._roll_seed)
        return side_by_side(self._seed, self._dice)

    # -- public --

    def set_config(self, config: RunConfig) -> None:
        """Show every setting of ``config``; ``changed`` is not emitted."""
        hyper = {**optimizers.HYPERPARAMETERS[config.optimizer], **config.hyper_dict}
        settings = {**schedules.SETTINGS[config.schedule], **config.schedule_dict}
        acts = set(config.activations)
        activation = config.activation if isinstance(config.activation, str) else (
            next(iter(acts)) if len(acts) == 1 else _MIXED)
        self._values = {
            "optimizer": config.optimizer, "lr": config.lr, "hyper": hyper,
            "schedule": config.schedule, "schedule_settings": settings,
            "warmup_steps": config.warmup_steps, "batch_size": config.batch_size,
            "loss": config.loss, "init": config.init, "activation": activation,
            "regularization": config.regularization, "reg_rate": config.reg_rate,
            "seed": config.seed,
        }
        self._quiet = True
        try:
            self._show_values()
        finally:
            self._quiet = False

    def set_train_size(self, n: int) -> None:
        """The training-set size: the batch control's "full batch" end. No signal."""
        self._batch.set_train_size(n, self._values["batch_size"])

    def set_problem_kind(self, kind: str) -> None:
        """Relabel the loss choices for ``kind`` (binary, multiclass, regression) and disable
        the ones it cannot use. If the loss shown becomes invalid, "auto" is chosen and
        emitted, since no run could be built with the old one."""
        if kind not in LOSS_CHOICES:
            raise ValueError(f"unknown problem kind {kind!r}")
        self._kind = kind
        self._show_loss_choices()
        if not LOSS_CHOICES[kind][self._values["loss"]][1]:
            select_quietly(self._loss, "auto")
            self._emit(loss="auto")

    def values(self) -> dict[str, Any]:
        """The settings shown now, as RunConfig fields."""
        return dict(self._values)

    # -- showing --

    def _show_values(self) -> None:
        v = self._values
        select_quietly(self._optimizer, v["optimizer"])
        self._optimizer.setToolTip(optimizers.RULES[v["optimizer"]])
        self._show_hyper(v["optimizer"], v["hyper"])
        self._lr.set_value(v["lr"])
        select_quietly(self._schedule, v["schedule"])
        self._schedule.setToolTip(SCHEDULE_RULES[v["schedule"]])
        self._schedule_form.build(v["schedule_settings"])
        self._warmup.blockSignals(True)
        self._warmup.setValue(v["warmup_steps"])
        self._warmup.blockSignals(False)
        self._batch.set_batch_size(v["batch_size"])
        self._show_loss_choices()
        select_quietly(self._init, v["init"])
        self._activation.view().setRowHidden(self._activation.findData(_MIXED), v["activation"] != _MIXED)
        select_quietly(self._activation, v["activation"])
        select_quietly(self._regularization, v["regularization"])
        self._reg_rate.set_value(v["reg_rate"])
        self._reg_rate.setEnabled(v["regularization"] != "none")
        self._seed.blockSignals(True)
        self._seed.setValue(v["seed"])
        self._seed.blockSignals(False)
        for error in (self._hyper_error, self._schedule_error):
            error.hide()

    def _show_hyper(self, name: str, hyper: dict[str, Any]) -> None:
        """The optimizer's settings, main ones first, the rest folded unless shown by the
        toggle or set away from their default."""
        main = [key for key in MAIN_HYPER[name] if key in hyper]
        self._hyper.build({**{key: hyper[key] for key in main}, **hyper})
        defaults = optimizers.HYPERPARAMETERS[name]
        extras = [key for key in hyper if key not in main]
        set_now = {key for key in extras if hyper[key] != defaults.get(key)}
        # a setting shown because it was set stays shown until the optimizer changes, so it
        # does not vanish under the mouse when set back to its default
        self._revealed = set_now if name != self._folded_for else self._revealed | set_now
        self._folded_for = name
        self._fold_hyper()

    def _fold_hyper(self) -> None:
        main = MAIN_HYPER[self._folded_for]
        extras = [key for key in self._hyper.keys() if key not in main]
        open_ = self._more_open
        folded = [] if open_ else [key for key in extras if key not in self._revealed]
        self._hyper.fold(folded)
        self._more.setVisible(bool(extras))
        self._more.setText(MORE_OPEN if open_ else MORE_CLOSED)
        self._more.setToolTip(f"Hide {', '.join(k for k in extras if k not in self._revealed)}"
                              if open_ else f"Show {', '.join(folded)}" if folded
                              else "Every setting of this optimizer is shown")

    def more_settings_open(self) -> bool:
        """Whether "More settings" is open (it stays so across optimizers)."""
        return self._more_open

    def _more_clicked(self) -> None:
        self._more_open = not self._more_open
        if not self._more_open:  # what is set stays; the rest folds away again
            defaults = optimizers.HYPERPARAMETERS[self._folded_for]
            self._revealed = {k for k, v in self._hyper.values().items() if v != defaults.get(k)}
        self._fold_hyper()

    def _show_loss_choices(self) -> None:
        model = self._loss.model()
        assert isinstance(model, QStandardItemModel)
        for i, (label, valid, tip) in enumerate(LOSS_CHOICES[self._kind].values()):
            self._loss.setItemText(i, label)
            self._loss.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
            model.item(i).setEnabled(valid)
        select_quietly(self._loss, self._values.get("loss", "auto"))
        self._loss.setToolTip(LOSS_CHOICES[self._kind][self._loss.currentData()][2])

    # -- reactions --

    def _emit(self, **changes: Any) -> None:
        if self._quiet:
            return
        changes = {k: v for k, v in changes.items() if self._values.get(k) != v}
        if changes:
            self._values.update(changes)
            self.changed.emit(changes)

    def _optimizer_chosen(self) -> None:
        name = self._optimizer.currentData()
        if name == self._values["optimizer"]:
            return
        hyper = dict(optimizers.HYPERPARAMETERS[name])
        lr = optimizers.DEFAULT_LR[name]
        self._optimizer.setToolTip(optimizers.RULES[name])
        self._show_hyper(name, hyper)
        self._hyper_error.hide()
        self._lr.set_value(lr)
        self._emit(optimizer=name, lr=lr, hyper=hyper)

    def _hyper_edited(self, key: str) -> None:
        hyper = self._hyper.values()
        if any(value is None for value in hyper.values()):
            return  # a number field refused its text and says so itself
        name = self._values["optimizer"]
        error = self._check(lambda: optimizers.create(name, **hyper))
        if error is not None:
            error = error.removeprefix(f"{name}: ")
        for name in self._hyper.keys():
            self._hyper.mark(name, error if name == key else None)
        show_error(self._hyper_error, error)
        if error is None:
            self._emit(hyper=hyper)

    def _lr_edited(self, lr: float) -> None:
        error = self._schedule_error_for(lr=lr)
        set_invalid(self._lr, error)
        show_error(self._schedule_error, error)
        if error is None:
            self._emit(lr=lr)

    def _schedule_chosen(self) -> None:
        name = self._schedule.currentData()
        if name == self._values["schedule"]:
            return
        settings = dict(schedules.SETTINGS[name])
        self._schedule.setToolTip(SCHEDULE_RULES[name])
        self._schedule_form.build(settings)
        show_error(self._schedule_error, None)
        self._emit(schedule=name, schedule_settings=settings)

    def _schedule_edited(self, key: str) -> None:
        settings = self._schedule_form.values()
        if any(value is None for value in settings.values()):
            return
        error = self._schedule_error_for(settings=settings)
        self._schedule_form.mark(key, error)
        show_error(self._schedule_error, error)
        if error is None:
            self._emit(schedule_settings=settings)

    def _warmup_edited(self, steps: int) -> None:
        self._emit(warmup_steps=int(steps))

    def _schedule_error_for(self, lr: float | None = None,
                            settings: dict[str, Any] | None = None) -> str | None:
        v = self._values
        return self._check(lambda: schedules.create(
            v["schedule"], v["lr"] if lr is None else lr, v["warmup_steps"],
            **(v["schedule_settings"] if settings is None else settings)))

    def _loss_chosen(self) -> None:
        name = self._loss.currentData()
        self._loss.setToolTip(LOSS_CHOICES[self._kind][name][2])
        self._emit(loss=name)

    def _activation_chosen(self) -> None:
        name = self._activation.currentData()
        if name != _MIXED:
            self._activation.view().setRowHidden(self._activation.findData(_MIXED), True)
            self._emit(activation=name)

    def _regularization_chosen(self) -> None:
        name = self._regularization.currentData()
        self._reg_rate.setEnabled(name != "none")
        self._emit(regularization=name)

    def _roll_seed(self) -> None:
        seed = int(self._seed.value())
        while seed == self._seed.value():
            seed = random.randrange(0, 100_000)
        self._seed.setValue(seed)  # emits through the spin box

    @staticmethod
    def _check(build: Any) -> str | None:
        try:
            build()
        except ValueError as error:
            return str(error)
        return None
