"""RunConfig: everything that defines a run, as one frozen value.

Mappings (optimizer and schedule settings) are stored as sorted tuples of pairs so that a config
is hashable and can never be changed behind a running worker's back.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from . import datasets, limits

REGULARIZATIONS: tuple[str, ...] = ("none", "l1", "l2")
FULL_BATCH = 0  # batch_size 0 means the whole training set


def _pairs(mapping: Mapping[str, Any] | tuple) -> tuple[tuple[str, Any], ...]:
    items = mapping.items() if isinstance(mapping, Mapping) else mapping
    return tuple(sorted((str(k), tuple(v) if isinstance(v, list) else v) for k, v in items))


@dataclass(frozen=True)
class RunConfig:
    """One experiment.

    Data: ``dataset`` (a name from ``datasets.NAMES`` or "custom" with points given to Run),
    ``points`` (50-5000), ``noise`` (fraction 0-0.5), ``train_ratio`` (0.1-0.9), ``data_seed``
    (None: use ``seed``). Network: ``features`` (from ``features.NAMES``), ``hidden`` (neurons per
    hidden layer), ``activation`` (one name for all layers or one per layer), ``loss`` ("auto",
    "squared" or "cross_entropy"), ``init`` ("playground", "xavier", "he", "zeros"),
    ``regularization`` ("none", "l1", "l2") with ``reg_rate``. Training: ``optimizer`` (from
    ``optimizers.NAMES``) with ``lr`` and ``hyper`` (its other hyperparameters, PyTorch names),
    ``schedule`` with ``schedule_settings`` and ``warmup_steps``, ``batch_size`` (0 = full
    batch, 1 = stochastic), ``seed`` (initial weights and batch order).

    Every number is checked against ``limits`` (the table the window's fields read too), so no
    number a field cannot show gets this far; ValueError says which field, its range and the
    value. Names, and settings that depend on each other, are checked when a Run is built
    (``experiment.check_config`` does both for a config from outside).
    """

    dataset: str = "circle"
    points: int = 500
    noise: float = 0.0
    train_ratio: float = 0.5
    data_seed: int | None = None
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str | tuple[str, ...] = "tanh"
    loss: str = "auto"
    init: str = "playground"
    regularization: str = "none"
    reg_rate: float = 0.0
    optimizer: str = "gd"
    lr: float = 0.03
    hyper: tuple[tuple[str, Any], ...] = field(default=())
    schedule: str = "constant"
    schedule_settings: tuple[tuple[str, Any], ...] = field(default=())
    warmup_steps: int = 0
    batch_size: int = 10
    seed: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "hidden", tuple(int(n) for n in self.hidden))
        if not isinstance(self.activation, str):
            object.__setattr__(self, "activation", tuple(self.activation))
        object.__setattr__(self, "hyper", _pairs(self.hyper))
        object.__setattr__(self, "schedule_settings", _pairs(self.schedule_settings))
        self._check()

    def _check(self) -> None:
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(f"unknown regularization {self.regularization!r}; choose one of {', '.join(REGULARIZATIONS)}")
        for name, allowed in limits.FIELDS.items():
            value = getattr(self, name)
            if value is not None or name != "data_seed":
                limits.check("batch_size (0 means the full batch)" if name == "batch_size" else name, value, allowed)
        outputs = 3 if datasets.KINDS.get(self.dataset, "multiclass") == "multiclass" else 1  # custom: at most 3
        problem = limits.network_problem(len(self.features), self.hidden, outputs)
        if problem:
            raise ValueError(problem)
        if not isinstance(self.activation, str) and len(self.activation) != len(self.hidden):
            raise ValueError(f"{len(self.activation)} activations given for {len(self.hidden)} hidden layers")
        for settings, table, what in ((self.hyper, limits.HYPER, "optimizer setting"), (self.schedule_settings, limits.SCHEDULE, "schedule setting")):
            for key, value in settings:
                if key in table:
                    for v in value if key == "betas" and isinstance(value, tuple) else (value,):
                        limits.check(f"{what} {key}", v, table[key])

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return self.activation

    @property
    def hyper_dict(self) -> dict[str, Any]:
        return dict(self.hyper)

    @property
    def schedule_dict(self) -> dict[str, Any]:
        return dict(self.schedule_settings)

    @property
    def effective_data_seed(self) -> int:
        return self.seed if self.data_seed is None else self.data_seed

    def replace(self, **changes: Any) -> "RunConfig":
        """A copy with ``changes`` applied (validated)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly values (lists for tuples, dicts for settings)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("hyper", "schedule_settings"):
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value}
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    # What can change mid-run without rebuilding the network or the data.
    LIVE_FIELDS = frozenset({"optimizer", "lr", "hyper", "schedule", "schedule_settings", "warmup_steps", "batch_size", "regularization", "reg_rate"})

    def needs_rebuild(self, other: "RunConfig") -> bool:
        """True when going from self to ``other`` needs a new network or new data (a reset)."""
        return any(getattr(self, f.name) != getattr(other, f.name) for f in fields(self) if f.name not in self.LIVE_FIELDS)
