"""Fuzz parse_csv: any text either loads as valid arrays or fails with CsvError, nothing else."""

from __future__ import annotations

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gdplayground.engine import datasets  # noqa: E402
from gdplayground.engine.datasets import CsvError  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# characters CSV files are made of, plus a few that tend to break parsers
CSV_CHARS = st.sampled_from(list("0123456789.,;-+eE \t\r\n#") + ["nan", "inf", "x1", "\ufeff", "١", "\x00", "é"])


def check_result(text: str) -> None:
    try:
        x, y, kind = datasets.parse_csv(text)
    except CsvError as error:
        assert isinstance(error.line, int) and error.line >= 0
        assert error.reason and "\n" not in str(error) and "\r" not in str(error)
        return
    n = len(x)
    assert 4 <= n <= 100_000
    assert x.shape == (n, 2) and x.dtype == np.float64 and y.shape == (n,)
    assert np.isfinite(x).all() and np.abs(x).max() <= 6.0
    if kind == "binary":
        assert y.dtype == np.float64 and set(y.tolist()) <= {-1.0, 1.0}
    elif kind == "multiclass":
        assert y.dtype == np.int64 and set(y.tolist()) <= {0, 1, 2} and 2 in y
    else:
        assert kind == "regression" and y.dtype == np.float64 and np.isfinite(y).all() and np.abs(y).max() <= 1000


@FUZZ
@given(st.text())
def test_any_text(text: str) -> None:
    check_result(text)


@FUZZ
@given(st.lists(CSV_CHARS, max_size=200).map("".join))
def test_csv_looking_text(text: str) -> None:
    check_result(text)


coordinate = st.floats(-6.0, 6.0)
# one label pool per file, so binary and 3-class files appear, not only mixed (regression) ones
LABEL_POOLS = [[-1.0, 1.0], [0.0, 1.0], [0.0, 1.0, 2.0], None]


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[float, float, float]]:
    pool = draw(st.sampled_from(LABEL_POOLS))
    label = st.floats(-1000.0, 1000.0) if pool is None else st.sampled_from(pool)  # targets within ±1000
    return draw(st.lists(st.tuples(coordinate, coordinate, label), max_size=12))


edit = st.tuples(st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(list("0.,;-e#\n x") + ["nan", ""]))


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    # each edit replaces `width` characters at a position with `insert` (width 0 inserts)
    for position, width, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + width:]
    return text


@FUZZ
@given(rows(), st.sampled_from([",", ";"]), st.booleans(), st.lists(edit, max_size=4))
def test_mutated_valid_csv(data: list, sep: str, header: bool, edits: list) -> None:
    lines = [sep.join(("x1", "x2", "label"))] if header else []
    lines += [sep.join(repr(v) for v in row) for row in data]
    text = "\n".join(lines) + "\n"
    if not edits and len(data) >= 4:
        x, y, _ = datasets.parse_csv(text)  # untouched valid files must load exactly
        assert x.tolist() == [[a, b] for a, b, _ in data]
    check_result(mutate(text, edits))
