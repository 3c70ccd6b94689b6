"""RunConfig <-> JSON, with validation that names the field and the reason.

An experiment file is ``{"format": "gdplayground", "version": 1, "config": {...}}``; a bare config
object is accepted too (handy for scripts). Files are parsed as JSON only, never executed.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .engine.config import RunConfig

FORMAT = "gdplayground"
VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024

_INT_FIELDS = {"points", "warmup_steps", "batch_size", "seed"}
_FLOAT_FIELDS = {"noise", "train_ratio", "reg_rate", "lr"}
_STR_FIELDS = {"dataset", "loss", "init", "regularization", "optimizer", "schedule"}


class ExperimentError(ValueError):
    """A file or object that is not a valid experiment; the message says which field and why."""


def config_from_dict(data: Any) -> RunConfig:
    """A validated RunConfig from a JSON object; ExperimentError naming the bad field."""
    if not isinstance(data, dict):
        raise ExperimentError("config: expected a JSON object")
    known = set(RunConfig.field_names())
    unknown = sorted(set(data) - known)
    if unknown:
        raise ExperimentError(f"config: unknown field {unknown[0]!r}")
    values = {name: _field(name, value) for name, value in data.items()}
    try:
        return RunConfig(**values)
    except (ValueError, TypeError) as exc:
        raise ExperimentError(f"config: {exc}") from None


def _field(name: str, value: Any) -> Any:
    where = f"config.{name}"
    if name in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExperimentError(f"{where}: expected a whole number, got {value!r}")
        return value
    if name in _FLOAT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ExperimentError(f"{where}: expected a finite number, got {value!r}")
        return float(value)
    if name in _STR_FIELDS:
        if not isinstance(value, str):
            raise ExperimentError(f"{where}: expected text, got {value!r}")
        return value
    if name == "data_seed":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ExperimentError(f"{where}: expected a whole number or null, got {value!r}")
        return value
    if name in ("features", "hidden"):
        kind = str if name == "features" else int
        if not isinstance(value, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
            raise ExperimentError(f"{where}: expected a list of {'names' if kind is str else 'whole numbers'}")
        return tuple(value)
    if name == "activation":
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ExperimentError(f"{where}: expected a name or a list of names")
    if name in ("hyper", "schedule_settings"):
        return _settings(where, value)
    raise ExperimentError(f"{where}: not understood")


def _settings(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ExperimentError(f"{where}: expected an object of settings")
    out: dict[str, Any] = {}
    for key, v in value.items():
        if isinstance(v, list) and all(_is_number(x) for x in v):
            out[key] = tuple(v)
        elif _is_number(v) or isinstance(v, bool):
            out[key] = v
        else:
            raise ExperimentError(f"{where}.{key}: expected a number, true/false or a list of numbers")
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def config_to_json(config: RunConfig) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "config": config.to_dict()}, indent=2)


def load_config(path: str | Path) -> RunConfig:
    """Read a config or experiment file; ExperimentError with the reason (and the line for bad JSON)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ExperimentError(f"{path.name}: larger than {MAX_FILE_BYTES // 2**20} MB; not an experiment file")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExperimentError(f"{path.name}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ExperimentError(f"{path.name}: not a text file") from None
    return config_from_text(text)


def config_from_text(text: str) -> RunConfig:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExperimentError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ExperimentError("nested too deeply to be an experiment file") from None
    if isinstance(data, dict) and "config" in data and "format" in data:
        if data.get("format") != FORMAT:
            raise ExperimentError(f"format: expected {FORMAT!r}, got {data.get('format')!r}")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ExperimentError(f"version: expected a whole number ≥ 1, got {version!r}")
        if version > VERSION:
            raise ExperimentError(f"version: this file is version {version}, written by a newer gdplayground; this one reads up to {VERSION}")
        data = data["config"]
    return config_from_dict(data)
