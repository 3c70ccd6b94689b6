"""Experiment files: save -> open gives the same run to the last bit, refusals name the field and
the reason, saving is atomic, old versions keep opening."""
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.engine import datasets, optimizers
from gdplayground.experiment import (
    Experiment, ExperimentError, Lesson, build_run, config_to_json, experiment_from_run, experiment_from_text,
    experiment_to_json, load_config, load_experiment, save_experiment, write_experiment,
)
from gdplayground.experiment import atomic_write, migrations

V1_FILE = Path(__file__).parent / "data" / "experiment_v1.gdp.json"


def _saved_and_opened(tmp_path, run: Run, **kw) -> Run:
    path = tmp_path / "run.gdp.json"
    write_experiment(path, experiment_from_run(run, **kw))
    return build_run(load_experiment(path))


@pytest.mark.parametrize("optimizer", optimizers.NAMES)
def test_train_save_open_train_equals_training_straight(tmp_path, optimizer):
    config = RunConfig(dataset="spiral", points=200, hidden=(5, 3), optimizer=optimizer,
                       lr=optimizers.DEFAULT_LR[optimizer], batch_size=7, schedule="exponential",
                       schedule_settings={"gamma": 0.99}, regularization="l2", reg_rate=0.001)
    straight = Run(config)
    straight.train(steps=100)
    first = Run(config)
    first.train(steps=50)
    opened = _saved_and_opened(tmp_path, first)
    assert np.array_equal(opened.theta, first.theta)
    assert (opened.step_count, opened.epoch, opened.state.pos) == (50, first.epoch, first.state.pos)
    opened.train(steps=50)
    assert np.array_equal(opened.theta, straight.theta)
    assert np.array_equal(opened.history.losses.view(), straight.history.losses.view()[50:])


def test_optimizer_state_is_restored_field_by_field(tmp_path):
    run = Run(RunConfig(optimizer="adam", lr=0.01, hyper={"amsgrad": True}))
    run.train(steps=30)
    opened = _saved_and_opened(tmp_path, run)
    a, b = run.opt_state, opened.opt_state
    assert type(a) is type(b) and a.step == b.step == 30
    for name in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert np.array_equal(getattr(a, name)["theta"], getattr(b, name)["theta"])
        assert not getattr(b, name)["theta"].flags.writeable


def test_without_weights_the_run_starts_again(tmp_path):
    run = Run(RunConfig(dataset="xor"))
    run.train(steps=20)
    opened = _saved_and_opened(tmp_path, run, weights=False)
    assert opened.step_count == 0
    assert np.array_equal(opened.theta, Run(RunConfig(dataset="xor")).theta)


@pytest.mark.parametrize("kind,labels", [("binary", [-1.0, 1.0]), ("multiclass", [0, 1, 2]), ("regression", None)])
def test_custom_points_round_trip_bit_for_bit(tmp_path, kind, labels):
    rng = np.random.default_rng(5)
    x = rng.uniform(-6, 6, (301, 2))
    y = rng.normal(size=301) if labels is None else rng.choice(labels, 301)
    data = datasets.from_points(x, y, kind, 0.7, 9)
    run = Run(RunConfig(dataset="custom", data_seed=9, train_ratio=0.7), data)
    run.train(steps=10)
    opened = _saved_and_opened(tmp_path, run)
    for name in ("x_train", "y_train", "x_test", "y_test"):
        a, b = getattr(data, name), getattr(opened.data, name)
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert opened.data.kind == kind
    assert np.array_equal(opened.theta, run.theta)


def test_lesson_title_and_description_round_trip():
    lesson = Lesson("Hidden layers", "Turn **on** a hidden layer.\n\n- then press Play", ("features",), ("lr", "optimizer"))
    exp = Experiment(RunConfig(), lesson=lesson, title="XOR ✓", description="Why a line cannot split XOR.")
    back = experiment_from_text(experiment_to_json(exp))
    assert back.lesson == lesson and back.title == "XOR ✓" and back.description == exp.description


def test_save_experiment_with_params(tmp_path):
    run = Run(RunConfig())
    run.train(steps=5)
    path = tmp_path / "p.gdp.json"
    save_experiment(path, run.config, params=run.params, step=run.step_count)
    exp = load_experiment(path)
    assert exp.updates == 5 and np.array_equal(build_run(exp).theta, run.theta)


def test_floats_are_written_so_they_read_back_exactly():
    values = [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, 2.0**-1074 * 3]
    exp = Experiment(RunConfig(hidden=()), weights={"W1": np.array([values[:3], values[3:]]).T, "b1": np.array([0.0])})
    back = experiment_from_text(experiment_to_json(exp), check=False)
    assert np.array_equal(back.weights["W1"], exp.weights["W1"])
    assert np.signbit(back.weights["W1"][2, 0])


def test_config_files_and_bare_configs_still_open(tmp_path):
    config = RunConfig(dataset="moons", hidden=(3,), optimizer="rmsprop", lr=0.02)
    path = tmp_path / "c.json"
    path.write_text(config_to_json(config))
    assert load_experiment(path).config == config
    path.write_text(json.dumps({"dataset": "gauss", "lr": 0.5}))
    assert load_experiment(path).config == RunConfig(dataset="gauss", lr=0.5)
    assert load_config(V1_FILE).optimizer == "momentum"


def test_a_frozen_version_1_file_opens_with_its_numbers():
    exp = load_experiment(V1_FILE)
    run = build_run(exp)
    assert run.params["W1"].tolist() == [[0.5, -0.25], [0.125, 0.75]]
    assert run.params["b2"].tolist() == [0.0]
    assert (run.step_count, run.epoch, run.state.pos) == (3, 1, 2)
    assert run.opt_state.step == 3 and run.opt_state.momentum_buffer["theta"][6] == -0.1
    assert run.data.x_train.tolist()[2] == [2.25, -0.5] and run.data.y_test.tolist() == [1.0, -1.0]
    assert exp.lesson.locked == ("dataset", "features") and exp.lesson.hidden == ("optimizer",)
    assert run.train(steps=4) == 4 and run.step_count == 7


def test_a_version_1_file_opens_after_the_version_is_bumped(monkeypatch):
    def rename_description(doc):
        doc["summary"] = doc.pop("description", "")  # what a version-2 reader would expect
        return doc

    seen = {}

    def upgraded(doc):
        doc = migrations_real_upgrade(doc)
        seen.update(doc)
        doc["description"] = doc.pop("summary")  # the v2 reader maps it back to its own model
        return doc

    migrations_real_upgrade = migrations.upgrade
    monkeypatch.setattr(migrations, "VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: rename_description})
    monkeypatch.setattr("gdplayground.experiment.document.upgrade", upgraded)
    exp = load_experiment(V1_FILE)
    assert seen["version"] == 2 and "summary" in seen
    assert exp.description.startswith("Written by hand")
    assert np.array_equal(build_run(exp).params["W2"], [[1.0], [-0.5]])


def test_a_version_without_its_migration_is_refused(monkeypatch):
    monkeypatch.setattr(migrations, "VERSION", 3)
    monkeypatch.setattr(migrations, "MIGRATIONS", {2: lambda d: d})
    with pytest.raises(ExperimentError, match="version: files of version 1 can no longer be read"):
        load_experiment(V1_FILE)


# -- refusals ----------------------------------------------------------------------------------------
def _valid() -> dict:
    return json.loads(V1_FILE.read_text())


def _with(path: str, value):
    def change(doc):
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is KeyError:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return doc
    return change


DELETE = KeyError


@pytest.mark.parametrize("change,words", [
    (_with("format", "other"), "format: expected 'gdplayground'"),
    (_with("version", 2), "version: this file is version 2, written by a newer"),
    (_with("version", "1"), "version: expected a whole number"),
    (_with("config", DELETE), "config: missing"),
    (_with("config.lr", "fast"), "config.lr: expected a finite number"),
    (_with("config.hidden", [2, 100000]), "config: hidden layer 2 must have 1 to 4,096 neurons (a wider one would not fit in memory), not 100000"),
    (_with("config.optimizer", "sgdx"), "config: unknown optimizer 'sgdx'"),
    (_with("config.dataset", "spiral"), 'data: points are given but config.dataset is \'spiral\''),
    (_with("data", None), 'data: missing; config.dataset "custom" needs the points'),
    (_with("data.kind", "ternary"), "data.kind: expected binary, multiclass or regression"),
    (_with("data.train.1", [1.0, 2.0]), "data.train[1]: expected 3 numbers, got 2"),
    (_with("data.train.2.0", "1.5"), "data.train[2]: expected a number, got '1.5'"),
    (_with("data.train.2.0", 7.5), "data.train[2]: the point [7.5, -0.5] is outside the input range"),
    (_with("data.test.0.2", 0), "data.test[0]: binary labels must be [-1, 1], got 0"),
    (_with("data.train.0.1", True), "data.train[0]: expected a number, got True"),
    (_with("data.colour", 1), "data: unknown field 'colour'"),
    (_with("weights.W1", [[0.5, -0.25]]), "weights.W1: expected shape (2, 2) for this network, got (1, 2)"),
    (_with("weights.W1", [[0.5, -0.25], [0.1]]), "weights.W1[1]: expected 2 numbers, got 1"),
    (_with("weights.b2", DELETE), "weights.b2: missing"),
    (_with("weights.W9", [[1.0]]), "weights.W9: this network has only W1, b1, W2, b2"),
    (_with("weights.x", [1.0]), "weights.x: not a weight"),
    (_with("weights.b1.0", 1e400), "weights.b1[0]: expected a finite number, got inf"),
    (_with("weights", None), "updates: given without weights"),
    (_with("updates", -1), "updates: expected a whole number from 0"),
    (_with("epoch", 1.5), "epoch: expected a whole number"),
    (_with("position", 4), "position: 4 is past the end of the 4 training points"),
    (_with("optimizer_state.type", "AdamState"), "optimizer_state.type: 'AdamState' does not belong to the momentum optimizer (SGDState)"),
    (_with("optimizer_state.momentum_buffer", {"theta": [1.0]}), "optimizer_state.momentum_buffer.theta: expected 9 numbers, got 1"),
    (_with("optimizer_state.exp_avg", None), "optimizer_state.exp_avg: not part of SGDState"),
    (_with("optimizer_state.step", None), "optimizer_state.step: expected a whole number"),
    (_with("lesson.locked", ["everything"]), "lesson.locked: unknown control 'everything'"),
    (_with("lesson.instructions", 5), "lesson.instructions: expected text, got 5"),
    (_with("lesson.instructions", "x" * 20001), "lesson.instructions: longer than 20000 characters"),
    (_with("lesson.colour", "red"), "lesson: unknown field 'colour'"),
    (_with("title", ["a"]), "title: expected text"),
    (_with("script", "import os"), "script: unknown field"),
])
def test_refusals_name_the_field_and_the_reason(change, words):
    text = json.dumps(change(_valid()))
    with pytest.raises(ExperimentError) as info:
        experiment_from_text(text)
    assert words in str(info.value)


@pytest.mark.parametrize("text,words", [
    ('{"format": "gdplayground", "version": 1, "config": {}, "config": {}}', "'config' appears twice"),
    ('{"format": "gdplayground", "version": 1, "config": {"seed": 1' + "0" * 5000 + "}}", "not usable JSON"),
    ("[" * 100000, "nested too deeply"),
    ('{"format": "gdplayground", "version": 1, "config": {"lr": NaN}}', "config.lr: expected a finite number, got nan"),
    ("", "line 1: not valid JSON"),
    ('"just text"', "file: expected a JSON object"),
])
def test_refusals_of_malformed_json(text, words):
    with pytest.raises(ExperimentError) as info:
        experiment_from_text(text)
    assert words in str(info.value)


def test_too_many_points_are_refused():
    doc = _valid()
    doc["data"]["train"] = [[0.0, 0.0, 1]] * 100_001
    with pytest.raises(ExperimentError, match="data.train: more than 100000 points"):
        experiment_from_text(json.dumps(doc))


def test_files_that_are_too_big_truncated_or_not_text_are_refused(tmp_path):
    big = tmp_path / "big.gdp.json"
    big.write_bytes(b" " * (20 * 2**20 + 1))
    with pytest.raises(ExperimentError, match="larger than 20 MB"):
        load_experiment(big)
    cut = tmp_path / "cut.gdp.json"
    text = V1_FILE.read_text()
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(ExperimentError, match=r"line \d+: not valid JSON"):
        load_experiment(cut)
    binary = tmp_path / "bin.gdp.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ExperimentError, match="not a UTF-8 text file"):
        load_experiment(binary)
    with pytest.raises(ExperimentError, match="cannot read it"):
        load_experiment(tmp_path / "missing.gdp.json")


def test_messages_stay_short():
    doc = _valid()
    doc["config"]["activation"] = ["tanh"] * 5000
    with pytest.raises(ExperimentError) as info:
        experiment_from_text(json.dumps(doc))
    assert len(str(info.value)) <= 301


# -- atomic saving --------------------------------------------------------------------------------
def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "keep.gdp.json"
    write_experiment(path, Experiment(RunConfig(dataset="xor")))
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class Failing:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])  # half the bytes reach the disk, then it fails
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    run = Run(RunConfig(dataset="spiral"))
    with pytest.raises(OSError, match="No space left"):
        write_experiment(path, experiment_from_run(run))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.gdp.json"]  # no temporary file left


def test_a_failed_rename_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "keep.gdp.json"
    write_experiment(path, Experiment(RunConfig(dataset="xor")))
    before = path.read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_write.os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_experiment(path, Experiment(RunConfig(dataset="gauss")))
    assert path.read_bytes() == before
    assert len(list(tmp_path.iterdir())) == 1


def test_nothing_unsavable_reaches_the_disk(tmp_path):
    path = tmp_path / "x.gdp.json"
    bad = Experiment(RunConfig(hidden=()), weights={"W1": np.array([[np.nan], [0.0]]), "b1": np.zeros(1)})
    with pytest.raises(ExperimentError, match="cannot save"):
        write_experiment(path, bad)
    assert not path.exists() and not list(tmp_path.iterdir())


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and links")
def test_saving_keeps_permissions_and_writes_through_links(tmp_path):
    real = tmp_path / "real.gdp.json"
    write_experiment(real, Experiment(RunConfig()))
    os.chmod(real, 0o640)
    link = tmp_path / "link.gdp.json"
    link.symlink_to(real)
    write_experiment(link, Experiment(RunConfig(dataset="moons")))
    assert link.is_symlink() and load_experiment(real).config.dataset == "moons"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
