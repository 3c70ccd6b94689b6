"""Toy 2-D datasets made from a seed, plus loading and saving them as CSV.

circle, xor, gauss, spiral, plane and multigauss follow TensorFlow Playground's definitions, so
students who know that playground meet the same pictures; the other sets are ours and each
generator's docstring defines it. Pure NumPy: same settings give the same points, bit for bit.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import limits

NAMES: tuple[str, ...] = (
    "circle", "xor", "gauss", "spiral", "moons", "checkerboard",
    "spiral3", "blobs3", "plane", "multigauss", "sine",
)

KINDS: dict[str, str] = {
    "circle": "binary", "xor": "binary", "gauss": "binary", "spiral": "binary",
    "moons": "binary", "checkerboard": "binary",
    "spiral3": "multiclass", "blobs3": "multiclass",
    "plane": "regression", "multigauss": "regression", "sine": "regression",
}

TITLES: dict[str, str] = {
    "circle": "Circle", "xor": "Exclusive or", "gauss": "Two Gaussians", "spiral": "Spiral",
    "moons": "Moons", "checkerboard": "Checkerboard", "spiral3": "Three-arm spiral",
    "blobs3": "Three blobs", "plane": "Plane", "multigauss": "Multi-Gaussian",
    "sine": "Sine surface",
}

_N_CLASSES = {"binary": 2, "multiclass": 3, "regression": 0}
_LIMIT = limits.INPUT_LIMIT  # inputs live in [-6, 6]^2, the square the plots show
_TARGET_LIMIT = limits.TARGET_LIMIT
# Separate fixed streams: the split then depends only on (seed, n), not on how many numbers
# a generator happened to draw.
_DATA_STREAM = 0xDA7A
_SPLIT_STREAM = 0x5B17
_TAU = 2.0 * np.pi


def _locked(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Dataset:
    """Points split into train and test; every array is a read-only copy.

    x_* have shape (n, 2), float64. y_* have shape (n,): ±1.0 float64 for "binary", int64 in
    {0, 1, 2} for "multiclass", float64 targets for "regression". n_classes is 2, 3 or 0.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    kind: str
    n_classes: int

    def __post_init__(self) -> None:
        if self.kind not in _N_CLASSES or _N_CLASSES[self.kind] != self.n_classes:
            raise ValueError(f"dataset kind {self.kind!r} does not go with n_classes={self.n_classes}")
        y_dtype = np.int64 if self.kind == "multiclass" else np.float64
        for name, dtype in (("x_train", np.float64), ("x_test", np.float64),
                            ("y_train", y_dtype), ("y_test", y_dtype)):
            # copy, so no caller can change the arrays behind the dataset's back
            object.__setattr__(self, name, _locked(np.array(getattr(self, name), dtype=dtype)))
        for x, y in ((self.x_train, self.y_train), (self.x_test, self.y_test)):
            if x.ndim != 2 or x.shape[1] != 2 or y.shape != (x.shape[0],):
                raise ValueError(f"dataset arrays do not match: x {x.shape}, y {y.shape}")

    @cached_property
    def x_all(self) -> np.ndarray:
        """Train then test points, shape (n, 2)."""
        return _locked(np.concatenate([self.x_train, self.x_test]))

    @cached_property
    def y_all(self) -> np.ndarray:
        """Train then test labels or targets, in the order of x_all."""
        return _locked(np.concatenate([self.y_train, self.y_test]))


# --- generators: each returns points (n, 2) and labels (n,) before clipping and splitting ---
# They always draw their noise numbers, even at noise 0, so moving the noise slider never
# changes the underlying random points.

_Generator = Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]


def _sign_labels(positive: np.ndarray) -> np.ndarray:
    return np.where(positive, 1.0, -1.0)


def _counts(n: int, k: int) -> list[int]:
    # as even as possible; the first groups take the remainder
    return [n // k + (i < n % k) for i in range(k)]


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground circle: n//2 points at radius U(0, 2.5), the rest at U(3.5, 5), angle
    U(0, 2π), point (r·sin a, r·cos a). Label +1 when the point shifted by U(−5, 5)·noise per axis
    is within 2.5 of the origin, else −1: noise flips labels, points stay."""
    inner = n // 2
    r = np.concatenate([rng.uniform(0.0, 2.5, inner), rng.uniform(3.5, 5.0, n - inner)])
    a = rng.uniform(0.0, _TAU, n)
    x = np.column_stack([r * np.sin(a), r * np.cos(a)])
    q = x + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return x, _sign_labels(np.hypot(q[:, 0], q[:, 1]) < 2.5)


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground xor: x, y ~ U(−5, 5), each pushed 0.3 away from its axis. Label +1 when
    (x+nx)(y+ny) ≥ 0 with nx, ny ~ U(−5, 5)·noise, else −1: noise flips labels, points stay."""
    x = rng.uniform(-5.0, 5.0, (n, 2))
    x += np.where(x > 0, 0.3, -0.3)
    q = x + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    return x, _sign_labels(q[:, 0] * q[:, 1] >= 0)


def _blob_std(noise: float) -> float:
    # TF Playground: variance grows linearly from 0.5 at noise 0 to 4 at noise 0.5
    return math.sqrt(0.5 + 7.0 * noise)


def _gauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground gauss: n//2 points normal around (−2, −2), label −1, the rest around
    (2, 2), label +1; variance 0.5 + 7·noise (0.5 … 4): noise widens the clouds."""
    positive = np.arange(n) >= n // 2
    centres = np.where(positive, 2.0, -2.0)[:, None]
    x = centres + rng.standard_normal((n, 2)) * _blob_std(noise)
    return x, _sign_labels(positive)


def _arms(rng: np.random.Generator, n: int, noise: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k spiral arms of m points each, i = 0 … m−1: r = 5·i/m, t = 1.75·2π·i/m + arm·2π/k,
    point (r·sin t, r·cos t) + U(−1, 1)·noise per axis. Returns points and arm numbers."""
    points, arms = [], []
    for arm, m in enumerate(_counts(n, k)):
        i = np.arange(m)
        r = 5.0 * i / m
        t = 1.75 * _TAU * i / m + arm * _TAU / k
        jitter = rng.uniform(-1.0, 1.0, (m, 2)) * noise
        points.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter)
        arms.append(np.full(m, arm, dtype=np.int64))
    return np.concatenate(points), np.concatenate(arms)


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground spiral: two arms (offsets 0 → +1 and π → −1) as in `_arms`; noise moves
    points by U(−1, 1)·noise per axis, labels stay exact."""
    x, arm = _arms(rng, n, noise, 2)
    return x, _sign_labels(arm == 0)


def _spiral3(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Three-arm spiral: like spiral with arm offsets 0, 2π/3, 4π/3 and labels 0, 1, 2; noise
    moves points by U(−1, 1)·noise per axis."""
    return _arms(rng, n, noise, 3)


def _moons(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Moons: two interleaving half circles, t ~ U(0, π). The first n − n//2 points lie on the
    upper arc (cos t, sin t), label +1, the rest on the lower arc (1 − cos t, 0.5 − sin t), label
    −1; then p ↦ 3·(p − (0.5, 0.25)) centres them in x ∈ [−4.5, 4.5], y ∈ [−2.25, 2.25].
    Noise moves points by a normal offset with standard deviation 2·noise (at most 1)."""
    upper = np.arange(n) < n - n // 2
    t = rng.uniform(0.0, np.pi, n)
    c, s = np.cos(t), np.sin(t)
    arc = np.where(upper[:, None], np.column_stack([c, s]), np.column_stack([1.0 - c, 0.5 - s]))
    x = 3.0 * (arc - np.array([0.5, 0.25])) + rng.standard_normal((n, 2)) * (2.0 * noise)
    return x, _sign_labels(upper)


def _checkerboard(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Checkerboard: x, y ~ U(−5, 5); label +1 where sin(x)·sin(y) ≥ 0, else −1. Squares are
    π wide with edges at 0 and ±π, so [−5, 5]² shows a 4×4 board (outer squares cut to ≈1.86).
    With the sin(x₁), sin(x₂) features the task becomes xor, which the default network learns.
    Noise flips labels, points stay: the label is read at the point shifted by U(−π, π)·noise
    per axis (at most half a square)."""
    x = rng.uniform(-5.0, 5.0, (n, 2))
    q = x + rng.uniform(-np.pi, np.pi, (n, 2)) * noise
    return x, _sign_labels(np.sin(q[:, 0]) * np.sin(q[:, 1]) >= 0)


# centres at radius 3, angles 90°, 210°, 330°: about as far apart (5.2) as gauss's two (5.7)
_BLOB_CENTRES = 3.0 * np.array([[np.cos(a), np.sin(a)] for a in np.deg2rad([90.0, 210.0, 330.0])])


def _blobs3(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Three blobs: normal clouds around (0, 3), (−2.6, −1.5), (2.6, −1.5) with labels 0, 1, 2
    and near-equal counts; variance 0.5 + 7·noise as in gauss."""
    labels = np.repeat(np.arange(3, dtype=np.int64), _counts(n, 3))
    x = _BLOB_CENTRES[labels] + rng.standard_normal((n, 2)) * _blob_std(noise)
    return x, labels


def _plane(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground plane (regression): x, y ~ U(−6, 6); target (x+nx + y+ny)/10 with
    nx, ny ~ U(−6, 6)·noise; targets lie in about [−1, 1]."""
    x = rng.uniform(-6.0, 6.0, (n, 2))
    q = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    return x, (q[:, 0] + q[:, 1]) / 10.0


_MG_CENTRES = np.array([[-4.0, 2.5], [0.0, 2.5], [4.0, 2.5], [-4.0, -2.5], [0.0, -2.5], [4.0, -2.5]])
_MG_SIGNS = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])


def _multigauss_value(q: np.ndarray) -> np.ndarray:
    """TF Playground's multi-Gaussian surface at points q (n, 2)."""
    d = np.hypot(q[:, 0, None] - _MG_CENTRES[:, 0], q[:, 1, None] - _MG_CENTRES[:, 1])
    v = _MG_SIGNS * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    # argmax keeps the first of equal magnitudes, as TF's strict '>' loop does
    pick = np.argmax(np.abs(v), axis=1)
    return v[np.arange(len(q)), pick]


def _multigauss(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground multi-Gaussian (regression): x, y ~ U(−6, 6); six centres (±4 or 0, ±2.5)
    with alternating signs each give sign·clamp(1 − d/2, 0, 1), d the distance from the point
    shifted by U(−6, 6)·noise per axis; the target is the value of largest magnitude."""
    x = rng.uniform(-6.0, 6.0, (n, 2))
    q = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    return x, _multigauss_value(q)


def _sine(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Sine surface (regression): x, y ~ U(−5, 5); target 0.8·sin(x + nx) with
    nx ~ U(−6, 6)·noise as in plane. It depends on x₁ only: ridges parallel to the x₂ axis."""
    x = rng.uniform(-5.0, 5.0, (n, 2))
    shift = rng.uniform(-6.0, 6.0, n) * noise
    return x, 0.8 * np.sin(x[:, 0] + shift)


_GENERATORS: dict[str, _Generator] = {
    "circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons,
    "checkerboard": _checkerboard, "spiral3": _spiral3, "blobs3": _blobs3, "plane": _plane,
    "multigauss": _multigauss, "sine": _sine,
}


# --- settings checks ---

def _check_number(setting: str, value: float, low: float, high: float, note: str = "") -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not low <= v <= high:
        raise ValueError(f"{setting} must be between {low} and {high}{note}, got {value!r}")
    return v


def _check_whole(setting: str, value: int, low: int, high: int | None = None) -> int:
    span = f"between {low} and {high}" if high is not None else f"{low} or more"
    try:
        if isinstance(value, bool):
            raise TypeError
        v = operator.index(value)
    except TypeError:
        raise ValueError(f"{setting} must be a whole number {span}, got {value!r}") from None
    if v < low or (high is not None and v > high):
        raise ValueError(f"{setting} must be {span}, got {v}")
    return v


def _check_ratio(train_ratio: float) -> float:
    return _check_number("train_ratio", train_ratio, 0.1, 0.9)


def generate(name: str, points: int = 500, noise: float = 0.0, train_ratio: float = 0.5,
             seed: int = 0) -> Dataset:
    """Make dataset `name` (one of NAMES) from a seed and split it into train and test.

    points 50…5000; noise 0…0.5 (the UI's 0–50 %); train_ratio 0.1…0.9; seed ≥ 0. Raises
    ValueError naming the bad setting. Same arguments give bit-identical arrays.
    """
    if name not in _GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(NAMES)}")
    n = _check_whole("points", points, 50, 5000)
    noise = _check_number("noise", noise, 0.0, 0.5, " (0–50 %)")
    ratio = _check_ratio(train_ratio)
    seed = _check_whole("seed", seed, 0)
    x, y = _GENERATORS[name](np.random.default_rng([seed, _DATA_STREAM]), n, noise)
    return _split(np.clip(x, -_LIMIT, _LIMIT), y, KINDS[name], ratio, seed)


def _split(x: np.ndarray, y: np.ndarray, kind: str, ratio: float, seed: int) -> Dataset:
    n = len(x)
    order = np.random.default_rng([seed, _SPLIT_STREAM]).permutation(n)
    n_train = min(max(round(n * ratio), 1), n - 1)  # both sides keep at least one point
    train, test = order[:n_train], order[n_train:]
    return Dataset(x[train], y[train], x[test], y[test], kind, _N_CLASSES[kind])


def from_points(x: np.ndarray, y: np.ndarray, kind: str, train_ratio: float = 0.5,
                seed: int = 0) -> Dataset:
    """Split given points (from a CSV file or drawn by hand) like a generated dataset.

    x: (n, 2) finite inputs within [-6, 6]; y: (n,) with ±1 for "binary", 0/1/2 for
    "multiclass", finite targets for "regression"; n ≥ 2. Raises ValueError otherwise.
    """
    if kind not in _N_CLASSES:
        raise ValueError(f"kind must be one of {', '.join(_N_CLASSES)}, got {kind!r}")
    ratio = _check_ratio(train_ratio)
    seed = _check_whole("seed", seed, 0)
    x = np.array(x, dtype=np.float64)
    y = np.array(y, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"points must have shape (n, 2) and labels (n,), got {x.shape} and {y.shape}")
    if len(x) < 2:
        raise ValueError(f"need at least 2 points so train and test get one each, got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("points and labels must be finite numbers")
    if np.abs(x).max() > _LIMIT:
        raise ValueError("points must lie within [-6, 6] on both axes")
    if np.abs(y).max() > _TARGET_LIMIT:
        raise ValueError(f"targets must lie within {_TARGET_RANGE}")
    allowed = {"binary": {-1.0, 1.0}, "multiclass": {0.0, 1.0, 2.0}}.get(kind)
    if allowed is not None and not set(np.unique(y).tolist()) <= allowed:
        raise ValueError(f"{kind} labels must be in {sorted(int(v) for v in allowed)}")
    return _split(x, y, kind, ratio, seed)


# --- CSV ---

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_COLUMNS = ("x1", "x2", "label")
_MIN_ROWS = 4
_MAX_ROWS = limits.MAX_POINTS


class CsvError(ValueError):
    """A CSV text that cannot be loaded. `line` is 1-based, or 0 for the file as a whole."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[int, str]]:
        return (type(self), (self.line, self.reason))


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    # numbering counts every line break style, so it matches what an editor shows
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _shown(field: str) -> str:
    return repr(field if len(field) <= 24 else field[:24] + "…")


def _looks_numeric(field: str) -> bool:
    return bool(_NUMBER.fullmatch(field) or _NON_FINITE.fullmatch(field))


def _fields(line: str, sep: str) -> list[str]:
    return [f.strip() for f in line.split(sep)]


def _separator(line: str) -> str:
    return ";" if ";" in line else ","


def _check_columns(number: int, fields: list[str], sep: str, what: str) -> None:
    if len(fields) == 3:
        return
    other = "," if sep == ";" else ";"
    hint = f"; this file separates with {sep!r}" if any(other in f for f in fields) else ""
    raise CsvError(number, f"{what} 3 columns (x1, x2, label), found {len(fields)}{hint}")


def _number(number: int, column: str, field: str) -> float:
    if _NUMBER.fullmatch(field):
        value = float(field)
        if math.isfinite(value):
            return value
        raise CsvError(number, f"{column} is too large to be a finite number: {_shown(field)}")
    if _NON_FINITE.fullmatch(field):
        raise CsvError(number, f"{column} must be a finite number, found {_shown(field)}")
    decimal_comma = "," in field and _NUMBER.fullmatch(field.replace(",", ".", 1))
    hint = " (use '.' for decimals)" if decimal_comma else ""
    raise CsvError(number, f"{column} is not a number: {_shown(field)}{hint}")


def _row(number: int, line: str, sep: str) -> tuple[float, float, float]:
    fields = _fields(line, sep)
    _check_columns(number, fields, sep, "expected")
    x1, x2, label = (_number(number, c, f) for c, f in zip(_COLUMNS, fields))
    for column, field, value in (("x1", fields[0], x1), ("x2", fields[1], x2)):
        if not -_LIMIT <= value <= _LIMIT:
            raise CsvError(number, f"{column} = {field[:24]} is outside the input range [-6, 6]")
    if abs(label) > _TARGET_LIMIT:
        raise CsvError(number, f"the label or target {fields[2][:24]} is outside {_TARGET_RANGE}")
    return x1, x2, label


_TARGET_RANGE = (f"the range [-{_TARGET_LIMIT:g}, {_TARGET_LIMIT:g}]; scale the targets down "
                 "(the built-in datasets use -1 to 1)")


def _infer_kind(y: np.ndarray) -> str:
    values = set(np.unique(y).tolist())
    if values <= {-1.0, 1.0} or values <= {0.0, 1.0}:
        return "binary"
    if values <= {0.0, 1.0, 2.0}:
        return "multiclass"
    return "regression"


def _as_kind(y: np.ndarray, kind: str) -> np.ndarray:
    if kind == "binary":
        return np.where(y > 0, 1.0, -1.0)  # 0/1 files become ±1
    if kind == "multiclass":
        return y.astype(np.int64)
    return y


def parse_csv(text: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Read `x1,x2,label` rows and return (x (n, 2), y (n,), kind), arrays read-only.

    Comma or semicolon separated (detected on the first data row), '.' decimals only; an
    optional header (a first line with no number in it; a third column named "target" makes the
    file regression); blank lines and '#' comments skipped. Kind from the labels: all in {-1, 1}
    or {0, 1} -> "binary" (0 becomes -1); 0/1/2 with a 2 -> "multiclass"; else "regression".
    Needs 4 … 100000 rows, finite numbers, inputs within [-6, 6], labels or targets within
    [-1000, 1000] (see ``limits``). Raises CsvError (line and
    reason) on the first problem; nothing is returned half-read.
    """
    header: tuple[int, str] | None = None
    sep: str | None = None
    rows: list[tuple[float, float, float]] = []
    for number, line in _content_lines(text):
        if sep is None and header is None and not any(map(_looks_numeric, _fields(line, _separator(line)))):
            header = (number, line)
            continue
        if sep is None:
            sep = _separator(line)
            if header is not None:
                _check_columns(header[0], _fields(header[1], sep), sep, "header should have")
        if len(rows) == _MAX_ROWS:
            raise CsvError(number, f"too many rows: at most {_MAX_ROWS} are allowed")
        rows.append(_row(number, line, sep))
    if not rows:
        what = "only a header, no data rows" if header else "empty file: no data rows"
        raise CsvError(0, what)
    if len(rows) < _MIN_ROWS:
        raise CsvError(0, f"too few rows: found {len(rows)}, need at least {_MIN_ROWS}")
    data = np.array(rows, dtype=np.float64)
    is_target = header is not None and _fields(header[1], sep)[2].lower() == "target"
    kind = "regression" if is_target else _infer_kind(data[:, 2])
    return _locked(data[:, :2].copy()), _locked(_as_kind(data[:, 2].copy(), kind)), kind


def from_csv(text: str, train_ratio: float = 0.5, seed: int = 0) -> Dataset:
    """Parse CSV text (see parse_csv) and split it with the same seeded shuffle as generate."""
    _check_ratio(train_ratio)
    _check_whole("seed", seed, 0)
    x, y, kind = parse_csv(text)
    return from_points(x, y, kind, train_ratio, seed)


def to_csv(x: np.ndarray, y: np.ndarray, kind: str | None = None) -> str:
    """Write points as CSV text that parse_csv reads back bit for bit.

    Header `x1,x2,label`, or `x1,x2,target` for regression (`kind`, inferred from y as in
    parse_csv when not given). Inputs and targets use repr(float); class labels are integers.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"points must have shape (n, 2) and labels (n,), got {x.shape} and {y.shape}")
    kind = kind or _infer_kind(y.astype(np.float64))
    if kind not in _N_CLASSES:
        raise ValueError(f"kind must be one of {', '.join(_N_CLASSES)}, got {kind!r}")
    labels = _as_kind(y.astype(np.float64), kind).tolist()
    text_of = repr if kind == "regression" else (lambda v: str(int(v)))
    lines = ["x1,x2,target" if kind == "regression" else "x1,x2,label"]
    lines += [f"{a!r},{b!r},{text_of(v)}" for (a, b), v in zip(x.tolist(), labels)]
    return "\n".join(lines) + "\n"
