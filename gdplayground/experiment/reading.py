"""Reading JSON text from people's files: a size limit before anything is read, UTF-8 only, and
JSON only (never pickle, never code). Every problem becomes an ExperimentError with a reason."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ExperimentError

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text; ExperimentError when it is missing, unreadable, too big or not UTF-8."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)  # never more than the limit, whatever stat() says
    except OSError as exc:
        raise ExperimentError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise ExperimentError(f"{path.name}: larger than {limit // 2**20} MB; not an experiment file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExperimentError(f"{path.name}: not a UTF-8 text file (byte {exc.start})") from None


def parse_json(text: str) -> Any:
    """The JSON value of ``text``; ExperimentError with the line for bad JSON. An object that
    names a field twice is refused: which of the two was meant cannot be known."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ExperimentError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ExperimentError("nested too deeply to be an experiment file") from None
    except ValueError as exc:  # duplicates, or an integer with thousands of digits
        raise ExperimentError(str(exc) if isinstance(exc, ExperimentError) else f"not usable JSON ({exc})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ExperimentError(f"the field {key[:40]!r} appears twice in one object")
        out[key] = value
    return out
