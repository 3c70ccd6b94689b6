"""Reading JSON text from people's files: a size limit before anything is read, UTF-8 only, and
JSON only (never pickle, never code). Every problem becomes an ExperimentError with a reason."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from .errors import ExperimentError

MAX_FILE_BYTES = 20 * 1024 * 1024


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; ExperimentError when
    it is missing, unreadable, not a regular file (a FIFO, a device, a folder: reading one could
    wait forever) or too big. Every file the playground reads from people comes through here."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ExperimentError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ExperimentError(f"{path.name}: not a regular file ({_kind(info.st_mode)}); only files can be opened")
        if info.st_size > limit:
            raise ExperimentError(f"{path.name}: larger than {limit // 2**20} MB, too big to be opened here")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(limit + 1)  # never more than the limit, whatever fstat() said
    except OSError as exc:
        raise ExperimentError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise ExperimentError(f"{path.name}: larger than {limit // 2**20} MB, too big to be opened here")
    return raw


def _kind(mode: int) -> str:
    for test, word in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return word
    return "a special file"


def read_text(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text (see ``read_bytes``); ExperimentError also when it is not UTF-8."""
    raw = read_bytes(path, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExperimentError(f"{Path(path).name}: not a UTF-8 text file (byte {exc.start})") from None


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
