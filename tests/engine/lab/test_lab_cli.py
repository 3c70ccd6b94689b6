"""The lab's headless commands: their JSON, equality with `gdplayground train`, and exit 2."""
import json
import subprocess
import sys

import numpy as np
import pytest

from gdplayground.cli import main
from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab.surface_paths import optimizer_path
from gdplayground.engine.lab.surfaces import get
from gdplayground.engine.run import Run


def _json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1])


def test_surface_path_has_n_plus_one_points_and_is_the_engines(capsys):
    code, out = _json(capsys, ["surface", "--surface", "himmelblau", "--optimizer", "nesterov", "--lr", "0.005",
                               "--steps", "40", "--start=-1,0.5", "--hyper", "momentum=0.8", "--json"])
    assert code == 0 and len(out["path"]) == 41 and out["path"][0] == [-1.0, 0.5]
    expected = optimizer_path(get("himmelblau"), "nesterov", 0.005, 40, (-1.0, 0.5), {"momentum": 0.8})
    np.testing.assert_array_equal(out["path"], expected.points[:, 0])
    assert out["loss_evaluations"] == 40 and out["diverged"] is None


def test_surface_cg_and_es(capsys):
    _, cg = _json(capsys, ["surface", "--surface", "bowl", "--optimizer", "cg", "--steps", "2", "--start=3,-1", "--json"])
    assert len(cg["path"]) == 3 and np.abs(cg["path"][-1]).max() < 1e-12
    _, es = _json(capsys, ["surface", "--surface", "bowl", "--optimizer", "es", "--lr", "0.3", "--steps", "5",
                           "--hyper", "population=6", "--hyper", "seed=2", "--json"])
    assert len(es["path"]) == 6 and es["gradient_evaluations"] == 0 and es["loss_evaluations"] == 5 * 7


def test_surface_divergence_exits_1_with_the_finite_part(capsys):
    code, out = _json(capsys, ["surface", "--optimizer", "gd", "--lr", "0.5", "--steps", "1000", "--json"])
    assert code == 1 and "too large" in out["diverged"] and 2 < len(out["path"]) < 1001


TRAIN = ["--dataset", "moons", "--hidden", "5", "--points", "200", "--batch-size", "16", "--seed", "4"]


def test_race_racers_equal_train_runs(capsys):
    code, out = _json(capsys, ["race", *TRAIN, "--optimizers", "gd,momentum,adam,rmsprop", "--lrs", "0.1,0.05,0.01,0.01",
                               "--hyper", "momentum=0.8", "--epochs", "6", "--json"])
    assert code == 0 and [r["optimizer"] for r in out["runs"]] == ["gd", "momentum", "adam", "rmsprop"]
    for racer in out["runs"]:
        argv = ["train", *TRAIN, "--optimizer", racer["optimizer"], "--lr", str(racer["lr"]), "--epochs", "6", "--json"]
        if racer["optimizer"] in ("gd", "momentum", "rmsprop"):
            argv += ["--hyper", "momentum=0.8"]
        _, alone = _json(capsys, argv)
        assert racer["updates"] == alone["updates"] == len(racer["losses"])
        for key in ("train_loss", "test_loss", "train_accuracy", "test_accuracy"):
            assert racer[key] == pytest.approx(alone[key], abs=1e-12)
    run = Run(RunConfig(dataset="moons", hidden=(5,), points=200, batch_size=16, seed=4, optimizer="adam", lr=0.01))
    losses = []
    run.train(epochs=6, on_step=lambda rec: losses.append(rec.loss))
    np.testing.assert_allclose(out["runs"][2]["losses"], losses, rtol=0, atol=1e-12)


def test_race_can_tune_each_rate_first(capsys):
    code, out = _json(capsys, ["race", *TRAIN, "--optimizers", "gd,adam", "--tune-lr", "--steps", "20", "--json"])
    assert code == 0
    for racer in out["runs"]:
        tuned = racer["tuned"]
        assert racer["lr"] == tuned["lr"] == min(tuned["steepest_lr"], tuned["minimum_lr"] / 10)


def test_lr_find_json(capsys):
    code, out = _json(capsys, ["lr-find", "--dataset", "plane", "--hidden", "none", "--batch-size", "full", "--steps", "120", "--json"])
    assert code == 0 and len(out["lrs"]) == len(out["losses"]) == len(out["raw_losses"]) <= 120
    assert out["lrs"][0] == pytest.approx(1e-5) and 1e-4 < out["suggested_lr"] < 0.2 and "passed 4×" in out["stopped"]


def test_phase_map_cells_equal_train_runs(capsys):
    code, out = _json(capsys, ["phase-map", *TRAIN, "--lr", "0.01:10:3", "--momentum", "0:0.9:2", "--steps", "30", "--json"])
    assert code == 0 and len(out["cells"]) == 6
    assert [c["lr"] for c in out["cells"][:3]] == pytest.approx([0.01, 0.31622776601683794, 10.0])
    for cell in out["cells"]:
        _, alone = _json(capsys, ["train", *TRAIN, "--optimizer", "momentum", "--lr", repr(cell["lr"]),
                                  "--hyper", f"momentum={cell['momentum']!r}", "--steps", "30", "--json"])
        assert cell["final_loss"] == pytest.approx(alone["train_loss"], abs=1e-12)


def test_phase_map_on_the_bowl(capsys):
    _, out = _json(capsys, ["phase-map", "--surface", "bowl", "--lr", "0.1:0.3:2", "--momentum", "0:0:1", "--steps", "200", "--json"])
    assert [c["diverged"] for c in out["cells"]] == [False, True]


@pytest.mark.parametrize("argv,words", [
    (["surface", "--surface", "volcano"], "invalid choice"),
    (["surface", "--start=1"], "X,Y"),
    (["surface", "--lr", "-1"], "learning rate"),
    (["surface", "--optimizer", "es", "--hyper", "population=3"], "even"),
    (["surface", "--optimizer", "cg", "--hyper", "momentum=0.9"], "no hyperparameters"),
    (["race", "--optimizers", "gd,adamx"], "adamx"),
    (["race", "--optimizers", "gd,adam", "--lrs", "0.1"], "2 optimizers"),
    (["race", "--optimizers", "gd,adam", "--hyper", "rho=0.5"], "rho"),
    (["race"], "--optimizers"),
    (["race", "--optimizers", "gd", "--steps", "-3", "--tune-lr"], "--steps"),
    (["lr-find", "--min-lr", "1", "--max-lr", "0.1"], "lowest rate"),
    (["lr-find", "--points", "10"], "points"),
    (["phase-map", "--lr", "1:x"], "LO:HI:N"),
    (["phase-map", "--lr", "0:1:3"], "> 0"),
    (["phase-map", "--steps", "0"], "≥ 1"),
    (["lr-find", "--steps", "x"], "whole number"),
    (["phase-map", "--optimizer", "adam"], "momentum"),
    (["phase-map", "--optimizer", "nesterov", "--momentum", "0:0.9:2"], "nesterov"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and words in err and len(err.splitlines()) == 1


def test_running_out_of_memory_is_one_line_and_exit_2(capsys, monkeypatch):
    from gdplayground.engine.lab import many_runs

    def too_big(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(many_runs.ManyRuns, "train", too_big)
    assert main(["phase-map", "--steps", "3"]) == 2
    err = capsys.readouterr().err.strip()
    assert "out of memory" in err and len(err.splitlines()) == 1


def test_a_subprocess_prints_one_json_line():
    proc = subprocess.run([sys.executable, "-m", "gdplayground", "race", "--optimizers", "gd,adam", "--steps", "3", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and len(proc.stdout.strip().splitlines()) == 1
    assert len(json.loads(proc.stdout)["runs"]) == 2
