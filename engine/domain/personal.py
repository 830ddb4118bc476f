"""Personal data in forms (phone numbers, ID numbers, addresses) and how it reads when masked.

A form field holding personal data is marked in its JSON Schema with the declared keyword ``x-yishi-personal``
(``"phone"``, ``"id"`` or ``"address"``) on a string property, wherever the property sits (top level, inside an
object, under ``$defs``). Case data is one namespace of field names, so a definition's personal fields are the
names so marked in any of its forms; a value under such a name, anywhere in a value (a person inside a list of
participants), is personal.

Who sees it (``Entitlement``): administrators, the person who entered it, and whoever holds in the case's unit a
role the case gave a step whose form asks for that field (the roles that handle it, read from the case file's
``task_opened`` events). Everyone else reads it masked: ``138****1234``, ``110***********123X``, an address up to
its first number followed by ``****``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KEYWORD = "x-yishi-personal"
PHONE, ID_NUMBER, ADDRESS = "phone", "id", "address"
KINDS = (PHONE, ID_NUMBER, ADDRESS)
SCHEMA_SUFFIX = ".schema.json"
STARS = "****"
# a house number: digits, or Chinese numerals before 号/栋/幢/单元/楼/室/层 (not the 五 of 五华区)
_FIRST_NUMBER = re.compile(r"[0-9０-９]|[一二三四五六七八九十百零]+(?=[号栋幢单楼室层])")


def mask(kind: str, value: Any) -> Any:
    """``value`` as those who may not see it read it (non-strings are left as they are: nothing to mask)."""
    if not isinstance(value, str) or not value:
        return value
    text = value.strip()
    if kind == PHONE:
        if len(text) >= 8:
            return text[:3] + STARS + text[-4:]
        return "*" * max(len(text) - 2, 1) + text[-2:] if len(text) > 2 else "*" * len(text)
    if kind == ID_NUMBER:
        if len(text) >= 10:
            return text[:3] + "*" * (len(text) - 7) + text[-4:]
        return "*" * (len(text) - 1) + text[-1:]
    # an address: the place up to its first number (street, estate), at most ten characters; the rest hidden
    found = _FIRST_NUMBER.search(text)
    keep = text[:found.start()] if found else text[:len(text) // 2]
    return keep[:10] + STARS


def fields_of(schema: Any) -> dict[str, str]:
    """``{field name: kind}`` of the properties marked personal anywhere in one JSON Schema."""
    found: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items() if isinstance(node.get("properties"),
                                                                                     dict) else ():
                if isinstance(prop, dict) and isinstance(prop.get(KEYWORD), str):
                    found.setdefault(name, prop[KEYWORD])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def definition_fields(forms: Mapping[str, Any]) -> dict[str, str]:
    """``{field name: kind}`` over every form (JSON Schema) of a definition version."""
    found: dict[str, str] = {}
    for key in sorted(forms):
        if key.endswith(SCHEMA_SUFFIX):
            for name, kind in fields_of(forms[key]).items():
                found.setdefault(name, kind)
    return found


def form_fields(forms: Mapping[str, Any], form_key: str | None) -> set[str]:
    return set(fields_of(forms.get(form_key))) if form_key else set()


def masked(value: Any, fields: Mapping[str, str], hidden: set[str] | frozenset[str] | None = None,
           path: str = "", found: list[str] | None = None) -> Any:
    """A copy of ``value`` with every personal field in ``hidden`` (default: all of ``fields``) masked; the
    paths masked are added to ``found``."""
    hidden = set(fields) if hidden is None else hidden
    if isinstance(value, dict):
        copy = {}
        for name, item in value.items():
            where = f"{path}.{name}" if path else str(name)
            if name in hidden and name in fields and isinstance(item, str) and item:
                copy[name] = mask(fields[name], item)
                if found is not None:
                    found.append(where)
            else:
                copy[name] = masked(item, fields, hidden, where, found)
        return copy
    if isinstance(value, list):
        return [masked(item, fields, hidden, f"{path}[{index}]", found) for index, item in enumerate(value)]
    return value


def contains(value: Any, fields: Mapping[str, str]) -> bool:
    """Whether ``value`` holds a non-empty personal field anywhere."""
    if isinstance(value, dict):
        return any((name in fields and isinstance(item, str) and item) or contains(item, fields)
                   for name, item in value.items())
    if isinstance(value, list):
        return any(contains(item, fields) for item in value)
    return False


@dataclass(frozen=True)
class Entitlement:
    """Which personal fields of one case a reader sees in full.

    ``fields``: the definition's personal fields; ``handlers``: field → the roles the case gave a step whose form
    asks for it; ``roles``: the reader's roles in the case's unit; ``everything``: an administrator."""

    user_id: str
    fields: Mapping[str, str]
    handlers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    everything: bool = False

    def hidden(self, entered_by: str | None = None) -> set[str]:
        """The personal fields masked for this reader in a value ``entered_by`` someone."""
        if self.everything or (entered_by is not None and entered_by == self.user_id):
            return set()
        return {name for name in self.fields if not (self.handlers.get(name, frozenset()) & self.roles)}

    def apply(self, value: Any, entered_by: str | None = None, found: list[str] | None = None) -> Any:
        hidden = self.hidden(entered_by)
        return masked(value, self.fields, hidden, found=found) if hidden else value


def handlers(opened: Iterable[tuple[str | None, str | None]], forms: Mapping[str, Any],
             fields: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Field → roles, from the ``(role, form)`` of every step the case opened."""
    found: dict[str, set[str]] = {}
    for role, form_key in opened:
        if role is None:
            continue
        for name in form_fields(forms, form_key) & set(fields):
            found.setdefault(name, set()).add(role)
    return {name: frozenset(roles) for name, roles in found.items()}
