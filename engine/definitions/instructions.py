"""Participant instructions: what a step asks of the person who holds it, in their language.

A user task carries SpiffWorkflow's ``instructionsForEndUser`` extension as Markdown in two sections,
``[zh-CN]`` then ``[en]``; ``{name}`` is replaced by that value of the case. ``contextFields`` (a task
property) lists the case values the step shows read-only beside its form.

Codes never reach a participant: a value is shown by its label in the reader's language. Labels come from the
definition's forms (a choice's ``title``, English under ``x-i18n``) and from the declared labels files
``forms/<process>/labels.json`` (``engine.definitions.forms.parse_labels``) for names and values set by scripts
(``publication_kind = 'resolution'`` → 决议公示 / Resolution; ``previous_chair_side`` reads like ``chair_side``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.definitions.forms import I18N_KEYWORD, is_labels
from engine.domain.texts import DEFAULT_LANGUAGE, LANGUAGES, fill, pick, show

_SECTION = re.compile(r"^\[(zh-CN|en)\]\s*$", re.M)


def sections(text: str | None) -> dict[str, str]:
    """``{"zh-CN": …, "en": …}`` from the two-section Markdown (a text without sections counts as Chinese)."""
    if not text or not text.strip():
        return {}
    parts = _SECTION.split(text)
    if len(parts) == 1:
        return {DEFAULT_LANGUAGE: text.strip()}
    found = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return {lang: body for lang, body in found.items() if lang in LANGUAGES and body}


def render(text: str | None, language: str, values: dict[str, Any],
           forms: dict[str, dict] | None = None) -> str | None:
    """The instructions in ``language`` (Chinese when missing) with ``{name}`` filled from the case; given the
    definition's ``forms``, a coded value is shown by its label (决议公示, not ``resolution``)."""
    found = sections(text)
    body = found.get(language) or found.get(DEFAULT_LANGUAGE)
    if body is None:
        return None
    labels = Labels.of(forms or {})
    return fill(body, lambda name: show(labels.show(name, values[name], language), language)
                if name in values else None)


def context_fields(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def context(fields: str | None, values: dict[str, Any], forms: dict[str, dict], language: str) -> list[dict]:
    """The read-only case values a task shows (its ``contextFields``): ``{"name", "title", "value"}`` with the
    title and every coded value in ``language``."""
    return labelled(forms, {name: values[name] for name in context_fields(fields) if name in values}, language)


def labelled(forms: dict[str, dict], values: dict[str, Any], language: str) -> list[dict]:
    """``[{name, title, value}]``: case values with their titles and coded values labelled in ``language``."""
    labels = Labels.of(forms)
    return [{"name": name, "title": labels.title(name, language), "value": labels.show(name, value, language)}
            for name, value in values.items()]


def field_titles(forms: dict[str, dict], language: str) -> dict[str, str]:
    """Titles for labelling case values: the names the labels files declare, then every top-level form field of
    the definition (first form wins), then the case variables every case has."""
    titles: dict[str, str] = {}
    for key in sorted(forms):  # the labels files first: the designer's declared title wins over a form field's
        if is_labels(key):
            for name, entry in (forms[key] or {}).items():
                if name not in titles and isinstance(entry, dict) and isinstance(entry.get("title"), dict):
                    titles[name] = pick(entry["title"], language)
    for key in sorted(forms):
        if is_labels(key):
            continue
        for name, prop in ((forms[key] or {}).get("properties") or {}).items():
            if name in titles or not isinstance(prop, dict) or "title" not in prop:
                continue
            english = ((prop.get(I18N_KEYWORD) or {}).get("en") or {}).get("title")
            titles[name] = english if language == "en" and english else prop["title"]
    for name, title in CASE_VARIABLE_TITLES.items():
        titles.setdefault(name, pick(title, language))
    return titles


# The values the engine sets in every case (engine.domain.case_variables), as a participant reads their names.
CASE_VARIABLE_TITLES: dict[str, dict[str, str]] = {
    "case_reference": {"zh-CN": "事项编号", "en": "Case reference"},
    "case_unit": {"zh-CN": "所属社区或楼宇", "en": "Community or building"},
    "case_started_by": {"zh-CN": "发起人", "en": "Started by"},
    "case_started_at": {"zh-CN": "发起时间", "en": "Started at"},
}


def _key(code: Any) -> str:
    """How a code is looked up: a string as itself, anything else (true, 3) as its JSON text."""
    return code if isinstance(code, str) else json.dumps(code, ensure_ascii=False)


class Labels:
    """Titles of names and labels of coded values of one definition (its forms and labels files)."""

    def __init__(self, forms: dict[str, dict]):
        self.titles = {lang: field_titles(forms, lang) for lang in LANGUAGES}
        self.values: dict[str, dict[str, dict[str, str]]] = {}
        aliases: dict[str, str] = {}
        for key in sorted(forms):  # declared labels first: the designer's word wins over a form's choice
            if is_labels(key):
                for name, entry in (forms[key] or {}).items():
                    if not isinstance(entry, dict) or name in self.values or name in aliases:
                        continue
                    if isinstance(entry.get("valuesOf"), str):
                        aliases[name] = entry["valuesOf"]
                    elif isinstance(entry.get("values"), dict):
                        self.values[name] = dict(entry["values"])
        for key in sorted(forms):
            if not is_labels(key):
                self._choices(forms[key] or {})
        for name, other in aliases.items():
            if other in self.values:
                self.values[name] = self.values[other]

    def _choices(self, node: Any, name: str | None = None) -> None:
        """Every field that is a choice (``oneOf`` of ``const`` + ``title``), nested ones and list items too."""
        if isinstance(node, list):
            for item in node:
                self._choices(item, name)
            return
        if not isinstance(node, dict):
            return
        options = node.get("oneOf") or node.get("anyOf")
        if name and name not in self.values and isinstance(options, list) and options and \
                all(isinstance(o, dict) and "const" in o and "title" in o for o in options):
            self.values[name] = {_key(o["const"]): {
                "zh-CN": o["title"], "en": ((o.get(I18N_KEYWORD) or {}).get("en") or {}).get("title") or o["title"]}
                for o in options}
        for sub_name, sub in (node.get("properties") or {}).items():
            self._choices(sub, sub_name)
        for sub in (node.get("$defs") or {}).values():
            self._choices(sub)
        if "items" in node:
            self._choices(node["items"], name)

    _cache: dict[int, tuple[dict, Labels]] = {}

    @classmethod
    def of(cls, forms: dict[str, dict]) -> Labels:
        """The labels of a definition's forms (cached while that forms mapping lives: definitions are cached)."""
        found = cls._cache.get(id(forms))
        if found is not None and found[0] is forms:
            return found[1]
        labels = cls(forms)
        if len(cls._cache) > 256:
            cls._cache.clear()
        cls._cache[id(forms)] = (forms, labels)
        return labels

    def title(self, name: str, language: str) -> str:
        return self.titles.get(language, {}).get(name, name)

    def show(self, name: str, value: Any, language: str) -> Any:
        """``value`` with every code replaced by its label in ``language``: a scalar, each item of a list, and
        the fields of an object by their own names. Values without labels are returned unchanged."""
        if isinstance(value, dict):
            return {k: self.show(k, v, language) for k, v in value.items()}
        if isinstance(value, list):
            return [self.show(name, item, language) for item in value]
        if value is None:
            return None
        label = self.values.get(name, {}).get(_key(value))
        return pick(label, language) if label is not None else value


