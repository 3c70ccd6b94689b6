"""The one error every experiment reader raises."""
from __future__ import annotations


class ExperimentError(ValueError):
    """A file or object that is not a valid experiment; the message says which field and why."""


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut short, so a hostile file cannot fill a message box."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def field_name(key: object, limit: int = 30) -> str:
    """A field name as written in messages: plain when it is a short identifier, else quoted."""
    if isinstance(key, str) and key.isidentifier() and key.isascii() and len(key) <= limit:
        return key
    return shown(key, limit)
