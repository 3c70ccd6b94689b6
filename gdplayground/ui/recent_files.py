"""The recently opened or saved experiment files, most recent first, kept in QSettings."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "files/recent"
MAX_RECENT = 8


class RecentFiles:
    def __init__(self, settings: QSettings | None) -> None:
        self.settings = settings
        self._memory: list[str] = []  # without settings (tests, --screenshot) the list lives here

    def paths(self) -> list[str]:
        """The remembered files that still exist."""
        return [p for p in self._stored() if Path(p).is_file()]

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self._store([path] + [p for p in self._stored() if p != path])

    def clear(self) -> None:
        self._store([])

    def _stored(self) -> list[str]:
        if self.settings is None:
            return list(self._memory)
        value = self.settings.value(KEY, [])
        if isinstance(value, str):  # some back ends give a one-item list back as a string
            value = [value] if value else []
        if not isinstance(value, (list, tuple)):  # a settings file edited by hand: forget it
            return []
        return [v for v in value if isinstance(v, str) and v][:MAX_RECENT]

    def _store(self, paths: list[str]) -> None:
        paths = paths[:MAX_RECENT]
        if self.settings is None:
            self._memory = paths
        else:
            self.settings.setValue(KEY, paths)
