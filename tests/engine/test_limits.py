"""The limits table: RunConfig, the file readers and the CSV reader refuse what lies outside it,
in one plain sentence, and accept its edges."""
from __future__ import annotations

import json

import numpy as np
import pytest

from gdplayground import RunConfig
from gdplayground.engine import datasets, limits
from gdplayground.engine.datasets import CsvError
from gdplayground.experiment import (
    ExperimentError, check_config, check_window, experiment_from_run, experiment_from_text, experiment_to_json,
    load_config,
)
from gdplayground.engine.run import Run


@pytest.mark.parametrize("changes,words", [
    ({"seed": 2**31}, "seed must be a whole number from 0 to 2,147,483,647, not 2147483648"),
    ({"seed": -1}, "seed must be a whole number from 0 to 2,147,483,647, not -1"),
    ({"data_seed": 2**40}, "data_seed must be a whole number from 0 to 2,147,483,647"),
    ({"warmup_steps": 10**7 + 1}, "warmup_steps must be a whole number from 0 to 10,000,000"),
    ({"points": 0}, "points must be a whole number from 50 to 5000, not 0"),
    ({"reg_rate": 1e308}, "reg_rate must be a number from 0 to 10, not 1e+308"),
    ({"lr": float("inf")}, "lr must be a number greater than 0"),
    ({"lr": 0.0}, "lr must be a number greater than 0"),
    ({"batch_size": 10**6}, "batch_size (0 means the full batch) must be a whole number from 0 to 100,000"),
    ({"hyper": {"momentum": 5.0}}, "optimizer setting momentum must be a number from 0 to 0.9999, not 5.0"),
    ({"optimizer": "adam", "hyper": {"betas": (0.9, 0.99999)}}, "optimizer setting betas must be a number from 0 to 0.9999"),
    ({"hyper": {"weight_decay": 1e308}}, "optimizer setting weight_decay must be a number from 0 to 10"),
    ({"schedule": "step", "schedule_settings": {"step_size": 10**8}}, "schedule setting step_size must be a whole number from 1 to 10,000,000"),
    ({"hidden": (100_000, 100_000)}, "hidden layer 1 must have 1 to 4,096 neurons (a wider one would not fit in memory)"),
    ({"hidden": (2000, 2000)}, "this network would have 4,010,001 weights and biases; the playground takes at most 2,000,000"),
])
def test_run_config_refuses_what_lies_outside_the_table(changes, words):
    with pytest.raises(ValueError) as caught:
        RunConfig(**changes)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_the_edges_of_the_table_are_accepted_and_build_a_run():
    edge = RunConfig(seed=limits.MAX_SEED, data_seed=limits.MAX_SEED, warmup_steps=limits.MAX_COUNT, reg_rate=10.0,
                     regularization="l2", optimizer="momentum", hyper={"momentum": 0.9999, "weight_decay": 10.0},
                     schedule="cosine", schedule_settings={"t_max": limits.MAX_COUNT})
    Run(edge).step()
    assert limits.network_problem(7, (512, 512, 512)) is None  # the engine builds wider than the window
    Run(RunConfig(hidden=(512, 512))).step()


def _file(**config) -> str:
    return json.dumps({"format": "gdplayground", "version": 1, "config": config})


@pytest.mark.parametrize("config,words", [
    ({"seed": 2**31}, "config: seed must be a whole number from 0 to 2,147,483,647"),
    ({"warmup_steps": 10**12}, "config: warmup_steps must be a whole number from 0 to 10,000,000"),
    ({"reg_rate": 1e308}, "config: reg_rate must be a number from 0 to 10"),
    ({"dataset": "moon"}, "config: unknown dataset 'moon'"),
])
def test_files_are_refused_with_the_field_and_the_limit(config, words):
    with pytest.raises(ExperimentError, match=words):
        experiment_from_text(_file(**config))


def test_a_config_that_parses_but_cannot_build_a_run_is_refused_by_check_config(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"optimizer": "adam", "hyper": {"momentum": 0.9}}))
    config = load_config(path)  # it parses
    with pytest.raises(ExperimentError, match="config: adam: unknown hyperparameter 'momentum'"):
        check_config(config)


def test_a_network_too_big_for_the_window_is_refused_with_the_builders_limits():
    big = experiment_from_text(_file(hidden=[128] * 64))  # valid for the engine and train
    with pytest.raises(ExperimentError) as caught:
        check_window(big.config)
    message = str(caught.value)
    assert "64 hidden layers of up to 128 neurons" in message and "at most 8 hidden layers of 32 neurons" in message
    check_window(RunConfig(hidden=(32,) * 8))
    with pytest.raises(ExperimentError, match="12 hidden layers of up to 4 neurons"):
        check_window(RunConfig(hidden=(4,) * 12))


def test_64_layers_of_256_neurons_is_refused_before_anything_is_built():
    with pytest.raises(ExperimentError, match="4,145,921 weights and biases; the playground takes at most 2,000,000"):
        experiment_from_text(_file(hidden=[256] * 64))


def test_csv_targets_beyond_the_limit_are_refused_with_the_line():
    rows = "x1,x2,target\n0,0,0.5\n1,1,-0.5\n2,2,1e308\n3,3,0.1\n"
    with pytest.raises(CsvError) as caught:
        datasets.parse_csv(rows)
    assert caught.value.line == 4
    assert "1e308 is outside the range [-1000, 1000]" in caught.value.reason
    x, y, kind = datasets.parse_csv(rows.replace("1e308", "-1000"))
    assert kind == "regression" and y.min() == -1000.0


def test_file_targets_beyond_the_limit_are_refused_with_the_point():
    run = Run(RunConfig(dataset="plane"))
    data = datasets.from_points(run.data.x_all, run.data.y_all, "regression")
    doc = json.loads(experiment_to_json(experiment_from_run(Run(RunConfig(dataset="custom"), data), weights=False)))
    doc["data"]["train"][3][2] = -1e308
    with pytest.raises(ExperimentError, match=r"data.train\[3\]: the target -1e\+308 is outside the range \[-1000, 1000\]"):
        experiment_from_text(json.dumps(doc))
    with pytest.raises(ValueError, match="targets must lie within the range"):
        datasets.from_points(np.zeros((4, 2)), np.array([0.0, 1.0, 2.0, 5000.0]), "regression")


def _adam_file(amsgrad: bool = False) -> dict:
    run = Run(RunConfig(optimizer="adam", lr=0.01, hyper={"amsgrad": amsgrad}))
    run.train(steps=5)
    return json.loads(experiment_to_json(experiment_from_run(run)))


def test_a_negative_adam_variance_is_refused():
    doc = _adam_file()
    experiment_from_text(json.dumps(doc))  # as saved: fine
    doc["optimizer_state"]["exp_avg_sq"]["theta"][2] = -0.5
    with pytest.raises(ExperimentError, match=r"optimizer_state.exp_avg_sq.theta\[2\]: -0.5 is negative"):
        experiment_from_text(json.dumps(doc))


def test_an_amsgrad_maximum_below_its_average_is_refused():
    doc = _adam_file(amsgrad=True)
    experiment_from_text(json.dumps(doc))
    state = doc["optimizer_state"]
    state["max_exp_avg_sq"]["theta"][0] = state["exp_avg_sq"]["theta"][0] / 2
    with pytest.raises(ExperimentError, match=r"max_exp_avg_sq.theta\[0\]: .* is below exp_avg_sq"):
        experiment_from_text(json.dumps(doc))


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_optimizer_state_is_refused(text):
    doc = _adam_file()
    raw = json.dumps(doc).replace('"exp_avg": {"theta": [', f'"exp_avg": {{"theta": [{text}, ', 1)
    doc2 = json.loads(raw)
    doc2["optimizer_state"]["exp_avg"]["theta"].pop()  # keep the length
    with pytest.raises(ExperimentError, match="expected a finite number"):
        experiment_from_text(json.dumps(doc2))


def test_an_adagrad_sum_below_its_start_is_refused():
    run = Run(RunConfig(optimizer="adagrad", lr=0.1, hyper={"initial_accumulator_value": 0.5}))
    run.train(steps=3)
    doc = json.loads(experiment_to_json(experiment_from_run(run)))
    experiment_from_text(json.dumps(doc))
    doc["optimizer_state"]["sum"]["theta"][1] = 0.25
    with pytest.raises(ExperimentError, match=r"optimizer_state.sum.theta\[1\]: 0.25 is below initial_accumulator_value \(0.5\)"):
        experiment_from_text(json.dumps(doc))
