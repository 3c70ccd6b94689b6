"""The command line says what is wrong in one line and exits 2, for `train` and for the window's
--config and --screenshot alike; --version; no display is reported before Qt can abort."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gdplayground
from gdplayground.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _one_line_exit_2(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("flags,words", [
    (["--hidden", "100000,100000", "--steps", "1"], "hidden layer 1 must have 1 to 4,096 neurons (a wider one would not fit in memory)"),
    (["--hidden", "2000,2000", "--steps", "1"], "4,010,001 weights and biases; the playground takes at most 2,000,000"),
    (["--epochs", "0"], "argument --epochs: expected a whole number ≥ 1, not '0': nothing would be trained"),
    (["--steps", "0"], "argument --steps: expected a whole number ≥ 1, not '0'"),
    (["--steps", "-5"], "argument --steps: expected a whole number ≥ 1"),
    (["--reg-rate", "1e308"], "reg_rate must be a number from 0 to 10, not 1e+308"),
    (["--seed", "-1"], "seed must be a whole number from 0 to 2,147,483,647, not -1"),
    (["--seed", str(2**31)], "seed must be a whole number from 0 to 2,147,483,647"),
    (["--warmup-steps", "100000000"], "warmup_steps must be a whole number from 0 to 10,000,000"),
    (["--hyper", "momentum=5"], "optimizer setting momentum must be a number from 0 to 0.9999"),
])
def test_train_refuses_in_one_line(capsys, flags, words):
    line = _one_line_exit_2(capsys, ["train", *flags])
    assert line.startswith("gdplayground train: error: ") and words in line


BAD_CONFIGS = [
    ({"dataset": "moon"}, "unknown dataset 'moon'"),
    ({"points": 0}, "points must be a whole number from 50 to 5000, not 0"),
    ({"optimizer": "adam", "hyper": {"momentum": 0.9}}, "adam: unknown hyperparameter 'momentum'"),
    ({"schedule": "step", "schedule_settings": {"gamma": 2}}, "schedule setting gamma must be a number from 0.0001 to 1"),
    ({"schedule": "warp"}, "unknown schedule 'warp'"),
    ({"seed": -1}, "seed must be a whole number from 0 to 2,147,483,647, not -1"),
    ({"seed": 2**31}, "seed must be a whole number from 0 to 2,147,483,647, not 2147483648"),
    ({"warmup_steps": 10**9}, "warmup_steps must be a whole number from 0 to 10,000,000"),
    ({"hidden": [16] * 9}, "the window shows at most 8 hidden layers of 32 neurons"),
]


@pytest.mark.parametrize("config,words", BAD_CONFIGS)
@pytest.mark.parametrize("mode", [[], ["--screenshot", "out.png"]], ids=["window", "screenshot"])
def test_window_config_that_cannot_build_a_run_gives_one_line(capsys, tmp_path, config, words, mode):
    path = tmp_path / "c.gdp.json"
    path.write_text(json.dumps(config))
    with_config = ["--config", str(path), *mode]
    code = main(with_config)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("gdplayground: error: c.gdp.json: ") and words in err[0]
    assert not (tmp_path / "out.png").exists()


def test_train_accepts_what_the_window_cannot_show(capsys):
    assert main(["train", "--hidden", "64,64,64,64,64,64,64,64,64", "--steps", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["updates"] == 2


def test_version_from_main_and_from_the_command(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"gdplayground {gdplayground.__version__}\n"
    result = subprocess.run([sys.executable, "-m", "gdplayground", "--version"], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0 and result.stdout == "gdplayground 0.1.0\n"


def test_the_version_when_not_installed_equals_pyprojects():
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE).group(1)
    assert gdplayground._SOURCE_VERSION == declared == gdplayground.__version__


def _no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "PYTHONPATH": str(ROOT)}


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is for Linux")


@linux_only
def test_without_a_display_the_app_says_so_in_one_line():
    result = subprocess.run([sys.executable, "-m", "gdplayground"], capture_output=True, text=True, timeout=60,
                            env=_no_display_env())
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0]
    assert "gdplayground train" in lines[0] and "--screenshot" in lines[0] and "libxcb" not in lines[0]


@linux_only
def test_without_a_display_screenshot_and_self_test_still_work(tmp_path):
    env = _no_display_env()
    shot = subprocess.run([sys.executable, "-m", "gdplayground", "--screenshot", str(tmp_path / "s.png"), "--steps", "3"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert shot.returncode == 0, shot.stderr
    assert (tmp_path / "s.png").stat().st_size > 1000
    check = subprocess.run([sys.executable, "-m", "gdplayground", "--self-test"], capture_output=True, text=True,
                           timeout=120, env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_missing_config_file_is_named_once(capsys, tmp_path):
    code = main(["--config", str(tmp_path / "gone.gdp.json"), "--screenshot", "x.png"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == ["gdplayground: error: gone.gdp.json: cannot read it (No such file or directory)"]
