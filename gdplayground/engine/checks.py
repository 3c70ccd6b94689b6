"""Checking numbers that come from people (forms, files, flags), with messages that say which."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite_number(what: str, value: Any) -> float:
    """``value`` as a float; ValueError naming ``what`` unless it is a finite real number."""
    # bool is an int in Python, but "eps=True" is a mistake worth reporting.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{what} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return x
