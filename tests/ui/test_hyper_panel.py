"""The hyperparameter panel through real clicks, keys and typing."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QMainWindow, QWidget

from gdplayground import Run, RunConfig
from gdplayground.engine import activations, optimizers, schedules
from gdplayground.engine.config import REGULARIZATIONS
from gdplayground.engine.network import INITS
from gdplayground.experiment import Lesson
from gdplayground.ui import hyper_choices as hc
from gdplayground.ui import hyper_panel as hp
from gdplayground.ui.lesson_locks import WIDGET_NAMES, apply_lesson_locks
from gdplayground.ui.optimizer_fields import (
    MAIN_HYPER, CountSpin, FractionSpin, NumberEdit, format_number, is_invalid, parse_number,
)


@pytest.fixture
def panel(qtbot):
    widget = hp.HyperPanel()
    qtbot.addWidget(widget)
    widget.set_config(RunConfig())
    widget.set_train_size(250)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def emitted(panel):
    changes: list[dict] = []
    panel.changed.connect(changes.append)
    return changes


def choose(qtbot, combo: QComboBox, data: object) -> None:
    """Open the combo's popup and click the entry holding ``data``."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitExposed(view)
    rect = view.visualRect(combo.model().index(combo.findData(data), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not view.isVisible()


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def visible_labels(panel) -> list[str]:
    return [label.text() for label in panel.findChildren(QLabel) if label.isVisibleTo(panel)]


# --- labels and markers ---

def test_every_engine_choice_has_a_friendly_label():
    assert list(hc.OPTIMIZER_LABELS) == list(optimizers.NAMES)
    assert list(hc.SCHEDULE_LABELS) == list(schedules.NAMES)
    assert list(hc.INIT_LABELS) == list(INITS)
    assert set(hc.ACTIVATION_LABELS) == set(activations.NAMES)
    assert list(hc.REGULARIZATION_LABELS) == list(REGULARIZATIONS)
    assert hc.INIT_LABELS["playground"] == "TF Playground uniform ±0.5"
    assert hc.OPTIMIZER_LABELS["gd"] == "Gradient descent"


def test_fields_marked_resets_are_exactly_the_rebuilding_ones(panel):
    marked = [label for label in panel.findChildren(QLabel) if label.text().endswith(hp.RESETS)]
    names = {label.text().split()[0].lower() for label in marked}
    assert names == {"loss", "init", "activation", "seed"}
    assert not names & RunConfig.LIVE_FIELDS
    assert all(label.toolTip() == hp.RESETS_TIP for label in marked)
    # every other field the panel emits applies live
    other = {"optimizer", "lr", "hyper", "schedule", "schedule_settings", "warmup_steps",
             "batch_size", "regularization", "reg_rate"}
    assert other <= RunConfig.LIVE_FIELDS


def test_lr_presets_are_tf_playgrounds(panel):
    items = [panel._lr.itemText(i) for i in range(panel._lr.count())]
    assert items == ["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
    items = [panel._reg_rate.itemText(i) for i in range(panel._reg_rate.count())]
    assert items == ["0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]


def test_numbers_read_and_print_as_students_write_them():
    assert [format_number(v) for v in (0.00001, 0.03, 10, 1e-8, 0.999, 0)] == \
        ["0.00001", "0.03", "10", "1e-8", "0.999", "0"]
    assert parse_number(" 0,5 ") == 0.5 and parse_number("1e-3") == 0.001
    assert parse_number("abc") is None and parse_number("nan") is None and parse_number("inf") is None


# --- optimizer ---

def test_switching_optimizer_rebuilds_fields_and_suggests_its_lr(qtbot, panel, emitted):
    choose(qtbot, panel._optimizer, "adam")
    assert emitted == [{"optimizer": "adam", "lr": optimizers.DEFAULT_LR["adam"],
                        "hyper": optimizers.HYPERPARAMETERS["adam"]}]
    assert panel._hyper.keys() == list(optimizers.HYPERPARAMETERS["adam"])
    assert {"betas", "eps"} <= set(visible_labels(panel))
    assert not {"momentum", "amsgrad", "weight_decay"} & set(visible_labels(panel))
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert {"betas", "eps", "weight_decay", "amsgrad"} <= set(visible_labels(panel))
    assert panel._lr.currentText() == format_number(optimizers.DEFAULT_LR["adam"])
    assert panel._optimizer.toolTip() == optimizers.RULES["adam"]


def test_choosing_the_same_optimizer_emits_nothing(qtbot, panel):
    with qtbot.assertNotEmitted(panel.changed, wait=50):
        choose(qtbot, panel._optimizer, "gd")


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_emitted_hyper_builds_the_optimizer_and_a_run(qtbot, panel, emitted, name):
    start = "adam" if name == "gd" else "gd"
    panel.set_config(RunConfig(optimizer=start, lr=optimizers.DEFAULT_LR[start]))
    choose(qtbot, panel._optimizer, name)
    (change,) = emitted
    assert change["optimizer"] == name
    hyper = change["hyper"]
    assert isinstance(hyper, dict) and set(hyper) == set(optimizers.HYPERPARAMETERS[name])
    if "betas" in hyper:
        assert isinstance(hyper["betas"], tuple)
    optimizers.create(name, **hyper)
    config = RunConfig().replace(**change)
    assert Run(config).step() is not None


def expand(qtbot, panel) -> None:
    """Open "More settings" with a click, if it is closed."""
    if not panel.more_settings_open():
        qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert panel._more.text() == hp.MORE_OPEN


def _nudge(qtbot, widget) -> None:
    """Change one field the way a student would."""
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    elif isinstance(widget, NumberEdit):
        type_into(qtbot, widget, "0.0123")
    else:
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Up)


FIELDS = [(name, key, i) for name in optimizers.NAMES
          for key, default in optimizers.HYPERPARAMETERS[name].items()
          for i in range(2 if key == "betas" else 1)]


@pytest.mark.parametrize("name,key,index", FIELDS, ids=[f"{n}-{k}{i or ''}" for n, k, i in FIELDS])
def test_each_hyperparameter_edit_emits_hyper_with_its_key(qtbot, panel, emitted, name, key, index):
    panel.set_config(RunConfig(optimizer=name))
    if key not in MAIN_HYPER[name]:
        expand(qtbot, panel)
    assert panel._hyper.fields(key)[index].isVisible()
    before = panel._hyper.values()
    _nudge(qtbot, panel._hyper.fields(key)[index])
    after = panel._hyper.values()
    assert after[key] != before[key]
    assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
    try:
        optimizers.create(name, **after)
    except ValueError:  # e.g. nesterov without momentum: refused, shown, not emitted
        assert emitted == []
        assert is_invalid(panel._hyper.fields(key)[index])
        assert panel._hyper_error.isVisible() and "nesterov" in panel._hyper_error.text()
        return
    assert emitted == [{"hyper": after}]
    assert not panel._hyper_error.isVisible()
    RunConfig().replace(optimizer=name, **emitted[0])


def test_a_refused_combination_clears_once_fixed(qtbot, panel, emitted):
    panel.set_config(RunConfig(optimizer="momentum"))
    expand(qtbot, panel)
    qtbot.mouseClick(panel._hyper.fields("nesterov")[0], Qt.MouseButton.LeftButton)
    assert emitted == [{"hyper": {**optimizers.HYPERPARAMETERS["momentum"], "nesterov": True}}]
    dampening = panel._hyper.fields("dampening")[0]
    dampening.setFocus()
    qtbot.keyClick(dampening, Qt.Key.Key_Up)  # nesterov needs dampening 0
    assert len(emitted) == 1 and is_invalid(dampening)
    qtbot.keyClick(dampening, Qt.Key.Key_Down)
    assert not is_invalid(dampening) and not panel._hyper_error.isVisible()


# --- main settings and "More settings" ---

def shown_settings(panel) -> list[str]:
    return [key for key in panel._hyper.keys() if panel._hyper.fields(key)[0].isVisible()]


def test_main_settings_name_real_hyperparameters():
    assert list(MAIN_HYPER) == list(optimizers.NAMES)
    for name, keys in MAIN_HYPER.items():
        assert set(keys) <= set(optimizers.HYPERPARAMETERS[name]), name
        assert "weight_decay" not in keys


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_each_optimizer_shows_its_main_settings_first_and_the_rest_on_request(qtbot, panel, name):
    panel.set_config(RunConfig(optimizer=name))
    main = list(MAIN_HYPER[name])
    assert shown_settings(panel) == main and not panel.more_settings_open()
    rest = [k for k in optimizers.HYPERPARAMETERS[name] if k not in main]
    assert panel._more.isVisible() and panel._more.text() == hp.MORE_CLOSED
    assert panel._more.toolTip() == f"Show {', '.join(rest)}"
    expand(qtbot, panel)
    assert shown_settings(panel) == main + rest  # main rows on top, the rest under them
    labels = [label.text() for label in panel.findChildren(QLabel) if label.text() in rest + main]
    assert set(labels) == set(main + rest)
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert shown_settings(panel) == main and panel._more.text() == hp.MORE_CLOSED


def test_gradient_descent_shows_only_the_optimizer_and_the_toggle(panel):
    assert panel._optimizer.currentData() == "gd"
    assert not {"momentum", "dampening", "nesterov", "weight_decay"} & set(visible_labels(panel))
    group = panel.findChild(QGroupBox, "optimizerGroup")
    assert group.isAncestorOf(panel._more) and panel._more.isVisible()


def test_a_setting_away_from_its_default_is_never_folded_away(qtbot, panel, emitted):
    panel.set_config(RunConfig(optimizer="adam", hyper={"amsgrad": True}))
    assert shown_settings(panel) == ["betas", "eps", "amsgrad"] and not panel.more_settings_open()
    assert panel._more.toolTip() == "Show weight_decay"
    # set back to its default by the student: it stays where the mouse is
    qtbot.mouseClick(panel._hyper.fields("amsgrad")[0], Qt.MouseButton.LeftButton)
    assert emitted == [{"hyper": optimizers.HYPERPARAMETERS["adam"]}]
    panel.set_config(RunConfig(optimizer="adam"))  # the window shows the config now in force
    assert "amsgrad" in shown_settings(panel)
    # opening and closing the toggle folds what is at its default again
    expand(qtbot, panel)
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert shown_settings(panel) == ["betas", "eps"]


def test_a_setting_edited_under_more_stays_shown_when_it_closes(qtbot, panel, emitted):
    expand(qtbot, panel)
    type_into(qtbot, panel._hyper.fields("weight_decay")[0], "0.01")
    assert emitted == [{"hyper": {**optimizers.HYPERPARAMETERS["gd"], "weight_decay": 0.01}}]
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert shown_settings(panel) == ["weight_decay"] and panel._more.text() == hp.MORE_CLOSED
    assert panel._more.toolTip() == "Show momentum, dampening, nesterov"


def test_the_toggle_is_remembered_across_optimizers(qtbot, panel):
    expand(qtbot, panel)
    choose(qtbot, panel._optimizer, "rmsprop")
    assert panel.more_settings_open() and shown_settings(panel) == list(MAIN_HYPER["rmsprop"]) + [
        "weight_decay", "momentum", "centered"]
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    panel.set_config(RunConfig(optimizer="adadelta"))
    assert not panel.more_settings_open() and shown_settings(panel) == ["rho", "eps"]


def test_editing_keeps_the_field_being_edited(qtbot, panel):
    panel.set_config(RunConfig(optimizer="momentum"))
    spin = panel._hyper.fields("momentum")[0]
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    panel.set_config(RunConfig(optimizer="momentum", hyper={"momentum": 0.95}))  # the echo
    assert panel._hyper.fields("momentum")[0] is spin and spin.hasFocus() and spin.value() == 0.95


def test_a_bad_number_in_a_hyperparameter_is_refused(qtbot, panel, emitted):
    panel.set_config(RunConfig(optimizer="adam"))
    eps = panel._hyper.fields("eps")[0]
    type_into(qtbot, eps, "-1")
    assert emitted == [] and is_invalid(eps)
    type_into(qtbot, eps, "1e-6")
    assert emitted == [{"hyper": {**optimizers.HYPERPARAMETERS["adam"], "eps": 1e-6}}]
    assert not is_invalid(eps) and eps.text() == "1e-6"


# --- learning rate ---

def test_typing_a_learning_rate_emits_it(qtbot, panel, emitted):
    type_into(qtbot, panel._lr.lineEdit(), "0.5")
    assert emitted == [{"lr": 0.5}]
    assert not is_invalid(panel._lr)


@pytest.mark.parametrize("text", ["abc", "-1", "0", "", "inf"])
def test_an_invalid_learning_rate_is_refused_and_marked(qtbot, panel, emitted, text):
    type_into(qtbot, panel._lr.lineEdit(), text)
    assert emitted == []
    assert is_invalid(panel._lr)
    assert "number" in panel._lr.toolTip()
    type_into(qtbot, panel._lr.lineEdit(), "0.1")
    assert emitted == [{"lr": 0.1}] and not is_invalid(panel._lr)


def test_picking_a_learning_rate_preset_emits_it(qtbot, panel, emitted):
    panel._lr.showPopup()
    view = panel._lr.view()
    qtbot.waitExposed(view)
    rect = view.visualRect(panel._lr.model().index(panel._lr.findText("0.3"), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert emitted == [{"lr": 0.3}]


# --- schedule ---

@pytest.mark.parametrize("name", schedules.NAMES[1:])
def test_schedule_switch_shows_its_settings(qtbot, panel, emitted, name):
    choose(qtbot, panel._schedule, name)
    assert emitted == [{"schedule": name, "schedule_settings": schedules.SETTINGS[name]}]
    assert panel._schedule_form.keys() == list(schedules.SETTINGS[name])
    shown = visible_labels(panel)
    for key in schedules.SETTINGS[name]:
        assert key in shown
    config = RunConfig().replace(**emitted[0])
    assert Run(config).step() is not None


def test_schedule_settings_emit_and_refuse_lr_min_above_lr(qtbot, panel, emitted):
    choose(qtbot, panel._schedule, "cosine")
    t_max = panel._schedule_form.fields("t_max")[0]
    assert isinstance(t_max, CountSpin)
    t_max.setFocus()
    t_max.lineEdit().selectAll()
    qtbot.keyClicks(t_max, "500")
    qtbot.keyClick(t_max, Qt.Key.Key_Return)
    assert emitted[-1] == {"schedule_settings": {"t_max": 500, "lr_min": 0.0}}
    lr_min = panel._schedule_form.fields("lr_min")[0]
    type_into(qtbot, lr_min, "0.5")  # above lr = 0.03
    assert len(emitted) == 2 and is_invalid(lr_min)
    assert panel._schedule_error.isVisible() and "lr_min" in panel._schedule_error.text()
    type_into(qtbot, lr_min, "0.001")
    assert emitted[-1] == {"schedule_settings": {"t_max": 500, "lr_min": 0.001}}
    assert not panel._schedule_error.isVisible()


def test_warmup_steps_emit(qtbot, panel, emitted):
    panel._warmup.setFocus()
    panel._warmup.lineEdit().selectAll()
    qtbot.keyClicks(panel._warmup, "100")
    assert emitted == []
    qtbot.keyClick(panel._warmup, Qt.Key.Key_Return)
    assert emitted == [{"warmup_steps": 100}]


# --- batch ---

def test_batch_slider_ends_are_stochastic_and_full_batch(qtbot, panel, emitted):
    slider = panel._batch._slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert emitted[-1] == {"batch_size": 0}
    assert panel._batch._info.text() == "all 250 per update · 1 update per epoch"
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert emitted[-1] == {"batch_size": 1}
    assert panel._batch._info.text() == "1 per update · 250 updates per epoch"
    RunConfig().replace(**emitted[0])


def test_batch_spin_takes_any_size(qtbot, panel, emitted):
    spin = panel._batch._spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "13")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert emitted == [{"batch_size": 13}]
    assert panel._batch._info.text() == "13 per update · 20 updates per epoch"
    assert panel._batch._slider.value() == panel._batch._steps.index(12)  # the nearest round size


def test_train_size_moves_the_full_batch_end_without_emitting(qtbot, panel):
    with qtbot.assertNotEmitted(panel.changed, wait=50):
        panel.set_train_size(4500)
    assert panel._batch._spin.maximum() == 4500
    assert panel._batch._info.text() == "10 per update · 450 updates per epoch"
    panel.set_config(RunConfig(batch_size=0))
    assert panel._batch._info.text().startswith("all 4500 per update")


# --- model & regularization ---

def test_loss_choices_follow_the_problem_kind(qtbot, panel, emitted):
    model = panel._loss.model()
    index = {panel._loss.itemData(i): i for i in range(panel._loss.count())}
    expect = {"binary": ({"auto", "squared", "cross_entropy"}, "tanh"),
              "multiclass": ({"auto", "cross_entropy"}, "softmax"),
              "regression": ({"auto", "squared"}, "linear")}
    for kind, (valid, output) in expect.items():
        panel.set_problem_kind(kind)
        enabled = {name for name, i in index.items() if model.item(i).isEnabled()}
        assert enabled == valid
        assert output in panel._loss.itemText(index["auto"])
    assert emitted == []  # "auto" stayed valid throughout
    panel.set_problem_kind("binary")
    choose(qtbot, panel._loss, "squared")
    assert emitted == [{"loss": "squared"}]
    panel.set_problem_kind("multiclass")  # squared cannot train 3 classes
    assert emitted[-1] == {"loss": "auto"}
    assert panel._loss.currentData() == "auto"


def test_disabled_loss_cannot_be_chosen(qtbot, panel, emitted):
    panel.set_problem_kind("regression")
    choose_index = panel._loss.findData("cross_entropy")
    panel._loss.showPopup()
    view = panel._loss.view()
    qtbot.waitExposed(view)
    rect = view.visualRect(panel._loss.model().index(choose_index, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    panel._loss.hidePopup()
    assert emitted == [] and panel._loss.currentData() == "auto"


@pytest.mark.parametrize("field,combo,value", [
    ("init", "_init", "xavier"), ("init", "_init", "zeros"),
    ("activation", "_activation", "relu"), ("regularization", "_regularization", "l1"),
])
def test_model_combos_emit_their_field(qtbot, panel, emitted, field, combo, value):
    choose(qtbot, getattr(panel, combo), value)
    assert emitted == [{field: value}]
    RunConfig().replace(**emitted[0])


def test_regularization_rate_is_enabled_with_a_penalty(qtbot, panel, emitted):
    assert not panel._reg_rate.isEnabled()
    choose(qtbot, panel._regularization, "l2")
    assert panel._reg_rate.isEnabled()
    type_into(qtbot, panel._reg_rate.lineEdit(), "-1")
    assert emitted == [{"regularization": "l2"}] and is_invalid(panel._reg_rate)
    type_into(qtbot, panel._reg_rate.lineEdit(), "0.003")
    assert emitted[-1] == {"reg_rate": 0.003}
    RunConfig().replace(regularization="l2", reg_rate=0.003)


def test_per_layer_activations_show_as_such(qtbot, panel, emitted):
    panel.set_config(RunConfig(activation=("tanh", "relu")))
    assert panel._activation.currentData() == hp._MIXED
    assert "per layer" in panel._activation.currentText()
    panel.set_config(RunConfig(activation=("relu", "relu")))
    assert panel._activation.currentData() == "relu"
    assert emitted == []


def test_seed_dice_and_typing(qtbot, panel, emitted):
    qtbot.mouseClick(panel._dice, Qt.MouseButton.LeftButton)
    (change,) = emitted
    assert set(change) == {"seed"} and change["seed"] != 1
    assert panel._seed.value() == change["seed"]
    panel._seed.setFocus()
    panel._seed.lineEdit().selectAll()
    qtbot.keyClicks(panel._seed, "42")
    qtbot.keyClick(panel._seed, Qt.Key.Key_Return)
    assert emitted[-1] == {"seed": 42}


# --- set_config ---

def test_set_config_shows_everything_without_emitting(qtbot, panel):
    config = RunConfig(optimizer="adam", lr=0.005, hyper={"betas": (0.8, 0.99), "amsgrad": True},
                       schedule="step", schedule_settings={"gamma": 0.25}, warmup_steps=7,
                       batch_size=0, loss="cross_entropy", init="he", activation="relu",
                       regularization="l1", reg_rate=0.01, seed=99)
    with qtbot.assertNotEmitted(panel.changed, wait=50):
        panel.set_config(config)
    assert panel._optimizer.currentData() == "adam"
    assert panel._lr.currentText() == "0.005"
    assert panel._hyper.values() == {**optimizers.HYPERPARAMETERS["adam"], "betas": (0.8, 0.99),
                                     "amsgrad": True}
    assert panel._schedule_form.values() == {"step_size": 1000, "gamma": 0.25}
    assert panel._warmup.value() == 7
    assert panel._batch._spin.value() == 250
    assert panel._loss.currentData() == "cross_entropy"
    assert panel._init.currentData() == "he"
    assert panel._regularization.currentData() == "l1" and panel._reg_rate.currentText() == "0.01"
    assert panel._seed.value() == 99
    assert RunConfig().replace(**panel.values()) == config.replace(
        hyper={**optimizers.HYPERPARAMETERS["adam"], **config.hyper_dict},
        schedule_settings={**schedules.SETTINGS["step"], **config.schedule_dict})


def test_all_field_rows_share_one_label_column(qtbot, panel):
    panel.set_config(RunConfig(optimizer="adagrad", schedule="inverse_time"))
    expand(qtbot, panel)
    panel.adjustSize()
    lefts = set()
    for form in panel._forms:
        for row in range(form.rowCount()):
            if form.itemAt(row, QFormLayout.ItemRole.SpanningRole) is not None:
                continue  # a whole-width row: a long setting name or an error message
            item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is not None and item.widget() is not None and item.widget().isVisible():
                lefts.add(item.widget().mapTo(panel, item.widget().rect().topLeft()).x())
    assert len(lefts) == 1
    assert "initial_accumulator_value" in visible_labels(panel)


@pytest.mark.parametrize("first", ["binary", "multiclass", "regression"])
def test_width_does_not_depend_on_the_problem_kind(qtbot, first):
    # whichever kind the window opens with, and whatever comes next: no reflow of the column
    widths = set()
    for kind in (first, "multiclass", "regression", "binary"):
        panel = hp.HyperPanel()
        qtbot.addWidget(panel)
        panel.set_problem_kind(first)
        panel.show()
        panel.set_problem_kind(kind)
        loss = panel._loss  # what a layout gives it: its hint, raised to its minimum
        widths.add((panel.sizeHint().width(), max(loss.sizeHint().width(), loss.minimumWidth())))
    assert len(widths) == 1


# --- lesson locks find the panel's widgets by name ---

LOCK_NAMES = {
    "optimizerGroup": QGroupBox, "lrCombo": QComboBox, "scheduleCombo": QComboBox,
    "warmupSpin": CountSpin, "batchGroup": QGroupBox, "lossCombo": QComboBox,
    "initCombo": QComboBox, "activationCombo": QComboBox, "regularizationRow": QWidget,
    "seedRow": QWidget,
}


@pytest.fixture
def host(qtbot):
    """A window holding the panel, as a lesson sees it (no controller: widgets only)."""
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(hp.HyperPanel())
    window.show()
    qtbot.waitExposed(window)
    return window


def test_every_lockable_widget_has_its_name(host):
    panel = host.centralWidget()
    for name, kind in LOCK_NAMES.items():
        found = host.findChildren(QWidget, name)
        assert len(found) == 1 and isinstance(found[0], kind), name
    for control in ("optimizer", "lr", "schedule", "batch_size", "loss", "init", "activation",
                    "regularization", "seed"):
        names = [n for n in WIDGET_NAMES[control] if not n.endswith("_*")]
        assert names and all(host.findChild(QWidget, n) is not None for n in names), control
    assert host.findChild(QWidget, "regularizationRow").isAncestorOf(panel._reg_rate)
    assert host.findChild(QWidget, "seedRow").isAncestorOf(panel._dice)


def _label_of(widget: QWidget) -> QWidget:
    form = widget.parentWidget().layout()
    for layout in [form, *(form.itemAt(i).layout() for i in range(form.count()))]:
        if isinstance(layout, QFormLayout) and layout.indexOf(widget) >= 0:
            return layout.labelForField(widget)
    raise AssertionError("not in a form")


def test_locking_each_control_disables_exactly_its_widgets(host):
    panel = host.centralWidget()
    for control, names in (("optimizer", ["optimizerGroup"]), ("lr", ["lrCombo"]),
                           ("batch_size", ["batchGroup"]), ("loss", ["lossCombo"]),
                           ("init", ["initCombo"]), ("activation", ["activationCombo"]),
                           ("regularization", ["regularizationRow"]), ("seed", ["seedRow"])):
        apply_lesson_locks(host, Lesson("L", "", locked=(control,)))
        for name in LOCK_NAMES:
            widget = host.findChild(QWidget, name)
            assert widget.isEnabled() == (name not in names), (control, name)
        assert host.findChild(QWidget, names[0]).toolTip() == "Locked by the lesson"
    apply_lesson_locks(host, None)
    assert all(host.findChild(QWidget, n).isEnabled() for n in LOCK_NAMES)
    assert panel._lr.toolTip().startswith("Size of each step")


def test_hidden_form_rows_take_their_labels_along(host):
    seed_row = host.findChild(QWidget, "seedRow")
    reg_row = host.findChild(QWidget, "regularizationRow")
    seed_label, reg_label = _label_of(seed_row), _label_of(reg_row)
    apply_lesson_locks(host, Lesson("L", "", hidden=("seed", "regularization", "optimizer")))
    assert not seed_row.isVisible() and not seed_label.isVisible()
    assert not reg_row.isVisible() and not reg_label.isVisible()
    assert not host.findChild(QWidget, "optimizerGroup").isVisible()
    assert host.findChild(QWidget, "lrCombo").isVisible()
    apply_lesson_locks(host, None)
    assert seed_row.isVisible() and seed_label.isVisible() and reg_label.isVisible()


def test_schedule_settings_follow_the_schedule_lock(host):
    panel = host.centralWidget()
    panel.set_config(RunConfig(schedule="step"))
    apply_lesson_locks(host, Lesson("L", "", locked=("schedule",)))
    fields = [f for key in panel._schedule_form.keys() for f in panel._schedule_form.fields(key)]
    assert fields and not any(f.isEnabled() for f in fields)
    assert not panel._warmup.isEnabled() and panel._lr.isEnabled()
    panel.set_config(RunConfig(schedule="cosine", lr=0.1))  # the window shows a new config
    fields = [f for key in panel._schedule_form.keys() for f in panel._schedule_form.fields(key)]
    assert panel._schedule_form.keys() == ["t_max", "lr_min"] and not any(f.isEnabled() for f in fields)
    apply_lesson_locks(host, Lesson("L", "", hidden=("schedule",)))
    shown = visible_labels(panel)
    assert not {"t_max", "lr_min", "warmup_steps", "&Schedule", "Schedule"} & set(shown)
    assert "Learning rate" in " ".join(shown).replace("&", "")
    apply_lesson_locks(host, None)
    fields = [f for key in panel._schedule_form.keys() for f in panel._schedule_form.fields(key)]
    assert all(f.isEnabled() and f.isVisible() for f in fields)
    assert {"t_max", "lr_min", "warmup_steps"} <= set(visible_labels(panel))


def test_more_settings_follows_the_optimizer_lock(qtbot, host):
    panel = host.centralWidget()
    apply_lesson_locks(host, Lesson("L", "", locked=("optimizer",)))
    assert not panel._more.isEnabled()
    apply_lesson_locks(host, Lesson("L", "", hidden=("optimizer",)))
    assert not panel._more.isVisible()
    apply_lesson_locks(host, None)
    assert panel._more.isEnabled() and panel._more.isVisible()
    qtbot.mouseClick(panel._more, Qt.MouseButton.LeftButton)
    assert panel._hyper.fields("weight_decay")[0].isVisible()


def test_optimizer_settings_built_in_a_locked_group_stay_locked(host):
    panel = host.centralWidget()
    apply_lesson_locks(host, Lesson("L", "", locked=("optimizer",)))
    panel.set_config(RunConfig(optimizer="adam"))
    fields = [f for key in panel._hyper.keys() for f in panel._hyper.fields(key)]
    assert len(fields) >= 3 and not any(f.isEnabled() for f in fields)
    apply_lesson_locks(host, None)
    assert all(f.isEnabled() for f in fields)
