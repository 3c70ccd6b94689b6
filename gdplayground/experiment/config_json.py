"""RunConfig <-> JSON, with validation that names the field and the reason.

An experiment file holds ``{"format": "gdplayground", "version": 1, "config": {...}, ...}``; a bare
config object is accepted too (handy for scripts). Files are parsed as JSON only, never executed.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..engine.config import RunConfig
from .errors import ExperimentError, shown
from .migrations import FORMAT, VERSION, upgrade
from .reading import parse_json, read_text

_INT_FIELDS = {"points", "warmup_steps", "batch_size", "seed"}
_FLOAT_FIELDS = {"noise", "train_ratio", "reg_rate", "lr"}
_STR_FIELDS = {"dataset", "loss", "init", "regularization", "optimizer", "schedule"}


def config_from_dict(data: Any) -> RunConfig:
    """A validated RunConfig from a JSON object; ExperimentError naming the bad field."""
    if not isinstance(data, dict):
        raise ExperimentError("config: expected a JSON object")
    known = set(RunConfig.field_names())
    unknown = sorted(set(data) - known)
    if unknown:
        raise ExperimentError(f"config: unknown field {shown(unknown[0])}")
    values = {name: _field(name, value) for name, value in data.items()}
    try:
        return RunConfig(**values)
    except (ValueError, TypeError) as exc:
        raise ExperimentError(f"config: {exc}") from None


def _field(name: str, value: Any) -> Any:
    where = f"config.{name}"
    if name in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExperimentError(f"{where}: expected a whole number, got {shown(value)}")
        return value
    if name in _FLOAT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ExperimentError(f"{where}: expected a finite number, got {shown(value)}")
        return float(value)
    if name in _STR_FIELDS:
        if not isinstance(value, str):
            raise ExperimentError(f"{where}: expected text, got {shown(value)}")
        return value
    if name == "data_seed":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ExperimentError(f"{where}: expected a whole number or null, got {shown(value)}")
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
    """A version-1 experiment file holding only ``config``."""
    return json.dumps({"format": FORMAT, "version": VERSION, "config": config.to_dict()}, indent=2)


def load_config(path: str | Path) -> RunConfig:
    """The config of a config or experiment file (other parts ignored); ExperimentError with
    the reason (and the line for bad JSON)."""
    return config_from_text(read_text(path))


def config_from_text(text: str) -> RunConfig:
    data = parse_json(text)
    if isinstance(data, dict) and "format" in data:
        data = upgrade(data).get("config")
        if data is None:
            raise ExperimentError("config: missing")
    return config_from_dict(data)
