"""`gdplayground train`: flags mirror RunConfig, --json prints one object, bad values exit 2."""
import json
import subprocess
import sys

import pytest

from gdplayground.cli import main

CMD = [sys.executable, "-m", "gdplayground", "train"]


def test_train_json(capsys):
    code = main(["train", "--dataset", "xor", "--points", "200", "--hidden", "4", "--features", "x1,x2,x1x2",
                 "--optimizer", "adam", "--epochs", "20", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["updates"] == 20 * 10 and out["epochs"] == 20 and out["diverged"] is None
    assert out["test_accuracy"] > 0.9


def test_train_steps_and_full_batch(capsys):
    main(["train", "--batch-size", "full", "--steps", "7", "--json", "--noise", "10%", "--train-ratio", "0.6"])
    assert json.loads(capsys.readouterr().out)["updates"] == 7


def test_hyperparameters_and_schedule_flags(capsys):
    code = main(["train", "--optimizer", "adam", "--hyper", "betas=0.8:0.99", "--hyper", "amsgrad=true",
                 "--schedule", "step", "--schedule-setting", "step_size=10", "--warmup-steps", "5",
                 "--steps", "20", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["updates"] == 20


@pytest.mark.parametrize("flags,words", [
    (["--lr", "abc"], "invalid float"),
    (["--lr", "-1"], "lr must be"),
    (["--dataset", "moon"], "invalid choice"),
    (["--hidden", "8,x"], "neurons per layer"),
    (["--features", "x1,x9"], "x9"),
    (["--points", "10"], "points"),
    (["--batch-size", "0"], "whole number"),
    (["--hyper", "momentum=fast"], "momentum"),
    (["--config", "/nonexistent/file.json"], "cannot read"),
])
def test_bad_values_exit_2_with_one_line(flags, words):
    proc = subprocess.run(CMD + flags, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], proc.stderr


def test_config_file_and_divergence_exit(tmp_path, capsys):
    from gdplayground import RunConfig
    from gdplayground.experiment import config_to_json

    path = tmp_path / "run.gdp.json"
    path.write_text(config_to_json(RunConfig(dataset="plane", hidden=(8, 8), activation="relu", lr=1000.0)))
    code = main(["train", "--config", str(path), "--epochs", "5", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and "diverged" in out["diverged"]
