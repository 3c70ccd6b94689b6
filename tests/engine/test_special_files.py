"""Only regular files are read: a FIFO, a device or a folder named like an experiment or a CSV
file is refused at once (reading a FIFO would wait for a writer forever), and the size is
capped before anything is read. Every reader goes through experiment.reading.read_bytes."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gdplayground.experiment import ExperimentError, load_config, load_experiment
from gdplayground.experiment.reading import read_bytes

ROOT = Path(__file__).resolve().parents[2]
fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _refused_within(seconds: float, read, path: Path) -> BaseException:
    """Run ``read(path)`` in a thread; if it still waits after ``seconds``, open the FIFO's other
    end to set it free (so a regression fails this test instead of hanging the suite)."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            read(path)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(5)
        pytest.fail(f"reading {path.name} blocked for {seconds} s")
    assert outcome and outcome[0] is not None, "the special file was read as if it were a file"
    return outcome[0]


@pytest.fixture
def fifo(tmp_path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    path = tmp_path / "pipe.gdp.json"
    os.mkfifo(path)
    return path


@fifo_only
@pytest.mark.parametrize("read", [load_experiment, load_config, read_bytes])
def test_a_fifo_is_refused_at_once(fifo, read):
    error = _refused_within(10, read, fifo)
    assert isinstance(error, ExperimentError)
    assert str(error) == "pipe.gdp.json: not a regular file (a pipe); only files can be opened"


@fifo_only
def test_a_fifo_csv_is_refused_by_the_import_dialogs_reader(tmp_path):
    from gdplayground.engine.datasets import CsvError
    from gdplayground.ui.csv_import_dialog import read_csv_text

    path = tmp_path / "points.csv"
    os.mkfifo(path)
    error = _refused_within(10, read_csv_text, path)
    assert isinstance(error, CsvError) and error.line == 0 and "not a regular file (a pipe)" in error.reason


def test_a_folder_and_a_device_are_refused(tmp_path):
    folder = tmp_path / "folder.gdp.json"
    folder.mkdir()
    with pytest.raises(ExperimentError, match="not a regular file|cannot read it"):
        load_experiment(folder)
    if os.path.exists("/dev/zero"):  # endless: a read without the check would fill the memory
        with pytest.raises(ExperimentError, match="zero: not a regular file \\(a device\\)"):
            load_experiment("/dev/zero")


def test_the_size_is_capped_before_reading(tmp_path):
    path = tmp_path / "big.gdp.json"
    path.write_bytes(b" " * 2049)
    with pytest.raises(ExperimentError, match="big.gdp.json: larger than"):
        read_bytes(path, limit=2048)
    assert read_bytes(path, limit=4096) == b" " * 2049


@fifo_only
@pytest.mark.parametrize("args", [["train", "--config", "{}", "--steps", "1"], ["--config", "{}", "--screenshot", "out.png"],
                                  ["{}", "--screenshot", "out.png"]])
def test_the_command_line_refuses_a_fifo_in_one_line(fifo, tmp_path, args):
    args = [str(fifo) if a == "{}" else a for a in args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    try:
        result = subprocess.run([sys.executable, "-m", "gdplayground", *args], capture_output=True, text=True,
                                timeout=60, env=env, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail("gdplayground waited for the FIFO")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pipe.gdp.json: not a regular file (a pipe)" in lines[0]
