"""Every shipped preset opens and trains, and what its explanation claims is true."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from gdplayground import Run
from gdplayground.experiment import build_run, list_presets, load_experiment

FOLDER = Path(__file__).resolve().parents[2] / "resources" / "presets"
FILES = sorted(FOLDER.glob("*.gdp.json"))


def trained(name: str, steps: int) -> Run:
    run = build_run(load_experiment(FOLDER / f"{name}.gdp.json"))
    run.train(steps=steps)
    return run


def accuracy(run: Run) -> float:
    return run.evaluate()["train_accuracy"]


def loss(run: Run) -> float:
    return run.evaluate()["train_loss"]


def test_the_gallery_lists_every_file_with_its_explanation():
    presets = list_presets(FOLDER)
    assert len(presets) == len(FILES) >= 18
    for p in presets:
        assert p.topic and len(p.description) > 200, p.path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_preset_opens_and_trains_100_updates(path):
    exp = load_experiment(path)
    assert exp.title and exp.description and exp.weights is None
    run = build_run(exp)
    assert run.train(steps=100) == 100 and run.diverged is None


def test_learning_rate_too_small_barely_moves_in_500_updates():
    run = trained("01-learning-rate-too-small", 0)
    start = loss(run)
    run.train(steps=500)
    assert abs(loss(run) - start) < 0.02 * start
    assert accuracy(run) < 0.7


def test_learning_rate_just_right_learns_the_circle():
    run = trained("02-learning-rate-just-right", 300)
    assert accuracy(run) >= 0.97


def test_learning_rate_too_big_jumps_around_and_stays_poor():
    run = trained("03-learning-rate-too-big", 500)
    losses = run.history.losses.view()
    assert run.diverged is not None or (accuracy(run) < 0.75 and (np.diff(losses[-100:]) > 0).mean() > 0.3)
    assert np.abs(run.theta).max() > 10  # weights grew: saturated neurons


def test_xor_without_a_hidden_layer_stays_near_chance_and_with_one_learns():
    run = trained("04-xor-no-hidden-layer", 0)
    for _ in range(5):
        run.train(steps=200)
        assert 0.25 <= accuracy(run) <= 0.75
    with_x1x2 = Run(run.config.replace(features=("x1", "x2", "x1x2")))
    with_x1x2.train(steps=1000)
    assert accuracy(with_x1x2) > 0.95
    assert accuracy(trained("05-xor-one-hidden-layer", 1000)) > 0.95


def test_spiral_needs_depth_or_features():
    shallow = accuracy(trained("06-spiral-one-hidden-layer", 3000))
    assert shallow < 0.75
    assert accuracy(trained("08-spiral-more-features", 3000)) > shallow + 0.15


def test_deep_spiral_does_far_better_than_one_layer_from_most_starts():
    """Training is chaotic: a last-bit difference (another CPU's sin or tanh) sends a run down
    another path, and from some starts the deep network stalls (its text says so). The claim is
    about the settings, so it is checked over several starts."""
    deep, shallow = (load_experiment(FOLDER / f"{name}.gdp.json").config
                     for name in ("07-spiral-four-hidden-layers", "06-spiral-one-hidden-layer"))
    deep_acc, shallow_acc = [], []
    for seed in range(1, 7):
        for config, found in ((deep, deep_acc), (shallow, shallow_acc)):
            run = Run(dataclasses.replace(config, seed=seed))
            run.train(steps=6000)
            found.append(accuracy(run))
    assert np.mean(deep_acc) > 0.9 and np.median(deep_acc) > 0.95
    assert max(shallow_acc) < 0.8 and np.mean(deep_acc) > np.mean(shallow_acc) + 0.2


def test_momentum_beats_plain_gd_from_the_same_start():
    plain, heavy = build_run(load_experiment(FOLDER / "09-momentum-plain-gd.gdp.json")), build_run(load_experiment(FOLDER / "10-momentum-heavy-ball.gdp.json"))
    assert np.array_equal(plain.theta, heavy.theta)
    plain.train(steps=300)
    heavy.train(steps=300)
    assert accuracy(plain) < 0.8 and accuracy(heavy) > 0.97 and loss(heavy) < loss(plain) / 10


def test_adam_beats_plain_gd_from_the_same_start():
    gd, adam = build_run(load_experiment(FOLDER / "11-adam-plain-gd.gdp.json")), build_run(load_experiment(FOLDER / "12-adam.gdp.json"))
    assert np.array_equal(gd.theta, adam.theta)
    gd.train(steps=300)
    adam.train(steps=300)
    assert loss(adam) < 0.8 * loss(gd)


def test_smaller_batches_make_a_noisier_loss_curve():
    runs = {name: trained(name, 500) for name in ("13-batch-full", "14-batch-mini", "15-batch-stochastic")}
    full, mini, one = (runs[n].history.losses.view() for n in runs)
    assert not (np.diff(full) > 0).any()  # the exact gradient, a small enough step: never up
    assert 0.2 < (np.diff(mini) > 0).mean()
    assert np.std(one[-200:]) > 5 * np.std(mini[-200:])
    assert accuracy(runs["14-batch-mini"]) > 0.97 and accuracy(runs["15-batch-stochastic"]) < 0.9
    assert runs["13-batch-full"].epoch == 500 and runs["14-batch-mini"].epoch == 20


def test_l1_zeroes_the_useless_features_and_l2_only_shrinks_them():
    l1, l2 = trained("16-regularization-l1", 2000), trained("17-regularization-l2", 2000)
    features = l1.config.features
    useful = [features.index("x1sq"), features.index("x2sq")]
    useless = [i for i in range(len(features)) if i not in useful]
    l1_out = np.abs(l1.params["W1"]).sum(axis=1)  # how strongly each feature feeds the layer
    l2_out = np.abs(l2.params["W1"]).sum(axis=1)
    assert (l1_out[useless] < 0.02).all() and (l1_out[useful] > 0.1).all()
    assert (l2_out[useless] > 0.2).all()
    assert accuracy(l1) > 0.97 and accuracy(l2) > 0.97


def test_the_sample_lesson_leaves_only_the_learning_rate_free():
    exp = load_experiment(FOLDER / "18-lesson-find-the-learning-rate.gdp.json")
    free = {"lr"}
    from gdplayground.experiment import CONTROLS
    assert set(exp.lesson.locked) == set(CONTROLS) - free and exp.config.lr == 3.0
    assert "learning rate" in exp.lesson.instructions
