"""The ready-made experiments shipped in resources/presets, in gallery order (by file name)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..resources import resource_dirs

from .errors import ExperimentError
from .files import SUFFIX, load_experiment


@dataclass(frozen=True)
class Preset:
    path: Path
    title: str
    description: str

    @property
    def topic(self) -> str:
        """What the preset is about: its title up to the colon ("Learning rate: too big")."""
        return self.title.split(":", 1)[0].strip() if ":" in self.title else ""


def preset_folders() -> list[Path]:
    """Where resources/presets may be (see ``gdplayground.resources``)."""
    return [base / "presets" for base in resource_dirs()]


def list_presets(folder: Path | None = None) -> list[Preset]:
    """Every readable preset, sorted by file name; a broken file is skipped (and the tests
    make sure none ships)."""
    folder = folder or next((f for f in preset_folders() if f.is_dir()), None)
    if folder is None:
        return []
    presets = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            exp = load_experiment(path)
        except ExperimentError:
            continue
        presets.append(Preset(path, exp.title or path.name.removesuffix(SUFFIX), exp.description))
    return presets
