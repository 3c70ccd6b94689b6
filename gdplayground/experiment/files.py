"""Experiment files (``.gdp.json``): saving atomically in a layout people can read, and loading
with every part checked, so a bad file is refused with the field and the reason and nothing
else happens."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..engine.config import RunConfig
from ..engine.datasets import Dataset
from .atomic_write import write_text_atomically
from .document import Experiment, from_document, to_document
from .errors import ExperimentError
from .lesson import Lesson
from .reading import parse_json, read_text
from .restore import build_run

SUFFIX = ".gdp.json"
_MAX_MESSAGE = 300


def experiment_to_json(exp: Experiment) -> str:
    """The file text: readable (one data point or weight row per line), floats written so that
    reading them back gives the same bits."""
    try:
        return _layout(to_document(exp), 0) + "\n"
    except ValueError as exc:  # a NaN or infinity that should never have got this far
        raise ExperimentError(f"cannot save: {exc}") from None


def _layout(value: Any, depth: int) -> str:
    pad, end = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_layout(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        rows = [pad + json.dumps(v, allow_nan=False) for v in value]
        return "[\n" + ",\n".join(rows) + "\n" + end + "]"
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def experiment_from_text(text: str, check: bool = True) -> Experiment:
    """Parse and validate; with ``check`` also build the run once, so that weights and
    optimizer state are known to fit the network. ExperimentError on any problem."""
    try:
        exp = from_document(parse_json(text))
        if check:
            build_run(exp)
    except ExperimentError as exc:
        message = str(exc)
        if len(message) > _MAX_MESSAGE:
            raise ExperimentError(message[:_MAX_MESSAGE] + "…") from None
        raise
    return exp


def load_experiment(path: str | Path) -> Experiment:
    """Read an experiment (or bare config) file; ExperimentError naming the field and the reason
    for a missing, unreadable, oversized, malformed or hostile file."""
    return experiment_from_text(read_text(path))


def write_experiment(path: str | Path, exp: Experiment) -> None:
    """Save atomically: the old file stays whole until the new one is complete on disk."""
    write_text_atomically(path, experiment_to_json(exp))


def save_experiment(
    path: str | Path,
    config: RunConfig,
    data: Dataset | None = None,
    params: Mapping[str, np.ndarray] | None = None,
    step: int = 0,
    lesson: Lesson | None = None,
    title: str = "",
    description: str = "",
) -> None:
    """Save a config (with custom ``data``, weights ``params`` after ``step`` updates, a
    ``lesson``). For a Run with its optimizer state and batch position, use
    ``write_experiment(path, experiment_from_run(run))``."""
    exp = Experiment(config, data, None if params is None else dict(params), step if params is not None else 0,
                     lesson=lesson, title=title, description=description)
    write_experiment(path, exp)
