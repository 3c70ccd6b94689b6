"""Dataset generators, the seeded split, and CSV import/export."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from gdplayground.engine import datasets
from gdplayground.engine.datasets import NAMES, CsvError, Dataset

TF_BALANCED = ("circle", "gauss", "spiral")  # exact half/half by construction
CLASSIFICATION = [n for n in NAMES if datasets.KINDS[n] != "regression"]
REGRESSION = [n for n in NAMES if datasets.KINDS[n] == "regression"]


def arrays(ds: Dataset) -> list[np.ndarray]:
    return [ds.x_train, ds.y_train, ds.x_test, ds.y_test]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


# --- tables and generation ---

def test_tables_cover_every_name() -> None:
    assert set(datasets.KINDS) == set(NAMES) == set(datasets.TITLES)
    assert set(datasets.KINDS.values()) == {"binary", "multiclass", "regression"}
    assert [n for n in NAMES if datasets.KINDS[n] == "multiclass"] == ["spiral3", "blobs3"]
    assert REGRESSION == ["plane", "multigauss", "sine"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.25])
def test_same_settings_give_same_bits(name: str, noise: float) -> None:
    a = datasets.generate(name, 300, noise, 0.6, seed=7)
    b = datasets.generate(name, 300, noise, 0.6, seed=7)
    assert all(same_bits(p, q) for p, q in zip(arrays(a), arrays(b)))


@pytest.mark.parametrize("name", NAMES)
def test_different_seeds_differ(name: str) -> None:
    a = datasets.generate(name, seed=1, noise=0.1)
    b = datasets.generate(name, seed=2, noise=0.1)
    assert not np.array_equal(a.x_all, b.x_all)


@pytest.mark.parametrize("name", NAMES)
def test_shapes_kinds_and_labels(name: str) -> None:
    ds = datasets.generate(name, 500, 0.1)
    kind = datasets.KINDS[name]
    assert ds.kind == kind
    assert ds.n_classes == {"binary": 2, "multiclass": 3, "regression": 0}[kind]
    assert ds.x_train.shape == (250, 2) and ds.x_test.shape == (250, 2)
    assert ds.x_train.dtype == np.float64
    assert ds.y_train.shape == (250,) and ds.y_test.shape == (250,)
    labels = set(ds.y_all.tolist())
    if kind == "binary":
        assert ds.y_all.dtype == np.float64 and labels == {-1.0, 1.0}
    elif kind == "multiclass":
        assert ds.y_all.dtype == np.int64 and labels == {0, 1, 2}
    else:
        assert ds.y_all.dtype == np.float64 and np.isfinite(ds.y_all).all() and len(labels) > 100


@pytest.mark.parametrize("name", NAMES)
def test_arrays_are_read_only(name: str) -> None:
    ds = datasets.generate(name)
    for a in [*arrays(ds), ds.x_all, ds.y_all]:
        with pytest.raises(ValueError):
            a[0] = 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_inputs_within_six(name: str, noise: float) -> None:
    x = datasets.generate(name, 5000, noise, seed=3).x_all
    assert np.isfinite(x).all() and np.abs(x).max() <= 6.0


@pytest.mark.parametrize("name", NAMES)
def test_points_fill_the_square(name: str) -> None:
    x = datasets.generate(name, 2000).x_all
    assert np.abs(x[:, 0]).max() > 4.0  # nothing huddles in a corner of the plot


@pytest.mark.parametrize(("points", "ratio"), [(500, 0.5), (51, 0.5), (50, 0.1), (50, 0.9), (777, 0.3)])
def test_split_sizes(points: int, ratio: float) -> None:
    ds = datasets.generate("circle", points, train_ratio=ratio)
    assert len(ds.x_train) == round(points * ratio)
    assert len(ds.x_train) + len(ds.x_test) == points
    assert len(ds.x_all) == points and same_bits(ds.x_all[: len(ds.x_train)], ds.x_train)


def test_split_is_a_shuffle() -> None:
    # the generator emits inner points first; a shuffled train set mixes both classes early
    ds = datasets.generate("circle")
    assert set(ds.y_train[:20].tolist()) == {-1.0, 1.0}


@pytest.mark.parametrize("name", TF_BALANCED + ("moons", "spiral3", "blobs3"))
@pytest.mark.parametrize("points", [500, 301])
def test_constructed_classes_are_balanced(name: str, points: int) -> None:
    counts = np.unique(datasets.generate(name, points).y_all, return_counts=True)[1]
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", ["xor", "checkerboard"])
def test_random_classes_are_roughly_balanced(name: str) -> None:
    y = datasets.generate(name, 2000, seed=5).y_all
    assert abs(np.mean(y)) < 0.1


def test_circle_labels_follow_radius_at_noise_0() -> None:
    ds = datasets.generate("circle", 1000, seed=11)
    r = np.hypot(ds.x_all[:, 0], ds.x_all[:, 1])
    assert np.array_equal(ds.y_all, np.where(r < 2.5, 1.0, -1.0))
    assert not np.any((r > 2.5) & (r < 3.5))  # the TF ring gap


def test_xor_labels_and_padding_at_noise_0() -> None:
    x, y = datasets.generate("xor", 1000).x_all, datasets.generate("xor", 1000).y_all
    assert np.array_equal(y, np.where(x[:, 0] * x[:, 1] >= 0, 1.0, -1.0))
    assert np.abs(x).min() >= 0.3


def test_checkerboard_labels_at_noise_0() -> None:
    ds = datasets.generate("checkerboard", 1000)
    x = ds.x_all
    assert np.array_equal(ds.y_all, np.where(np.sin(x[:, 0]) * np.sin(x[:, 1]) >= 0, 1.0, -1.0))


@pytest.mark.parametrize("name", ["circle", "xor", "checkerboard"])
def test_noise_flips_labels_but_not_points(name: str) -> None:
    clean = datasets.generate(name, 1000, 0.0, seed=4)
    noisy = datasets.generate(name, 1000, 0.3, seed=4)
    assert same_bits(clean.x_all, noisy.x_all)
    flipped = np.mean(clean.y_all != noisy.y_all)
    assert 0.01 < flipped < 0.4


@pytest.mark.parametrize("name", ["spiral", "spiral3", "moons", "gauss", "blobs3"])
def test_noise_moves_points_not_labels(name: str) -> None:
    clean = datasets.generate(name, 500, 0.0, seed=4)
    noisy = datasets.generate(name, 500, 0.3, seed=4)
    assert same_bits(clean.y_all, noisy.y_all)
    assert not np.array_equal(clean.x_all, noisy.x_all)


def test_spiral_at_noise_0_lies_on_its_arms() -> None:
    x = datasets.generate("spiral", 500).x_all
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.max() < 5.0 and r.min() == 0.0


def test_gauss_variance_grows_with_noise() -> None:
    def spread(noise: float) -> float:
        ds = datasets.generate("gauss", 5000, noise)
        centres = np.where(ds.y_all[:, None] > 0, 2.0, -2.0)
        return float(np.var(ds.x_all - centres))

    assert spread(0.0) == pytest.approx(0.5, rel=0.1)
    assert spread(0.2) == pytest.approx(1.9, rel=0.1)


def test_plane_targets() -> None:
    ds = datasets.generate("plane", 1200)
    x = ds.x_all
    assert same_bits(ds.y_all, (x[:, 0] + x[:, 1]) / 10)
    assert np.abs(ds.y_all).max() <= 1.2
    noisy = datasets.generate("plane", 1200, 0.5).y_all
    assert not np.array_equal(noisy, ds.y_all) and np.abs(noisy).max() <= 1.8


@pytest.mark.parametrize(("cx", "cy", "sign"), [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                                                (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)])
def test_multigauss_centre_equals_its_sign(cx: float, cy: float, sign: float) -> None:
    value = datasets._multigauss_value(np.array([[cx, cy], [cx + 1.0, cy]]))
    assert value.tolist() == [sign, sign * 0.5]


def test_multigauss_matches_a_plain_loop() -> None:
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]

    def target(x: float, y: float) -> float:
        best = 0.0
        for cx, cy, sign in centres:
            v = sign * min(max(1 - np.hypot(x - cx, y - cy) / 2, 0.0), 1.0)
            if abs(v) > abs(best):
                best = v
        return best

    ds = datasets.generate("multigauss", 1200)
    expected = [target(a, b) for a, b in ds.x_all.tolist()]
    np.testing.assert_allclose(ds.y_all, expected, rtol=0, atol=1e-15)
    assert np.abs(ds.y_all).max() <= 1.0


def test_sine_depends_on_x1_only() -> None:
    ds = datasets.generate("sine", 1000)
    assert same_bits(ds.y_all, 0.8 * np.sin(ds.x_all[:, 0]))
    assert not np.array_equal(datasets.generate("sine", 1000, 0.2).y_all, ds.y_all)


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"name": "nope"}, "unknown dataset 'nope'"),
    ({"points": 49}, "points must be between 50 and 5000"),
    ({"points": 5001}, "points must be between 50 and 5000"),
    ({"points": 100.5}, "points must be a whole number"),
    ({"points": True}, "points must be a whole number"),
    ({"noise": -0.01}, "noise must be between 0.0 and 0.5"),
    ({"noise": 0.6}, "noise must be between 0.0 and 0.5"),
    ({"noise": float("nan")}, "noise must be between"),
    ({"noise": "lots"}, "noise must be between"),
    ({"train_ratio": 0.05}, "train_ratio must be between 0.1 and 0.9"),
    ({"train_ratio": 1.0}, "train_ratio must be between 0.1 and 0.9"),
    ({"seed": -1}, "seed must be 0 or more"),
    ({"seed": 1.5}, "seed must be a whole number"),
])
def test_bad_settings_are_refused(kwargs: dict, fragment: str) -> None:
    settings = {"name": "circle", **kwargs}
    with pytest.raises(ValueError) as info:
        datasets.generate(**settings)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_limits_are_accepted() -> None:
    for points, noise, ratio in [(50, 0.0, 0.1), (5000, 0.5, 0.9)]:
        ds = datasets.generate("spiral", points, noise, ratio, seed=np.int64(3))
        assert len(ds.x_all) == points


def test_dataset_checks_kind_and_shapes() -> None:
    x, y = np.zeros((3, 2)), np.ones(3)
    with pytest.raises(ValueError, match="n_classes"):
        Dataset(x, y, x, y, "binary", 3)
    with pytest.raises(ValueError, match="do not match"):
        Dataset(x, y[:2], x, y, "binary", 2)
    ds = Dataset(x, y, x, y, "binary", 2)
    assert x.flags.writeable and not ds.x_train.flags.writeable  # the caller's array stays theirs


# --- from_points ---

def test_from_points_splits_like_generate() -> None:
    ds = datasets.generate("moons", 200, seed=9)
    again = datasets.from_points(ds.x_all, ds.y_all, "binary", 0.5, seed=9)
    assert len(again.x_train) == 100 and set(again.y_all.tolist()) == {-1.0, 1.0}
    again2 = datasets.from_points(ds.x_all, ds.y_all, "binary", 0.5, seed=9)
    assert same_bits(again.x_train, again2.x_train)


def test_from_points_with_two_points_keeps_one_each_side() -> None:
    ds = datasets.from_points([[0, 0], [1, 1]], [1, -1], "binary", 0.9)
    assert len(ds.x_train) == 1 and len(ds.x_test) == 1


@pytest.mark.parametrize(("x", "y", "kind", "fragment"), [
    ([[0, 0], [1, 1]], [1, 2], "binary", "binary labels must be in [-1, 1]"),
    ([[0, 0], [1, 1]], [1, 3], "multiclass", "multiclass labels must be in [0, 1, 2]"),
    ([[0, 0], [1, 1]], [0.5, 1], "multiclass", "multiclass labels"),
    ([[0, 0], [7, 1]], [1, -1], "binary", "within [-6, 6]"),
    ([[0, 0], [np.nan, 1]], [1, -1], "binary", "finite"),
    ([[0, 0]], [1], "binary", "at least 2 points"),
    ([[0, 0, 0], [1, 1, 1]], [1, -1], "binary", "shape"),
    ([[0, 0], [1, 1]], [1, -1], "ternary", "kind must be one of"),
])
def test_from_points_refuses_bad_input(x: list, y: list, kind: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        datasets.from_points(x, y, kind)
    assert fragment in str(info.value)


# --- CSV ---

GOOD_ROWS = [(0.5, -1.25, 1.0), (2.0, 3.0, -1.0), (-6.0, 6.0, 1.0), (1e-3, 0.0, -1.0)]


def rows_text(sep: str = ",", rows: list = GOOD_ROWS) -> str:
    return "\n".join(sep.join(repr(v) for v in row) for row in rows) + "\n"


@pytest.mark.parametrize("text", [
    rows_text(),
    "x1,x2,label\n" + rows_text(),
    "x1;x2;label\n" + rows_text(";"),
    rows_text(";"),
    "# drawn by hand\n\n  x1 , x2 , label  \n# a comment\n" + rows_text().replace("\n", "\n\n"),
    ("x1,x2,label\n" + rows_text()).replace("\n", "\r\n"),
    ("x1,x2,label\n" + rows_text()).replace("\n", "\r"),
    "\ufeffx1,x2,label\n" + rows_text(),
    rows_text().rstrip("\n"),
])
def test_good_csv_files(text: str) -> None:
    x, y, kind = datasets.parse_csv(text)
    assert kind == "binary"
    assert x.tolist() == [[a, b] for a, b, _ in GOOD_ROWS]
    assert y.tolist() == [c for _, _, c in GOOD_ROWS]
    assert x.dtype == y.dtype == np.float64 and not x.flags.writeable


@pytest.mark.parametrize(("labels", "kind", "expected"), [
    ([1, -1, 1, 1], "binary", [1.0, -1.0, 1.0, 1.0]),
    ([0, 1, 1, 0], "binary", [-1.0, 1.0, 1.0, -1.0]),
    ([1, 1, 1, 1], "binary", [1.0] * 4),
    ([0, 1, 2, 0], "multiclass", [0, 1, 2, 0]),
    ([0.0, 2.0, 2.0, 1.0], "multiclass", [0, 2, 2, 1]),
    ([0, 1, 2, 3], "regression", [0.0, 1.0, 2.0, 3.0]),
    ([-1, 0, 1, 1], "regression", [-1.0, 0.0, 1.0, 1.0]),
    ([0.25, 1, 1, 1], "regression", [0.25, 1.0, 1.0, 1.0]),
])
def test_kind_is_inferred_from_labels(labels: list, kind: str, expected: list) -> None:
    text = "".join(f"{i},0,{v}\n" for i, v in enumerate(labels))
    _, y, found = datasets.parse_csv(text)
    assert found == kind and y.tolist() == expected
    assert y.dtype == (np.int64 if kind == "multiclass" else np.float64)


def test_target_header_means_regression() -> None:
    _, y, kind = datasets.parse_csv("x1,x2,Target\n" + rows_text())
    assert kind == "regression" and y.tolist() == [1.0, -1.0, 1.0, -1.0]


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("1,2,1\n1,2\n1,2,1\n1,2,1\n", 2, "expected 3 columns (x1, x2, label), found 2"),
    ("x1,x2,label\n1,2,1\n\n1,2,1,4\n1,2,1\n", 4, "expected 3 columns (x1, x2, label), found 4"),
    ("1,2,1\n1;2;1\n1,2,1\n1,2,1\n", 2, "found 1; this file separates with ','"),
    ("# c\n1,2,1\n1,abc,1\n1,2,1\n1,2,1\n", 3, "x2 is not a number: 'abc'"),
    ("1,2,1\n1,,1\n1,2,1\n1,2,1\n", 2, "x2 is not a number: ''"),
    ("1;2;1\n1,5;2;1\n1;2;1\n1;2;1\n", 2, "x1 is not a number: '1,5' (use '.' for decimals)"),
    ("1,2,1\n1,2,1\n1,2,nan\n1,2,1\n", 3, "label must be a finite number, found 'nan'"),
    ("1,2,1\n-inf,2,1\n1,2,1\n1,2,1\n", 2, "x1 must be a finite number, found '-inf'"),
    ("1,2,1\n1,2,1e999\n1,2,1\n1,2,1\n", 2, "label is too large to be a finite number"),
    ("1,2,1\n1,2,1\n1,2,1\n1,6.5,1\n", 4, "x2 = 6.5 is outside the input range [-6, 6]"),
    ("1,2,1\n-7,2,1\n1,2,1\n1,2,1\n", 2, "x1 = -7 is outside the input range [-6, 6]"),
    ("x1,x2\n1,2,1\n1,2,1\n1,2,1\n1,2,1\n", 1, "header should have 3 columns (x1, x2, label), found 2"),
    ("1,2,1\nx1,x2,label\n1,2,1\n1,2,1\n", 2, "x1 is not a number: 'x1'"),
    ("1,2,1\n1,2,1\n1,2,1\n", 0, "too few rows: found 3, need at least 4"),
    ("x1,x2,label\n1,2,1\n", 0, "too few rows: found 1, need at least 4"),
    ("", 0, "empty file"),
    ("\n\n# only comments\n  \n", 0, "empty file"),
    ("x1,x2,label\n", 0, "only a header"),
    ("1,2,1\r\n1,2,1\r\n1,x,1\r\n", 3, "x2 is not a number: 'x'"),
    ("1,2,1\n1,2,1\n1,2,١\n1,2,1\n", 3, "label is not a number"),
])
def test_bad_csv_names_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(CsvError) as info:
        datasets.parse_csv(text)
    assert info.value.line == line
    assert reason in info.value.reason
    assert str(info.value) == (f"line {line}: {info.value.reason}" if line else info.value.reason)


def test_csv_error_message_shape() -> None:
    error = CsvError(7, "expected 3 columns (x1, x2, label), found 2")
    assert str(error) == "line 7: expected 3 columns (x1, x2, label), found 2"
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line, copy.reason) == (7, error.reason)


def test_too_many_rows() -> None:
    with pytest.raises(CsvError, match="too many rows"):
        datasets.parse_csv("1,2,1\n" * 100_001)
    x, _, _ = datasets.parse_csv("1,2,1\n" * 100_000)
    assert len(x) == 100_000


def test_a_first_row_with_a_typo_is_not_taken_for_a_header() -> None:
    with pytest.raises(CsvError) as info:
        datasets.parse_csv("1,x,1\n1,2,1\n1,2,1\n1,2,1\n1,2,1\n")
    assert info.value.line == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("with_kind", [True, False])
def test_csv_round_trip_is_bit_exact(name: str, with_kind: bool) -> None:
    ds = datasets.generate(name, 400, 0.2, seed=13)
    text = datasets.to_csv(ds.x_all, ds.y_all, ds.kind if with_kind else None)
    assert text.splitlines()[0] == ("x1,x2,target" if ds.kind == "regression" else "x1,x2,label")
    x, y, kind = datasets.parse_csv(text)
    assert kind == ds.kind
    assert same_bits(x, ds.x_all) and same_bits(y, ds.y_all)


def test_round_trip_keeps_negative_zero_and_tiny_numbers() -> None:
    x = np.array([[-0.0, 5e-324], [1e-300, -6.0], [0.1, 0.2], [1 / 3, 6.0]])
    y = np.array([-0.0, 1000.0, 2.5e-8, -1e-300])  # targets within ±1000 (limits)
    x2, y2, kind = datasets.parse_csv(datasets.to_csv(x, y, "regression"))
    assert kind == "regression" and same_bits(x2, x) and same_bits(y2, y)


def test_regression_targets_that_look_like_labels_survive_with_kind() -> None:
    x, y = np.zeros((4, 2)), np.array([1.0, -1.0, 1.0, 1.0])
    assert datasets.parse_csv(datasets.to_csv(x, y, "regression"))[2] == "regression"
    assert datasets.parse_csv(datasets.to_csv(x, y))[2] == "binary"


def test_to_csv_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        datasets.to_csv(np.zeros((4, 2)), np.zeros(3))


def test_from_csv_uses_the_seeded_split() -> None:
    ds = datasets.generate("spiral3", 300, 0.1, seed=2)
    text = datasets.to_csv(ds.x_all, ds.y_all)
    a = datasets.from_csv(text, train_ratio=0.7, seed=5)
    b = datasets.from_csv(text, train_ratio=0.7, seed=5)
    assert a.kind == "multiclass" and a.n_classes == 3 and len(a.x_train) == 210
    assert all(same_bits(p, q) for p, q in zip(arrays(a), arrays(b)))
    with pytest.raises(ValueError, match="train_ratio"):
        datasets.from_csv(text, train_ratio=0.95)
