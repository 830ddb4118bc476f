"""Summary lines (issue 13, item 9): a method declares two or three case values (``summaryFields`` on its process:
category, households affected, amount…) that every list, notification and card shows, so a worker can decide
without opening the case. They are titled and labelled in both languages when the case starts and after every
completed step, and kept on the case row (``cases.summary``), so the read side and the notifications never need
the definition to show them."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from engine.definitions import bpmn, instructions
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain.texts import LANGUAGES, show
from engine.store.tables import cases, definition_versions

_fields_by_content: dict[str, list[str]] = {}  # content hash → the process's summary fields (versions are immutable)
_lock = threading.Lock()


def declared(conn: sa.Connection, version_id: int, head: tuple[str, str] | None = None) -> list[str]:
    """The summary fields the definition version's own process declares (at most three); ``head``: the version's
    (key, content hash) when the caller has it already."""
    dv = definition_versions
    if head is None:
        head = conn.execute(sa.select(dv.c.key, dv.c.content_hash).where(dv.c.id == version_id)).first()
        if head is None:
            return []
    key, content_hash = head
    found = _fields_by_content.get(content_hash)
    if found is None:
        files = conn.execute(sa.select(dv.c.bpmn).where(dv.c.id == version_id)).scalar_one()
        found = []
        for xml in files.values():
            for process in bpmn.processes(parse_bpmn(xml.encode("utf-8"))):
                if process.get("id") == key:
                    value = bpmn.properties(process).get(bpmn.SUMMARY_PROPERTY, "")
                    found = [name.strip() for name in value.split(",") if name.strip()][:3]
        with _lock:
            _fields_by_content[content_hash] = found
    return found


def lines(fields: list[str], forms: dict[str, dict], data: dict[str, Any]) -> list[dict] | None:
    """``[{"name", "title": {lang: …}, "value": {lang: …}}]`` for the declared fields the data holds."""
    present = {name: data[name] for name in fields if data.get(name) not in (None, "", [])}
    if not present:
        return None
    by_language = {language: instructions.labelled(forms, present, language) for language in LANGUAGES}
    return [{"name": name,
             "title": {language: by_language[language][i]["title"] for language in LANGUAGES},
             "value": {language: show(by_language[language][i]["value"], language) for language in LANGUAGES}}
            for i, name in enumerate(present)]


_SET_SUMMARY = sa.update(cases).where(cases.c.id == sa.bindparam("b_case"))


def record(conn: sa.Connection, case_id: int, version_id: int, forms: dict[str, dict], data: dict[str, Any],
           head: tuple[str, str] | None = None, current: list | None = None) -> None:
    """Keep the case's summary lines as ``data`` gives them (nothing when the method declares none); ``current``:
    the lines the case row holds, left unwritten when they stay the same (most steps change none of them)."""
    fields = declared(conn, version_id, head)
    if not fields:
        return
    found = lines(fields, forms, data)
    if found is not None and found != current:
        conn.execute(_SET_SUMMARY, {"b_case": case_id, "summary": found})


def render(summary: list[dict] | None, language: str) -> list[dict]:
    """The stored lines in ``language``: ``[{"name", "title", "value"}]``."""
    out = []
    for item in summary or []:
        if isinstance(item, dict):
            title, value = item.get("title") or {}, item.get("value") or {}
            out.append({"name": item.get("name"), "title": title.get(language) or next(iter(title.values()), ""),
                        "value": value.get(language) or next(iter(value.values()), "")})
    return out
