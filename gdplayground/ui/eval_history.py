"""The full-set train/test evaluations of a run so far, for the loss plot's second curve."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np


class EvalHistory:
    """(update, train loss, test loss) rows in update order, at most one per update."""

    def __init__(self) -> None:
        self._steps: list[int] = []
        self._train: list[float] = []
        self._test: list[float] = []

    def record(self, step: int, metrics: Mapping[str, float]) -> None:
        """Add the evaluation of update ``step``, replacing an earlier one of the same update."""
        if self._steps and self._steps[-1] == step:
            self._pop()
        self._steps.append(step)
        self._train.append(metrics.get("train_loss", math.nan))
        self._test.append(metrics.get("test_loss", math.nan))

    def forget_after(self, step: int) -> None:
        """Drop evaluations of updates after ``step`` (the run went back)."""
        while self._steps and self._steps[-1] > step:
            self._pop()

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(updates, train loss, test loss) as arrays."""
        return np.array(self._steps, dtype=float), np.array(self._train), np.array(self._test)

    def _pop(self) -> None:
        self._steps.pop(), self._train.pop(), self._test.pop()
