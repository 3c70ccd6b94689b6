"""The experiment as a value, and its JSON document.

    {"format": "gdplayground", "version": 1,
     "title": "...", "description": "...",            optional: what the experiment shows
     "config": {...},                                  RunConfig (see config_json)
     "data": null | {"kind": "binary", "train": [[x1, x2, label], ...], "test": [...]},
     "weights": {"W1": [[...]], "b1": [...], ...},     optional: the network's parameters
     "updates": N, "epoch": E, "position": P,          with weights: where training stands
     "optimizer_state": {"type": "AdamState", "step": N, "exp_avg": {"theta": [...]}, ...},
     "lesson": {"title": ..., "instructions": ..., "locked": [...], "hidden": [...]}}

"data" holds the points themselves, already split, when ``config.dataset`` is "custom" (drawn or
imported points); a generated dataset is rebuilt from the config's settings and seed instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..engine import datasets, limits
from ..engine.config import RunConfig
from .arrays import matrix, to_lists, vector
from .config_json import config_from_dict
from .errors import ExperimentError, field_name, shown
from .lesson import MAX_TEXT, MAX_TITLE, Lesson, lesson_from_dict, text_field
from .migrations import FORMAT, VERSION, upgrade

CUSTOM = "custom"  # config.dataset of points drawn or imported by the student
MAX_POINTS = limits.MAX_POINTS
MAX_WEIGHTS = limits.MAX_PARAMETERS
MAX_COUNT = 2**53  # updates and epochs: beyond this a float loses whole numbers
_FIELDS = ("format", "version", "title", "description", "config", "data", "weights", "updates", "epoch",
           "position", "optimizer_state", "lesson")
_PROGRESS = ("updates", "epoch", "position", "optimizer_state")
_LABELS = {"binary": {-1.0, 1.0}, "multiclass": {0.0, 1.0, 2.0}}


@dataclass(frozen=True, eq=False)
class Experiment:
    """Everything a file holds. ``data`` is the dataset itself for ``config.dataset ==
    "custom"``, else None (generated from the config). ``weights`` (named arrays) with
    ``updates``/``epoch``/``position`` (the next batch's place in the epoch) and
    ``optimizer_state`` (its JSON form, checked against the network when restored) say where
    training stood; without weights the experiment starts from update 0."""

    config: RunConfig
    data: datasets.Dataset | None = None
    weights: Mapping[str, np.ndarray] | None = None
    updates: int = 0
    epoch: int = 0
    position: int = 0
    optimizer_state: Mapping[str, Any] | None = None
    lesson: Lesson | None = None
    title: str = ""
    description: str = field(default="")


# -- writing --------------------------------------------------------------------------------------
def to_document(exp: Experiment) -> dict[str, Any]:
    """The JSON object of ``exp`` (current version), keys in reading order."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exp.title:
        doc["title"] = exp.title
    if exp.description:
        doc["description"] = exp.description
    doc["config"] = exp.config.to_dict()
    doc["data"] = None if exp.data is None else dataset_to_dict(exp.data)
    if exp.weights is not None:
        doc["weights"] = {name: to_lists(a) for name, a in exp.weights.items()}
        doc["updates"], doc["epoch"], doc["position"] = exp.updates, exp.epoch, exp.position
        if exp.optimizer_state is not None:
            doc["optimizer_state"] = {
                k: {kk: to_lists(a) for kk, a in v.items()} if isinstance(v, Mapping) else v
                for k, v in exp.optimizer_state.items()
            }
    if exp.lesson is not None:
        doc["lesson"] = exp.lesson.to_dict()
    return doc


def dataset_to_dict(data: datasets.Dataset) -> dict[str, Any]:
    def rows(x: np.ndarray, y: np.ndarray) -> list[list[float | int]]:
        labels = y.tolist() if data.kind == "regression" else [int(v) for v in y.tolist()]
        return [[a, b, v] for (a, b), v in zip(x.tolist(), labels)]

    return {"kind": data.kind, "train": rows(data.x_train, data.y_train), "test": rows(data.x_test, data.y_test)}


# -- reading --------------------------------------------------------------------------------------
def from_document(doc: Any) -> Experiment:
    """The Experiment a parsed JSON value describes (a bare config object is accepted);
    ExperimentError naming the field and the reason. Shapes of weights and optimizer state are
    checked against the network later, when the run is built (see restore)."""
    if not isinstance(doc, dict):
        raise ExperimentError(f"file: expected a JSON object, got {shown(doc)}")
    if "format" not in doc:
        return Experiment(config_from_dict(doc))
    doc = upgrade(doc)
    unknown = [k for k in doc if k not in _FIELDS]
    if unknown:
        raise ExperimentError(f"{field_name(unknown[0])}: unknown field; known: {', '.join(_FIELDS)}")
    if "config" not in doc:
        raise ExperimentError("config: missing")
    config = config_from_dict(doc["config"])
    data = _data(doc.get("data"), config)
    weights = _weights(doc.get("weights"))
    if weights is None:
        given = [k for k in _PROGRESS if doc.get(k) not in (None, 0)]
        if given:
            raise ExperimentError(f"{given[0]}: given without weights")
    lesson = None if doc.get("lesson") is None else lesson_from_dict(doc["lesson"])
    return Experiment(
        config, data, weights,
        _count("updates", doc.get("updates", 0)), _count("epoch", doc.get("epoch", 0)),
        _count("position", doc.get("position", 0)), _optimizer_state(doc.get("optimizer_state")), lesson,
        text_field("title", doc.get("title", ""), MAX_TITLE), text_field("description", doc.get("description", ""), MAX_TEXT),
    )


def _count(where: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ExperimentError(f"{where}: expected a whole number from 0 to 2^53, got {shown(value)}")
    return value


def _data(value: Any, config: RunConfig) -> datasets.Dataset | None:
    if value is None:
        if config.dataset == CUSTOM:
            raise ExperimentError('data: missing; config.dataset "custom" needs the points')
        return None
    if config.dataset != CUSTOM:
        raise ExperimentError(f'data: points are given but config.dataset is {shown(config.dataset)}, not "custom"')
    return dataset_from_dict(value)


def dataset_from_dict(value: Any) -> datasets.Dataset:
    if not isinstance(value, dict):
        raise ExperimentError(f"data: expected an object, got {shown(value)}")
    unknown = sorted(set(value) - {"kind", "train", "test"})
    if unknown:
        raise ExperimentError(f"data: unknown field {shown(unknown[0])}")
    kind = value.get("kind")
    if kind not in ("binary", "multiclass", "regression"):
        raise ExperimentError(f"data.kind: expected binary, multiclass or regression, got {shown(kind)}")
    train = _points("data.train", value.get("train"), kind, MAX_POINTS)
    test_rows = value.get("test", [])
    test = np.empty((0, 3)) if test_rows == [] else _points("data.test", test_rows, kind, MAX_POINTS - len(train))
    n_classes = {"binary": 2, "multiclass": 3, "regression": 0}[kind]
    y_type = np.int64 if kind == "multiclass" else np.float64
    return datasets.Dataset(train[:, :2], train[:, 2].astype(y_type), test[:, :2], test[:, 2].astype(y_type), kind, n_classes)


def _points(where: str, value: Any, kind: str, limit: int) -> np.ndarray:
    if type(value) is list and len(value) > limit:
        raise ExperimentError(f"{where}: more than {MAX_POINTS} points in all")
    rows = matrix(where, value, 3 * MAX_POINTS, width=3)
    outside = np.abs(rows[:, :2]) > limits.INPUT_LIMIT
    if outside.any():
        i = int(np.argmax(outside.any(axis=1)))
        raise ExperimentError(f"{where}[{i}]: the point {rows[i, :2].tolist()} is outside the input range [-6, 6]")
    far = np.abs(rows[:, 2]) > limits.TARGET_LIMIT
    if far.any():
        i = int(np.argmax(far))
        raise ExperimentError(f"{where}[{i}]: the target {rows[i, 2]:g} is outside the range [-{limits.TARGET_LIMIT:g}, "
                              f"{limits.TARGET_LIMIT:g}]; scale the targets down (the built-in datasets use -1 to 1)")
    allowed = _LABELS.get(kind)
    if allowed is not None:
        bad = ~np.isin(rows[:, 2], sorted(allowed))
        if bad.any():
            i = int(np.argmax(bad))
            raise ExperimentError(f"{where}[{i}]: {kind} labels must be {sorted(int(v) for v in allowed)}, got {rows[i, 2]:g}")
    return rows


def _weights(value: Any) -> dict[str, np.ndarray] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise ExperimentError(f"weights: expected an object of named arrays, got {shown(value)}")
    out: dict[str, np.ndarray] = {}
    total = 0
    for name, array in value.items():
        where = f"weights.{field_name(name)}"
        if name.startswith("W"):
            out[name] = matrix(where, array, MAX_WEIGHTS)
        elif name.startswith("b"):
            out[name] = vector(where, array, MAX_WEIGHTS)
        else:
            raise ExperimentError(f"{where}: not a weight (W1, W2, ...) or bias (b1, b2, ...) name")
        total += out[name].size
        if total > MAX_WEIGHTS:
            raise ExperimentError(f"weights: more than {MAX_WEIGHTS} numbers")
    return out


def _optimizer_state(value: Any) -> dict[str, Any] | None:
    """Structure only: {"type": name, "step": n, field: null | {key: [numbers]}}; the arrays
    are checked against the optimizer and the network in restore."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ExperimentError(f"optimizer_state: expected an object, got {shown(value)}")
    if not isinstance(value.get("type"), str):
        raise ExperimentError(f"optimizer_state.type: expected the state's name, got {shown(value.get('type'))}")
    out: dict[str, Any] = {"type": value["type"], "step": _count("optimizer_state.step", value.get("step"))}
    for key, part in value.items():
        if key in ("type", "step"):
            continue
        where = f"optimizer_state.{field_name(key)}"
        if part is None:
            out[key] = None
            continue
        if not isinstance(part, dict):
            raise ExperimentError(f"{where}: expected null or an object of arrays, got {shown(part)}")
        out[key] = {k: vector(f"{where}.{field_name(k)}", v, MAX_WEIGHTS) for k, v in part.items()}
    return out
