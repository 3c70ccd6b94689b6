"""Fuzz the experiment loader: thousands of random and mutated files, each either loads (and then
builds a run that trains and saves again) or is refused with ExperimentError; nothing else."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gdplayground import Run, RunConfig  # noqa: E402
from gdplayground.engine import datasets  # noqa: E402
from gdplayground.experiment import (  # noqa: E402
    ExperimentError, Lesson, build_run, experiment_from_run, experiment_from_text, experiment_to_json, load_experiment,
)

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
FOLDER = Path(tempfile.mkdtemp(prefix="gdp-fuzz-"))
V1_FILE = Path(__file__).parent / "data" / "experiment_v1.gdp.json"


def _seeds() -> list[str]:
    """Valid files that between them use every part of the format."""
    adam = Run(RunConfig(dataset="xor", hidden=(3,), optimizer="adam", lr=0.01, hyper={"amsgrad": True}))
    adam.train(steps=7)
    rng = np.random.default_rng(1)
    x = rng.uniform(-6, 6, (12, 2))
    three = Run(RunConfig(dataset="custom", hidden=(2,), optimizer="rmsprop", lr=0.01, hyper={"momentum": 0.5, "centered": True}),
                datasets.from_points(x, rng.integers(0, 3, 12), "multiclass"))
    three.train(steps=3)
    plane = Run(RunConfig(dataset="custom", hidden=(), schedule="step", schedule_settings={"step_size": 5}),
                datasets.from_points(x, rng.normal(size=12), "regression"))
    lesson = Lesson("T", "Do *this*.", ("lr",), ("seed",))
    return [V1_FILE.read_text(), experiment_to_json(experiment_from_run(adam, lesson=lesson, title="Adam")),
            experiment_to_json(experiment_from_run(three)), experiment_to_json(experiment_from_run(plane, weights=False))]


SEEDS = _seeds()


def _opens_or_is_refused(text: str | bytes) -> None:
    path = FOLDER / "fuzz.gdp.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    try:
        exp = load_experiment(path)
    except ExperimentError as exc:
        message = str(exc)
        assert message and len(message) <= 301
        return
    run = build_run(exp)  # checked once by load: must not fail now
    run.train(steps=3)
    again = experiment_from_text(experiment_to_json(experiment_from_run(run, lesson=exp.lesson, title=exp.title)))
    assert np.array_equal(build_run(again).theta, run.theta)


# -- random JSON ------------------------------------------------------------------------------------
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
                     st.text(max_size=12), st.sampled_from(["gd", "adam", "custom", "W1", "theta", "SGDState", "tanh"]))
JSON_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=8) | st.sampled_from(
        ["config", "data", "weights", "lesson", "kind", "train", "test", "hidden", "lr", "b1", "W1", "type", "step"]), inner, max_size=5),
), max_leaves=12)
SMALL_VALUES = _SCALARS | st.lists(_SCALARS, max_size=4) | st.dictionaries(st.sampled_from(["theta", "W1", "x", "kind"]), _SCALARS, max_size=2)


@settings(FUZZ, max_examples=400)
@given(JSON_VALUES)
def test_random_json_values(value) -> None:
    _opens_or_is_refused(json.dumps(value))


@settings(FUZZ, max_examples=300)
@given(st.dictionaries(st.sampled_from(["title", "config", "data", "weights", "updates", "epoch", "position", "optimizer_state", "lesson"]),
                       JSON_VALUES, max_size=6))
def test_random_documents(parts) -> None:
    _opens_or_is_refused(json.dumps({"format": "gdplayground", "version": 1, **parts}))


# -- mutated valid files ------------------------------------------------------------------------------
@st.composite
def byte_mutants(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 40)))
        how = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "truncate"]))
        if how == "delete":
            del data[i:j]
        elif how == "duplicate":
            data[i:i] = data[i:j]
        elif how == "replace" and i < len(data):
            data[i] = draw(st.integers(0, 255))
        elif how == "insert":
            data[i:i] = draw(st.binary(max_size=6) | st.sampled_from([b"[", b"{", b'"', b",", b"-", b"1e999", b"null", b"\xff"]))
        else:
            del data[i:]
    return bytes(data)


@FUZZ
@given(byte_mutants())
def test_byte_mutations_of_valid_files(data: bytes) -> None:
    _opens_or_is_refused(data)


def _nodes(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:6]):  # the first rows are enough to reach every kind of node
            yield from _nodes(v, path + (i,))


@st.composite
def json_mutants(draw) -> str:
    doc = json.loads(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _nodes(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        how = draw(st.sampled_from(["replace", "delete", "duplicate", "number", "shrink"]))
        if how == "replace":
            parent[key] = draw(SMALL_VALUES)
        elif how == "delete":
            del parent[key]
        elif how == "duplicate" and isinstance(parent, list):
            parent.insert(key, parent[key])
        elif how == "number":
            parent[key] = draw(st.sampled_from([0, -1, 1, 2, 3, 0.5, -0.0, 1e308, 7, 256, 257, 2**53 + 1, True, None, ""]))
        elif isinstance(parent[key], list) and parent[key]:
            parent[key] = parent[key][: draw(st.integers(0, len(parent[key]) - 1))]
    return json.dumps(doc, allow_nan=True)


@settings(FUZZ, max_examples=900)
@given(json_mutants())
def test_json_mutations_of_valid_files(text: str) -> None:
    _opens_or_is_refused(text)


def test_every_seed_file_opens() -> None:
    for text in SEEDS:
        _opens_or_is_refused(text)
        assert experiment_from_text(text) is not None
