"""Schema versions. Files are written at ``VERSION``; older ones are upgraded step by step when
read, so a file keeps opening after the format changes.

Policy: the version goes up only when a change would make an old reader misread a new file or a
new reader misread an old one (a renamed or re-meant field). Each bump adds one function to
``MIGRATIONS`` that turns a version-n document into a version-n+1 one (plain JSON in, plain JSON
out; it must not fail on a valid version-n file), and a frozen copy of a version-n file to the
tests, which must keep opening. New optional fields that old readers can refuse cleanly ("unknown
field") do not need a bump. A file from a newer version is refused with a message saying so.
"""
from __future__ import annotations

from typing import Any, Callable

from .errors import ExperimentError, shown

FORMAT = "gdplayground"
VERSION = 1

# version n -> function upgrading a version-n document to version n+1
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (a JSON object with "format" and "version") as a current-version document."""
    if doc.get("format") != FORMAT:
        raise ExperimentError(f"format: expected {FORMAT!r}, got {shown(doc.get('format'))}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExperimentError(f"version: expected a whole number ≥ 1, got {shown(version)}")
    if version > VERSION:
        raise ExperimentError(
            f"version: this file is version {version}, written by a newer gdplayground; this one reads up to {VERSION}"
        )
    while version < VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ExperimentError(f"version: files of version {version} can no longer be read")
        doc = step(dict(doc))
        version += 1
        doc["version"] = version
    return doc

