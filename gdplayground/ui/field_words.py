"""How the status bar names RunConfig fields and describes a change of settings."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

FIELD_WORDS = {
    "dataset": "the dataset", "points": "the number of points", "noise": "the noise",
    "train_ratio": "the train/test split", "data_seed": "the data", "features": "the input features",
    "hidden": "the hidden layers", "activation": "the activation", "loss": "the loss",
    "init": "the initialisation", "seed": "the seed", "lr": "learning rate", "optimizer": "optimizer",
    "hyper": "optimizer settings", "schedule": "schedule", "schedule_settings": "schedule settings",
    "warmup_steps": "warm-up", "batch_size": "batch size", "regularization": "regularization",
    "reg_rate": "regularization rate",
}


def field_words(keys: Iterable[str]) -> str:
    """The fields ``keys`` in words, comma-separated ("the dataset, learning rate")."""
    return ", ".join(FIELD_WORDS.get(k, k) for k in keys)


def describe_changes(changes: Mapping[str, Any]) -> str:
    """``changes`` in words, with the values that read well ("Learning rate 0.3, optimizer adam")."""
    text = ", ".join(_describe_one(key, value) for key, value in changes.items())
    return text[:1].upper() + text[1:]


def _describe_one(key: str, value: Any) -> str:
    word = FIELD_WORDS.get(key, key)
    if isinstance(value, float):
        return f"{word} {value:g}"
    if isinstance(value, (str, int)):
        return f"{word} {value}"
    return word  # tuples, mappings: the field's name says enough
