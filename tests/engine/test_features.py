"""Input features: names, values against hand computation, and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdplayground.engine import features
from gdplayground.engine.features import NAMES

POINTS = [(1.0, 2.0), (-3.0, 0.5), (0.0, -0.0), (5.5, -6.0)]

HAND = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1sq": lambda a, b: a * a,
    "x2sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sinx1": lambda a, b: math.sin(a),
    "sinx2": lambda a, b: math.sin(b),
}


def test_names_and_labels_agree() -> None:
    assert set(features.LABELS) == set(NAMES) == set(HAND)
    assert features.LABELS["x1sq"] == "x₁²" and features.LABELS["sinx2"] == "sin(x₂)"


@pytest.mark.parametrize("name", NAMES)
def test_each_feature_against_hand_computation(name: str) -> None:
    out = features.transform(np.array(POINTS), [name])
    assert out.shape == (len(POINTS), 1) and out.dtype == np.float64
    expected = [HAND[name](a, b) for a, b in POINTS]
    np.testing.assert_allclose(out[:, 0], expected, rtol=1e-15, atol=1e-300)


def test_known_values() -> None:
    out = features.transform(np.array([[1.0, 2.0], [-3.0, 0.5]]), NAMES)
    np.testing.assert_allclose(out, [
        [1.0, 2.0, 1.0, 4.0, 2.0, math.sin(1.0), math.sin(2.0)],
        [-3.0, 0.5, 9.0, 0.25, -1.5, math.sin(-3.0), math.sin(0.5)],
    ], rtol=1e-15)


def test_columns_follow_the_given_order() -> None:
    x = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    forward = features.transform(x, ["sinx2", "x1", "x1x2"])
    backward = features.transform(x, ("x1x2", "x1", "sinx2"))
    assert np.array_equal(forward, backward[:, ::-1])
    assert np.array_equal(forward[:, 1], x[:, 0])


def test_result_is_a_fresh_array() -> None:
    x = np.array(POINTS)
    x.flags.writeable = False  # engine arrays are read-only; transform must still work
    out = features.transform(x, ["x1", "x2"])
    out[0, 0] = 99.0
    assert x[0, 0] == 1.0


def test_empty_batch() -> None:
    assert features.transform(np.empty((0, 2)), ["x1", "sinx1"]).shape == (0, 2)


@pytest.mark.parametrize(("names", "fragment"), [
    ([], "at least one"),
    (["x1", "x3"], "unknown feature 'x3'"),
    (["x1", "x2", "x1"], "repeated: x1"),
    ("x1", "not the single string"),
    ([1, 2], "must be strings"),
])
def test_bad_feature_lists(names: list, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        features.transform(np.zeros((3, 2)), names)
    assert fragment in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ValueError):
        features.validate(names)


@pytest.mark.parametrize("shape", [(3,), (3, 3), (2, 1, 2)])
def test_bad_point_shapes(shape: tuple) -> None:
    with pytest.raises(ValueError, match="shape"):
        features.transform(np.zeros(shape), ["x1"])


def test_validate_returns_a_tuple() -> None:
    assert features.validate(["x2", "x1sq"]) == ("x2", "x1sq")
    assert features.validate(iter(["x1"])) == ("x1",)
