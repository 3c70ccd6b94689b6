"""A lesson: instruction text for the student and the controls a teacher locked or hid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ExperimentError, shown

# Control names a lesson can lock or hide, with the words the teacher sees.
CONTROLS: dict[str, str] = {
    "dataset": "Dataset and its settings",
    "draw": "Drawing and importing points",
    "features": "Input features",
    "hidden": "Hidden layers and neurons",
    "activation": "Activation",
    "loss": "Loss",
    "init": "Initialisation",
    "optimizer": "Optimizer and its settings",
    "lr": "Learning rate",
    "schedule": "Learning-rate schedule",
    "batch_size": "Batch size",
    "regularization": "Regularization",
    "seed": "Seed",
    "weights": "Editing weights by hand",
}

MAX_TITLE = 200
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Lesson:
    """``title``; ``instructions`` (Markdown: paragraphs, lists, emphasis); ``locked`` controls
    are shown but disabled, ``hidden`` ones are not shown (names from CONTROLS)."""

    title: str
    instructions: str
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "instructions": self.instructions, "locked": list(self.locked), "hidden": list(self.hidden)}


def text_field(where: str, value: Any, limit: int) -> str:
    """``value`` if it is text of at most ``limit`` characters that can be written back as UTF-8."""
    if not isinstance(value, str):
        raise ExperimentError(f"{where}: expected text, got {shown(value)}")
    if len(value) > limit:
        raise ExperimentError(f"{where}: longer than {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ExperimentError(f"{where}: contains characters that are not valid Unicode") from None
    return value


def lesson_from_dict(data: Any) -> Lesson:
    if not isinstance(data, dict):
        raise ExperimentError(f"lesson: expected an object, got {shown(data)}")
    unknown = sorted(set(data) - {"title", "instructions", "locked", "hidden"})
    if unknown:
        raise ExperimentError(f"lesson: unknown field {shown(unknown[0])}")
    title = text_field("lesson.title", data.get("title", ""), MAX_TITLE)
    text = text_field("lesson.instructions", data.get("instructions", ""), MAX_TEXT)
    return Lesson(title, text, _controls("lesson.locked", data.get("locked", [])), _controls("lesson.hidden", data.get("hidden", [])))


def _controls(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ExperimentError(f"{where}: expected a list of control names, got {shown(value)}")
    for name in value:
        if not isinstance(name, str) or name not in CONTROLS:
            raise ExperimentError(f"{where}: unknown control {shown(name)}; known: {', '.join(CONTROLS)}")
    return tuple(dict.fromkeys(value))
