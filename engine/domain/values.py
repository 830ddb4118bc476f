"""Walking submitted JSON: every scalar with the path a person reads (``participants/0/name``), keys included,
so the API and the engine refuse the same unstorable values in one way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(path, scalar)`` for every scalar of a JSON value; an object's keys come with the object's own path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from leaves(item, f"{path}/{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}/{index}" if path else str(index))
    else:
        yield path, value


def has_nul(text: str) -> bool:
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)
