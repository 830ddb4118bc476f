"""Participant instructions: what a step asks of the person who holds it, in their language.

A user task carries SpiffWorkflow's ``instructionsForEndUser`` extension as Markdown in two sections,
``[zh-CN]`` then ``[en]``; ``{name}`` is replaced by that value of the case. ``contextFields`` (a task
property) lists the case values the step shows read-only beside its form.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.definitions.forms import I18N_KEYWORD
from engine.domain.texts import DEFAULT_LANGUAGE, LANGUAGES

_SECTION = re.compile(r"^\[(zh-CN|en)\]\s*$", re.M)
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")


def sections(text: str | None) -> dict[str, str]:
    """``{"zh-CN": …, "en": …}`` from the two-section Markdown (a text without sections counts as Chinese)."""
    if not text or not text.strip():
        return {}
    parts = _SECTION.split(text)
    if len(parts) == 1:
        return {DEFAULT_LANGUAGE: text.strip()}
    found = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return {lang: body for lang, body in found.items() if lang in LANGUAGES and body}


def render(text: str | None, language: str, values: dict[str, Any]) -> str | None:
    """The instructions in ``language`` (Chinese when missing) with ``{name}`` filled from the case."""
    found = sections(text)
    body = found.get(language) or found.get(DEFAULT_LANGUAGE)
    if body is None:
        return None
    return _PLACEHOLDER.sub(lambda m: _show(values[m.group(1)]) if m.group(1) in values else m.group(0), body)


def context_fields(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def field_titles(forms: dict[str, dict], language: str) -> dict[str, str]:
    """The title of every top-level form field of a definition (first form wins), for labelling case values."""
    titles: dict[str, str] = {}
    for key in sorted(forms):
        for name, prop in ((forms[key] or {}).get("properties") or {}).items():
            if name in titles or not isinstance(prop, dict) or "title" not in prop:
                continue
            english = ((prop.get(I18N_KEYWORD) or {}).get("en") or {}).get("title")
            titles[name] = english if language == "en" and english else prop["title"]
    return titles


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
