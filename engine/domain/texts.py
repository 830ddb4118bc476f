"""Bilingual texts: every message a person reads exists in Chinese (first) and English, written side by side
where it is raised, so no message can exist in one language only.

``Text("未找到事项 {ref}", "case {ref} not found", ref="…")`` renders per language; the API picks the language
from ``Accept-Language`` (zh-CN by default), the CLI and logs use English.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"


@dataclass(frozen=True)
class Text:
    zh: str
    en: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, zh: str, en: str, /, **params: Any):
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "en", en)
        object.__setattr__(self, "params", params)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        template = self.en if language == "en" else self.zh
        values = {k: (v.render(language) if isinstance(v, Text) else v) for k, v in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def __str__(self) -> str:
        return self.render("en")


def pick(value: Any, language: str = DEFAULT_LANGUAGE) -> Any:
    """A language map ``{"zh-CN": …, "en": …}`` → the text in ``language`` (falling back to Chinese)."""
    if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
        return value.get(language) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()))
    return value


PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")


def fill(template: str, value_of: Callable[[str], str | None]) -> str:
    """``{name}`` in a designer's text (a rule message, instructions) replaced by ``value_of(name)``; a name it
    has no value for stays as written."""
    def one(match: re.Match) -> str:
        found = value_of(match.group(1))
        return match.group(0) if found is None else found
    return PLACEHOLDER.sub(one, template)


def show(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A case value as a person reads it inside a sentence: an instant in Beijing time to the minute (a deadline's
    last second as that day's 24:00), other text as is, a list of texts joined, else JSON."""
    if isinstance(value, str):
        return _instant(value) or value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ("、" if language != "en" else ", ").join(_instant(v) or v for v in value)
    return json.dumps(value, ensure_ascii=False)


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
_SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def _instant(text: str) -> str | None:
    """``2026-03-09T23:59:59+08:00`` as ``2026-03-09 24:00``; None when ``text`` is no ISO instant with an offset."""
    if not _INSTANT.fullmatch(text):
        return None
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(_SHANGHAI)
    except ValueError:
        return None
    if (at.hour, at.minute, at.second) == (23, 59, 59):
        return f"{at.date().isoformat()} 24:00"
    return at.strftime("%Y-%m-%d %H:%M")
