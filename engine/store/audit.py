"""The case file (一事一档): an append-only event log where each event carries its predecessor's hash.

Editing or deleting any stored event breaks the chain from that point on, which ``verify``
reports. Events are only ever inserted; corrections are new events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from engine.domain.texts import Text
from engine.store.tables import case_events

GENESIS = "0" * 64


@dataclass
class Event:
    kind: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    element_id: str | None = None
    task_id: str | None = None


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return repr(value)  # the case file records what it cannot store as text rather than failing the step


def event_hash(case_id: int, seq: int, at: dt.datetime, event_fields: dict, prev_hash: str) -> str:
    body = {
        "case_id": case_id, "seq": seq, "at": at.astimezone(dt.UTC).isoformat(),
        "actor": event_fields["actor"], "kind": event_fields["kind"],
        "element_id": event_fields.get("element_id"), "task_id": event_fields.get("task_id"),
        "data": event_fields["data"], "prev_hash": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(conn: sa.Connection, case_id: int, at: dt.datetime, events: list[Event]) -> None:
    """Insert events after the case's last one, chaining hashes; runs in the caller's transaction."""
    if not events:
        return
    last = conn.execute(
        sa.select(case_events.c.seq, case_events.c.hash)
        .where(case_events.c.case_id == case_id).order_by(case_events.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    rows = []
    for event in events:
        seq += 1
        fields = {"actor": event.actor, "kind": event.kind, "element_id": event.element_id,
                  "task_id": event.task_id, "data": _json_safe(event.data)}
        digest = event_hash(case_id, seq, at, fields, prev)
        rows.append({"case_id": case_id, "seq": seq, "at": at, "prev_hash": prev, "hash": digest, **fields})
        prev = digest
    conn.execute(sa.insert(case_events), rows)


def history(conn: sa.Connection, case_id: int) -> list[dict]:
    result = conn.execute(
        sa.select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.seq)
    ).mappings()
    return [dict(row) for row in result]


@dataclass
class Verification:
    """The result of re-checking a case file; ``reason`` says in both languages where the chain breaks (the API
    renders it in the reader's language, ``str()`` gives English)."""

    ok: bool
    events: int
    broken_at: int | None = None
    reason: Text | None = None


def verify(rows: list[dict]) -> Verification:
    """Recompute the chain; report the first event whose link or content does not match."""
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row["seq"] != expected_seq:
            return Verification(False, len(rows), row["seq"], Text(
                "档案中缺少第 {seq} 条记录", "event {seq} is missing", seq=expected_seq))
        if row["prev_hash"] != prev:
            return Verification(False, len(rows), row["seq"], Text(
                "这条记录与上一条记录的链接对不上（之前的记录可能被改动或删除）",
                "link to the previous event does not match"))
        digest = event_hash(row["case_id"], row["seq"], row["at"], row, prev)
        if digest != row["hash"]:
            return Verification(False, len(rows), row["seq"], Text(
                "这条记录的内容与其哈希值不符（记录可能被改动）", "event content does not match its hash"))
        prev = row["hash"]
    return Verification(True, len(rows))
