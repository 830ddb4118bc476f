"""Attachments of a case (一事一档, DOMAIN.md §3.3): add a file to a case or one of its open tasks, list them, read
one back, and check that form values referring to attachments name files of the same case.

The content goes to the ``FileStore`` under its SHA-256; the ``attachments`` row and an ``attachment_added`` event
(hash, size, media type, file name; the uploader is the event's actor) are written in one transaction, so the
case file names every file it holds. The media type is judged from the content, never from the name or the
browser's claim.

Form fields refer to attachments with the shape in processes/CONVENTIONS.md ("Attachments"): a field with
``"x-yishi-widget": "attachments"`` is a list of ``{"sha256", "name", "size", "media_type"}``. A submission may
only name files already added to the same case; their size and media type are taken from the record, not from
the submission.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, BinaryIO

import filetype
import sqlalchemy as sa

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import EventKind
from engine.domain.texts import Text
from engine.errors import FieldError, InvalidInput, NotFound, TooLarge, UnsupportedMediaType
from engine.store import audit
from engine.store.files import HEAD_BYTES, SHA256, FileStore, FileTooLarge
from engine.store.tables import attachments

WIDGET_KEYWORD = "x-yishi-widget"
MANY = "attachments"
MAX_NAME = 255
MAX_PENDING = 50  # files one person may hold for a case not started yet
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def sniff(head: bytes) -> str | None:
    """The media type of a file from its first bytes: a known magic number, else ``text/plain`` for UTF-8 text
    without control characters, else None."""
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return kind.mime
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return "text/plain" if head and not _CONTROL.search(text.replace("\n", "").replace("\r", "").replace("\t", "")) \
        else None


def clean_name(name: str | None) -> str:
    """A file name as the uploader gave it, without directories or control characters (NFC, at most 255)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = _CONTROL.sub("", unicodedata.normalize("NFC", base)).strip()
    return (base or "file")[:MAX_NAME]


class _Rejoined(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = (self.head, b"") if size < 0 or size >= len(self.head) else \
                (self.head[:size], self.head[size:])
            return out
        return self.rest.read(size)


def add(conn: sa.Connection, store: FileStore, case_id: int | None, actor: Actor, stream: BinaryIO,
        file_name: str | None, *, max_bytes: int, allowed: frozenset[str], task_id: str | None = None,
        element_id: str | None = None) -> dict:
    """Store the stream and record it on the case (and task) in the caller's transaction; the new record.
    ``case_id`` None: a file for a start form, owned by its uploader until a case they start claims it.

    ``UnsupportedMediaType`` before anything is stored; ``TooLarge`` with nothing kept."""
    head = stream.read(HEAD_BYTES) or b""
    media_type = sniff(head)
    if media_type is None or media_type not in allowed:
        raise UnsupportedMediaType(Text(
            "不接受这种文件（{type}）：可上传 {allowed}", "this kind of file ({type}) is not accepted: allowed are "
            "{allowed}", type=media_type or Text("未知类型", "unknown type"), allowed=", ".join(sorted(allowed))))
    try:
        stored = store.put(_Rejoined(head, stream), max_bytes)
    except FileTooLarge:
        raise TooLarge(Text("文件过大：每个附件最多 {mb} MB（{limit} 字节）",
                            "the file is too large: an attachment may have at most {mb} MB ({limit} bytes)",
                            mb=round(max_bytes / 1_048_576, 1), limit=max_bytes)) from None
    now = clock.now()
    record = {"sha256": stored.sha256, "size": stored.size, "media_type": media_type,
              "file_name": clean_name(file_name)}
    conn.execute(sa.insert(attachments).values(case_id=case_id, task_id=task_id, element_id=element_id,
                                               uploaded_by=actor.user_id, uploaded_at=now, **record))
    if case_id is not None:  # else: kept for its uploader until a case they start claims it (``claim``)
        audit.append(conn, case_id, now, [audit.Event(EventKind.ATTACHMENT_ADDED, actor.user_id, dict(record),
                                                      element_id, task_id)])
    return {**record, "task_id": task_id, "element_id": element_id, "uploaded_by": actor.user_id,
            "uploaded_at": now}


COLUMNS = (attachments.c.sha256, attachments.c.size, attachments.c.media_type, attachments.c.file_name,
           attachments.c.task_id, attachments.c.element_id, attachments.c.uploaded_by, attachments.c.uploaded_at)


def listed(conn: sa.Connection, case_id: int) -> list[dict]:
    """Every file added to the case, in upload order (a file added twice is listed twice: two events)."""
    return [dict(r) for r in conn.execute(sa.select(*COLUMNS).where(attachments.c.case_id == case_id)
                                          .order_by(attachments.c.id)).mappings()]


def one(conn: sa.Connection, case_id: int, sha256: str) -> dict:
    """The first record of ``sha256`` on the case, or ``NotFound`` (also for a file of another case)."""
    row = conn.execute(sa.select(*COLUMNS).where(attachments.c.case_id == case_id, attachments.c.sha256 == sha256)
                       .order_by(attachments.c.id).limit(1)).mappings().first() if SHA256.match(sha256) else None
    if row is None:
        raise NotFound(Text("这个事项没有附件 {sha}", "this case has no attachment {sha}", sha=sha256[:64]))
    return dict(row)


# ----- form values that refer to attachments -------------------------------------------------------------------


def _resolve(root: dict, node: Any) -> Any:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
        target = (root.get("$defs") or {}).get(node["$ref"].rsplit("/", 1)[-1], {})
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def references(schema: dict, data: Any) -> Iterator[tuple[str, dict]]:
    """Every attachment reference in ``data`` as (field path, the reference), following the schema's attachment
    fields through nested objects and lists."""
    def walk(node: Any, value: Any, path: str):
        node = _resolve(schema, node)
        if not isinstance(node, dict):
            return
        widget = node.get(WIDGET_KEYWORD)
        if widget == MANY and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    yield f"{path}/{index}".lstrip("/"), item
            return
        if isinstance(value, dict):
            for name, sub in (node.get("properties") or {}).items():
                if name in value:
                    yield from walk(sub, value[name], f"{path}/{name}")
        elif isinstance(value, list) and isinstance(node.get("items"), dict):
            for index, item in enumerate(value):
                yield from walk(node["items"], item, f"{path}/{index}")
    yield from walk(schema, data, "")


def has_fields(schema: dict) -> bool:
    """Whether a form has an attachment field anywhere."""
    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            return node.get(WIDGET_KEYWORD) == MANY or any(walk(v) for v in node.values())
        return isinstance(node, list) and any(walk(v) for v in node)
    return walk(schema)


def pending(conn: sa.Connection, owner: str) -> dict[str, dict]:
    """Files ``owner`` uploaded for a case not started yet, by SHA-256 (the newest upload of each)."""
    rows = conn.execute(sa.select(attachments.c.id, *COLUMNS).where(
        attachments.c.case_id.is_(None), attachments.c.uploaded_by == owner).order_by(attachments.c.id)).mappings()
    return {row["sha256"]: dict(row) for row in rows}


def claim(conn: sa.Connection, case_id: int, owner: str, schema: dict, data: dict) -> list[audit.Event]:
    """Move the files a new case's start form names from ``owner``'s uploads to the case; the case-file events
    that record them (``attachment_added``, the uploader as actor), for the caller to append."""
    mine = pending(conn, owner)
    events, seen = [], set()
    for _path, ref in references(schema, data):
        record = mine.get(ref.get("sha256"))
        if record is None or record["sha256"] in seen:
            continue
        seen.add(record["sha256"])
        conn.execute(sa.update(attachments).where(attachments.c.id == record["id"]).values(case_id=case_id))
        events.append(audit.Event(EventKind.ATTACHMENT_ADDED, owner, {
            "sha256": record["sha256"], "size": record["size"], "media_type": record["media_type"],
            "file_name": record["file_name"], "uploaded_at": record["uploaded_at"].isoformat()}))
    return events


def check_references(conn: sa.Connection | None, case_id: int | None, schema: dict, data: dict, *,
                     owner: str | None = None) -> None:
    """Refuse references to files not added to this case (``case_id`` None: a start form, whose files are those
    ``owner`` uploaded for it), and complete the others from the record (size and media type as stored) in
    place."""
    found = list(references(schema, data))
    if not found:
        return
    if conn is not None and case_id is not None:
        known = {r["sha256"]: r for r in listed(conn, case_id)}
    else:
        known = pending(conn, owner) if conn is not None and owner is not None else {}
    errors = []
    for path, ref in found:
        record = known.get(ref.get("sha256"))
        if record is None:
            errors.append(FieldError(path, Text(
                "附件“{name}”不在本事项的档案中：请先上传文件再提交", "attachment '{name}' is not in this case's file: "
                "upload it first, then submit", name=str(ref.get("name") or ref.get("sha256"))[:100])))
            continue
        ref.update(size=record["size"], media_type=record["media_type"])
        ref.setdefault("name", record["file_name"])
    if errors:
        raise InvalidInput(Text("有 {n} 个附件不在本事项的档案中", "{n} attachment(s) are not in this case's file",
                                n=len(errors)), errors)
