"""The limits of every number a person can give the playground: in a file, in the remembered
settings, as a command-line flag or in a form field. One table, read by the checks (RunConfig,
the file readers, the CSV reader) and by the window's widgets, so that whatever a file may hold,
a widget can show, and whatever a widget offers, a file may hold.

Why each bound:
- seeds are shown in a spin box, which holds whole numbers up to 2^31 - 1;
- update counts (warm-up, schedule steps) stop at 10^7: a run of ten million updates is far
  beyond a lesson, and the spin boxes show up to that;
- rates and penalties (reg_rate, weight_decay, decay rates) stop where they would swamp any loss:
  a larger value only overflows the numbers and gets blamed on the learning rate;
- points live in [-6, 6]² (the square the plots show), regression targets in [-1000, 1000]
  (the built-in data use [-1, 1]; far larger targets overflow the plots' axes);
- the window draws at most 8 hidden layers of 32 neurons (what its + buttons allow); the engine
  and ``gdplayground train`` take larger networks, up to what fits in memory comfortably.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence


@dataclass(frozen=True)
class Range:
    """Allowed values ``low … high`` (``low`` itself excluded when ``low_open``); ``whole`` for
    counts."""

    low: float
    high: float
    whole: bool = False
    low_open: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def text(self) -> str:
        """The range in words: "from 0 to 2,147,483,647", "more than 0"."""
        low, high = _number(self.low), _number(self.high)
        if math.isinf(self.high):
            return f"greater than {low}" if self.low_open else f"at least {low}"
        return f"from {low} to {high}" if not self.low_open else f"greater than {low} and at most {high}"


def _number(x: float) -> str:
    if float(x).is_integer() and abs(x) >= 10_000:
        return f"{int(x):,}"
    return f"{x:g}" if abs(x) < 10_000 else f"{x:,.0f}"


MAX_SEED = 2**31 - 1  # a Qt spin box holds a 32-bit signed number
MAX_COUNT = 10**7  # warm-up and schedule lengths, in updates

# RunConfig fields
FIELDS: dict[str, Range] = {
    "points": Range(50, 5000, whole=True),
    "noise": Range(0.0, 0.5),
    "train_ratio": Range(0.1, 0.9),
    "seed": Range(0, MAX_SEED, whole=True),
    "data_seed": Range(0, MAX_SEED, whole=True),
    "warmup_steps": Range(0, MAX_COUNT, whole=True),
    "batch_size": Range(0, 100_000, whole=True),  # 0 = full batch; no file holds more points
    "lr": Range(0.0, math.inf, low_open=True),
    "reg_rate": Range(0.0, 10.0),
}

# optimizer hyperparameters (betas: each of the two); flags are not numbers and not listed
HYPER: dict[str, Range] = {
    "momentum": Range(0.0, 0.9999),
    "dampening": Range(0.0, 1.0),
    "alpha": Range(0.0, 1.0),
    "rho": Range(0.0, 1.0),
    "betas": Range(0.0, 0.9999),
    "eps": Range(0.0, 1.0),
    "weight_decay": Range(0.0, 10.0),
    "lr_decay": Range(0.0, 1000.0),
    "initial_accumulator_value": Range(0.0, 1000.0),
}

# schedule settings (lr_min is also at most lr: the schedule checks that)
SCHEDULE: dict[str, Range] = {
    "step_size": Range(1, MAX_COUNT, whole=True),
    "gamma": Range(0.0001, 1.0),
    "decay_rate": Range(0.0, 1000.0),
    "decay_steps": Range(1, MAX_COUNT, whole=True),
    "t_max": Range(1, MAX_COUNT, whole=True),
    "lr_min": Range(0.0, math.inf),
}

# data
INPUT_LIMIT = 6.0  # both coordinates of every point within [-6, 6]
TARGET_LIMIT = 1000.0  # regression targets within [-1000, 1000]
MAX_POINTS = 100_000  # in a file or a CSV file

# networks
MAX_LAYERS = 64  # hidden layers the engine builds
MAX_WIDTH = 4096  # neurons in one hidden layer the engine builds
MAX_PARAMETERS = 2_000_000  # weights and biases in all (a file holds at most this many numbers)
WINDOW_LAYERS = 8  # what the window's network builder draws and offers
WINDOW_NEURONS = 32
MAX_OUTPUTS = 3  # three classes at most


def check(what: str, value: Any, allowed: Range) -> None:
    """ValueError in one sentence unless ``value`` is a number inside ``allowed``."""
    kind = "a whole number" if allowed.whole else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (allowed.whole and not float(value).is_integer()):
        raise ValueError(f"{what} must be {kind} {allowed.text()}, not {value!r}")
    if not math.isfinite(value) or not allowed.contains(value):
        raise ValueError(f"{what} must be {kind} {allowed.text()}, not {_shown(value)}")


def _shown(value: float) -> str:
    text = repr(value)
    return text if len(text) <= 24 else f"{value:.3g}"


def parameter_count(n_inputs: int, hidden: Sequence[int], n_outputs: int) -> int:
    """Weights and biases of a fully connected network with these layer sizes."""
    sizes = [n_inputs, *hidden, n_outputs]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def network_problem(n_inputs: int, hidden: Sequence[int], n_outputs: int = MAX_OUTPUTS) -> str | None:
    """Why the engine will not build this network (too big for memory), or None."""
    if len(hidden) > MAX_LAYERS:
        return f"a network can have at most {MAX_LAYERS} hidden layers, not {len(hidden)}"
    for i, n in enumerate(hidden, start=1):
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_WIDTH:
            return f"hidden layer {i} must have 1 to {MAX_WIDTH:,} neurons (a wider one would not fit in memory), not {n!r}"
    count = parameter_count(n_inputs, hidden, n_outputs)
    if count > MAX_PARAMETERS:
        return (f"this network would have {count:,} weights and biases; the playground takes at most "
                f"{MAX_PARAMETERS:,} (every update keeps several copies of them in memory)")
    return None


def window_problem(hidden: Sequence[int]) -> str | None:
    """Why the window cannot show this network (its builder's limits), or None."""
    widest = max(hidden, default=0)
    if len(hidden) <= WINDOW_LAYERS and widest <= WINDOW_NEURONS:
        return None
    layers = f"{len(hidden)} hidden layer" + ("s" if len(hidden) != 1 else "")
    shape = f"{layers} of up to {widest} neuron" + ("s" if widest != 1 else "")
    return (f"its network has {shape}; the window shows at most {WINDOW_LAYERS} hidden layers of "
            f"{WINDOW_NEURONS} neurons (train it with `gdplayground train --config FILE`)")
