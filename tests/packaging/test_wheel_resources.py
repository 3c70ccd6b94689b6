"""A pip install (not editable) carries resources/: pyproject's data-files name every preset and
icon, and the app looks for them under the environment's share/."""
import sys
from pathlib import Path

import pytest

from gdplayground.resources import resource_dirs

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11")

ROOT = Path(__file__).resolve().parents[2]


def test_data_files_carry_every_preset_and_icon():
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    shipped = {p.resolve() for patterns in data_files.values() for pattern in patterns for p in ROOT.glob(pattern)}
    wanted = set((ROOT / "resources" / "presets").glob("*.gdp.json"))
    wanted |= set((ROOT / "resources" / "icons").rglob("gdplayground.png")) | {ROOT / "resources/icons/gdplayground.svg"}
    assert wanted and {p.resolve() for p in wanted} <= shipped
    for target, patterns in data_files.items():
        for pattern in patterns:
            assert target.endswith(str(Path(pattern).parent).removeprefix("resources")), (target, pattern)


def test_resources_are_looked_for_under_share():
    assert Path(sys.prefix) / "share" / "gdplayground" / "resources" in resource_dirs()
