"""The case file (一事一档): an append-only event log where each event carries its predecessor's hash.

Editing or deleting any stored event breaks the chain from that point on, which ``verify``
reports. Events are only ever inserted; corrections are new events.

The case row keeps the file's head (``event_count``, ``head_hash``), written in the same transaction as the
events, and a server seal over it: HMAC-SHA256 with a configured key (``YISHI_SEAL_KEY``, its id in
``seal_key_id``). Truncating the file leaves the head pointing past its end; rewriting events and recomputing
the chain (and the head) needs the key to make a matching seal. ``verify_case`` runs every check and names the
first that fails; ``seal_all`` signs a digest of every case's head (``yishi seal``) to keep elsewhere, and
``check_export`` compares the database with such a digest (whole cases deleted, files rolled back).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from engine.domain.statuses import ACTIVE_STATUSES, CaseStatus, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, NotFound
from engine.store.tables import case_events, cases, seals

GENESIS = "0" * 64
DEVELOPMENT_KEY_ID = "dev"
# public on purpose: without a configured key a seal still catches careless edits, but anyone can forge it
_DEVELOPMENT_KEY = hashlib.sha256(b"yishi development seal key: public, proves nothing").digest()
SEAL_FORMAT = "yishi-seal/1"


@dataclass(frozen=True)
class Keyring:
    """The server's sealing keys: ``current_id`` seals, every key in ``keys`` verifies (rotation)."""

    current_id: str
    keys: Mapping[str, bytes]
    development: bool = False

    @classmethod
    def from_settings(cls, config) -> Keyring:
        if config.seal_key is None:
            return cls(DEVELOPMENT_KEY_ID, {DEVELOPMENT_KEY_ID: _DEVELOPMENT_KEY}, development=True)
        keys: dict[str, bytes] = {}
        old = config.seal_old_keys.get_secret_value() if config.seal_old_keys else ""
        for item in filter(None, (part.strip() for part in old.split(","))):
            key_id, sep, secret = item.partition(":")
            if not sep or not key_id or len(secret) < 16:
                raise ValueError("YISHI_SEAL_OLD_KEYS: expected id:key,id:key with keys of at least 16 characters")
            keys[key_id] = secret.encode("utf-8")
        secret = config.seal_key.get_secret_value()
        if len(secret) < 16:
            raise ValueError("YISHI_SEAL_KEY must be at least 16 characters long")
        if config.seal_key_id == DEVELOPMENT_KEY_ID:
            raise ValueError(f"YISHI_SEAL_KEY_ID must not be '{DEVELOPMENT_KEY_ID}' (the development key's id)")
        keys[config.seal_key_id] = secret.encode("utf-8")
        return cls(config.seal_key_id, keys)

    def mac(self, key_id: str, message: bytes) -> str | None:
        key = self.keys.get(key_id)
        return None if key is None else hmac.new(key, message, hashlib.sha256).hexdigest()

    def seal_head(self, case_id: int, count: int, head: str) -> tuple[str, str]:
        return self.current_id, self.mac(self.current_id, _head_message(case_id, count, head))

    def head_sealed(self, key_id: str | None, seal: str | None, case_id: int, count: int, head: str) -> bool:
        expected = self.mac(key_id, _head_message(case_id, count, head)) if key_id and seal else None
        return expected is not None and hmac.compare_digest(expected, seal)


def _head_message(case_id: int, count: int, head: str) -> bytes:
    return f"yishi/case-head/1\n{case_id}\n{count}\n{head}".encode("ascii")


@functools.cache
def keyring() -> Keyring:
    """The keyring from the process's settings (read once)."""
    from engine.settings import settings

    return Keyring.from_settings(settings())


# Work that must commit or roll back with the events it follows (the notification outbox, engine.notify.rules):
# each observer is called as ``observer(conn, case_id, at, events)`` by ``append``, after the events are inserted,
# in the same transaction. The store knows nothing of what observers do.
OBSERVERS: list[Callable[[sa.Connection, int, dt.datetime, list[Event]], None]] = []


def observe(observer: Callable[[sa.Connection, int, dt.datetime, list[Event]], None]) -> None:
    """Call ``observer`` after every append (once, however often registered)."""
    if observer not in OBSERVERS:
        OBSERVERS.append(observer)


def _notify(conn: sa.Connection, case_id: int, at: dt.datetime, events: list[Event]) -> None:
    for observer in OBSERVERS:
        observer(conn, case_id, at, events)


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


def chain(case_id: int, count: int, head: str, at: dt.datetime, events: list[Event]) -> tuple[list[dict], dict]:
    """The rows of ``events`` chained after a file of ``count`` events ending in ``head``, and the case row's new
    sealed head (``event_count``, ``head_hash``, ``head_seal``, ``seal_key_id``); nothing is written."""
    seq, prev = count, head
    rows = []
    for event in events:
        seq += 1
        fields = {"actor": event.actor, "kind": event.kind, "element_id": event.element_id,
                  "task_id": event.task_id, "data": _json_safe(event.data)}
        digest = event_hash(case_id, seq, at, fields, prev)
        rows.append({"case_id": case_id, "seq": seq, "at": at, "prev_hash": prev, "hash": digest, **fields})
        prev = digest
    key_id, seal = keyring().seal_head(case_id, seq, prev)
    return rows, {"event_count": seq, "head_hash": prev, "head_seal": seal, "seal_key_id": key_id}


_INSERT_EVENTS = sa.insert(case_events)  # at every step: built once


def insert(conn: sa.Connection, rows: list[dict]) -> None:
    """Insert rows made by ``chain``; the caller moves the case row's head in the same transaction."""
    if rows:
        conn.execute(_INSERT_EVENTS, rows)


def append(conn: sa.Connection, case_id: int, at: dt.datetime, events: list[Event], *,
           chained: list[dict] | None = None) -> None:
    """Insert events after the case's last one, chaining hashes, and move the case row's sealed head with them;
    runs in the caller's transaction. Two appends racing on one case: the second gets ``Conflict``.

    ``chained``: rows already made by ``chain`` whose head the caller has moved itself (``CaseUnit.save`` does,
    in its one update of the case row); they are only inserted."""
    if chained is not None:
        insert(conn, chained)
        _notify(conn, case_id, at, events)
        return
    if not events:
        return
    head = conn.execute(sa.select(cases.c.event_count, cases.c.head_hash).where(cases.c.id == case_id)).first()
    if head is None:
        raise NotFound(Text("未找到事项 {ref}", "case {ref} not found", ref=case_id))
    rows, moved_to = chain(case_id, head.event_count, head.head_hash, at, events)
    moved = conn.execute(sa.update(cases).where(cases.c.id == case_id, cases.c.event_count == head.event_count)
                         .values(**moved_to))
    if moved.rowcount != 1:
        raise Conflict(Text("事项 {ref} 的档案刚被其他操作写入，请刷新后再试",
                            "case {ref}'s file was written by someone else meanwhile; reload and try again",
                            ref=case_id))
    insert(conn, rows)
    _notify(conn, case_id, at, events)


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
    failed: str | None = None  # the first check that failed (``CHECKS``)
    checks: dict[str, bool] = field(default_factory=dict)  # every check run and whether it passed
    warning: Text | None = None  # e.g. sealed with the development key


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


CHAIN, COUNT, HEAD, SEAL, CASE_ROW, OPEN_TASKS = "chain", "count", "head", "seal", "case_row", "open_tasks"
CHECKS = (CHAIN, COUNT, HEAD, SEAL, CASE_ROW, OPEN_TASKS)
DEVELOPMENT_WARNING = Text("签章用的是开发密钥（未设置 YISHI_SEAL_KEY），任何人都能重算，不能证明档案未被改写",
                           "sealed with the development key (YISHI_SEAL_KEY is not set): anyone can recompute it, "
                           "so the seal proves nothing")


def verify_case(rows: list[dict], case: Mapping[str, Any], tasks: list[Mapping[str, Any]],
                keys: Keyring | None = None) -> Verification:
    """Every check of one case, in order: the chain, the event count and head hash the case row records, the
    server seal over them, the case row against the file (method, unit, title, status) and the open tasks against
    the file. ``failed`` names the first check that fails and ``reason`` says why; ``checks`` has them all."""
    keys = keys or keyring()
    found: dict[str, tuple[int | None, Text] | None] = {}
    chain = verify(rows)
    found[CHAIN] = None if chain.ok else (chain.broken_at, chain.reason)
    stored, recorded = len(rows), case["event_count"]
    last_seq = rows[-1]["seq"] if rows else 0
    if stored == recorded and last_seq == recorded:
        found[COUNT] = None
    elif stored == 0:
        found[COUNT] = (1, Text("档案的全部 {n} 条记录都不见了", "all {n} events of the case file are missing "
                                "(the case row records {n})", n=recorded))
    elif last_seq < recorded:
        found[COUNT] = (last_seq + 1, Text(
            "档案末尾缺少 {k} 条记录（事项记录为 {n} 条，现存到第 {m} 条）",
            "the last {k} event(s) are missing (truncated tail): the case row records {n}, the file ends at {m}",
            k=recorded - last_seq, n=recorded, m=last_seq))
    elif stored < recorded:
        found[COUNT] = (None, Text("档案缺少 {k} 条记录（事项记录为 {n} 条，现存 {m} 条）",
                                   "{k} event(s) are missing: the case row records {n}, the file holds {m}",
                                   k=recorded - stored, n=recorded, m=stored))
    else:
        found[COUNT] = (recorded + 1, Text(
            "档案有 {m} 条记录，而事项只记录了 {n} 条（有记录是在系统之外加入的，或事项记录被改动）",
            "the file holds {m} events but the case row records {n} (events added outside Yishi, or the row edited)",
            m=max(stored, last_seq), n=recorded))
    last_hash = rows[-1]["hash"] if rows else GENESIS
    found[HEAD] = None if last_hash == case["head_hash"] else (last_seq or None, Text(
        "最后一条记录的哈希与事项记录的链头不符（记录被改动、替换或删除）",
        "the last event's hash does not match the head recorded on the case row (events edited, replaced or removed)"))
    if keys.head_sealed(case["seal_key_id"], case["head_seal"], case["id"], recorded, case["head_hash"]):
        found[SEAL] = None
    elif not case["head_seal"]:
        found[SEAL] = (None, Text("链头没有服务器签章", "the chain head carries no server seal"))
    elif case["seal_key_id"] not in keys.keys:
        found[SEAL] = (None, Text("链头签章所用的密钥“{key}”未配置（开发密钥只在未设置 YISHI_SEAL_KEY 时有效）",
                                  "the head is sealed with key '{key}', which is not configured (the development "
                                  "key counts only while YISHI_SEAL_KEY is unset)", key=case["seal_key_id"]))
    else:
        found[SEAL] = (None, Text("链头的服务器签章不符：档案被改写，哈希链是在没有密钥的情况下重新计算的",
                                  "the server seal of the chain head does not match: the file was rewritten and its "
                                  "chain recomputed without the key"))
    found[CASE_ROW] = _row_problem(rows, case)
    found[OPEN_TASKS] = _tasks_problem(rows, case, tasks)
    checks = {name: found[name] is None for name in CHECKS}
    failed = next((name for name in CHECKS if found[name] is not None), None)
    warning = DEVELOPMENT_WARNING if case["seal_key_id"] == DEVELOPMENT_KEY_ID else None
    if failed is None:
        return Verification(True, stored, checks=checks, warning=warning)
    broken_at, reason = found[failed]
    return Verification(False, stored, broken_at, reason, failed, checks, warning)


# the status a case row may have after the last event of these kinds (others do not move the status)
_STATUS_AFTER: dict[str, tuple[str, ...]] = {
    EventKind.CASE_STARTED: ACTIVE_STATUSES, EventKind.CASE_RESUMED: ACTIVE_STATUSES,
    EventKind.CASE_RETRIED: ACTIVE_STATUSES, EventKind.CASE_MIGRATED: ACTIVE_STATUSES,
    EventKind.CASE_COMPLETED: (CaseStatus.COMPLETED,), EventKind.CASE_CANCELLED: (CaseStatus.CANCELLED,),
    EventKind.CASE_SUSPENDED: (CaseStatus.SUSPENDED,),
    EventKind.CASE_ERROR: (CaseStatus.ERROR, *ACTIVE_STATUSES),  # later steps may clear an error
}


def _row_problem(rows: list[dict], case: Mapping[str, Any]) -> tuple[int | None, Text] | None:
    started = next((r for r in rows if r["kind"] == EventKind.CASE_STARTED), None)
    if started is not None:
        data = started["data"] if isinstance(started["data"], dict) else {}
        for column, key in (("definition_key", "definition"), ("unit", "unit"), ("title", "title")):
            if column in case and key in data and case[column] != data[key]:
                return started["seq"], Text("事项记录的 {field} 与档案不符（现为“{stored}”，档案记为“{recorded}”）",
                                            "the case row's {field} '{stored}' does not match the case file's "
                                            "'{recorded}'", field=column, stored=case[column], recorded=data[key])
    last = next((r for r in reversed(rows) if r["kind"] in _STATUS_AFTER), None)
    if last is not None and "status" in case and case["status"] not in _STATUS_AFTER[last["kind"]]:
        return last["seq"], Text("事项状态“{status}”与档案不符（档案最后的状态记录是第 {seq} 条 {kind}）",
                                 "the case row's status '{status}' does not match the case file (its last status "
                                 "event is {seq}: {kind})", status=case["status"], seq=last["seq"], kind=last["kind"])
    return None


def _tasks_problem(rows: list[dict], case: Mapping[str, Any],
                   tasks: list[Mapping[str, Any]]) -> tuple[int | None, Text] | None:
    """Replay the task events into the open tasks they leave, and compare with the ``open_tasks`` rows."""
    expected: dict[str, dict] = {}
    for row in rows:
        data = row["data"] if isinstance(row["data"], dict) else {}
        task_id = row["task_id"]
        if row["kind"] == EventKind.TASK_OPENED:
            expected[task_id] = {"element_id": row["element_id"], "role": data.get("role"),
                                 "due_at": _instant(data.get("due_at")), "claimed_by": None,
                                 "assignee": data.get("assignee"), "seq": row["seq"]}
        elif task_id not in expected:
            continue
        elif row["kind"] in (EventKind.TASK_COMPLETED, EventKind.TASK_CLOSED):
            expected.pop(task_id)
        elif row["kind"] in (EventKind.TASK_CLAIMED, EventKind.TASK_REASSIGNED):
            expected[task_id]["claimed_by"] = data.get("assignee")
        elif row["kind"] == EventKind.TASK_UNCLAIMED:
            expected[task_id]["claimed_by"] = None
        elif row["kind"] == EventKind.TASK_TRANSFERRED:  # 转办, stand-in, 换届: the holder the event names
            expected[task_id]["claimed_by"] = data.get("claimed_by")
            expected[task_id]["assignee"] = data.get("assignee")
        elif row["kind"] == EventKind.TASK_DUE_CHANGED:
            expected[task_id]["due_at"] = _instant(data.get("due_at"))
    for task in tasks:
        wanted = expected.pop(task["task_id"], None)
        if wanted is None:
            return None, Text("待办任务 {task} 在档案中没有开启记录",
                              "open task {task} was never opened in the case file", task=task["task_id"])
        stored = {**task, "unit": task.get("unit", case.get("unit"))}
        wanted = {**wanted, "unit": case.get("unit", stored["unit"])}
        for column in ("element_id", "role", "claimed_by", "due_at", "unit", "assignee"):
            if column in stored and stored[column] != wanted[column]:
                return wanted["seq"], Text(
                    "待办任务 {task} 的 {field} 与档案不符（现为“{stored}”，档案记为“{recorded}”）",
                    "open task {task}: {field} '{stored}' does not match the case file's '{recorded}'",
                    task=task["task_id"], field=column, stored=stored[column], recorded=wanted[column])
    if expected:
        task_id, wanted = next(iter(expected.items()))
        return wanted["seq"], Text("档案中尚未办结的任务 {task} 不在待办中",
                                   "task {task} is open in the case file but missing from the open tasks", task=task_id)
    return None


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return instant.astimezone(dt.UTC) if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


# ----- seals: a signed digest of every case's head -------------------------------------------------------------


def _heads(conn: sa.Connection) -> Iterator[sa.Row]:
    yield from conn.execute(
        sa.select(cases.c.id, cases.c.event_count, cases.c.head_hash, cases.c.head_seal, cases.c.seal_key_id)
        .order_by(cases.c.id).execution_options(yield_per=10_000))  # streamed: a million cases, bounded memory


def _seal_message(created_at: str, count: int, events: int, digest: str) -> bytes:
    return f"{SEAL_FORMAT}\n{created_at}\n{count}\n{events}\n{digest}".encode("ascii")


def seal_all(conn: sa.Connection, at: dt.datetime, keys: Keyring | None = None, *,
             with_heads: bool = False) -> dict:
    """Record a signed digest of every case's (id, event count, head hash) in ``seals``; runs in the caller's
    transaction. Returns the seal as exported (``heads`` listed when ``with_heads``), plus the cases whose own
    head seal does not verify (``unsealed``: check them before trusting this digest)."""
    keys = keys or keyring()
    digest, count, events, heads, unsealed = hashlib.sha256(), 0, 0, [], []
    for case_id, event_count, head, head_seal, key_id in _heads(conn):
        digest.update(f"{case_id}:{event_count}:{head}\n".encode("ascii"))
        count, events = count + 1, events + event_count
        if not keys.head_sealed(key_id, head_seal, case_id, event_count, head):
            unsealed.append(case_id)
        if with_heads:
            heads.append([case_id, event_count, head])
    created = at.astimezone(dt.UTC).isoformat()
    signature = keys.mac(keys.current_id, _seal_message(created, count, events, digest.hexdigest()))
    conn.execute(sa.insert(seals).values(created_at=at, cases=count, events=events, digest=digest.hexdigest(),
                                         key_id=keys.current_id, signature=signature))
    export = {"format": SEAL_FORMAT, "created_at": created, "cases": count, "events": events,
              "digest": digest.hexdigest(), "key_id": keys.current_id, "signature": signature,
              "development_key": keys.development}
    if with_heads:
        export["heads"] = heads
    export["unsealed"] = unsealed
    return export


def last_seal_at(conn: sa.Connection) -> dt.datetime | None:
    return conn.execute(sa.select(sa.func.max(seals.c.created_at))).scalar()


def seal_due(conn: sa.Connection, now: dt.datetime, every: dt.timedelta = dt.timedelta(days=1)) -> bool:
    """Whether the daily seal is due (none yet, or the last is ``every`` old)."""
    last = last_seal_at(conn)
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    return last is None or now - last >= every


def check_export(conn: sa.Connection, export: Mapping[str, Any], keys: Keyring | None = None) -> list[Text]:
    """Compare the database with an exported seal: its signature, then every sealed case must still exist and
    its file must still pass through the sealed head (whole cases deleted, files rolled back or rewritten)."""
    keys = keys or keyring()
    heads = export.get("heads")
    if export.get("format") != SEAL_FORMAT or not isinstance(heads, list):
        return [Text("不是带各事项链头的签章导出文件", "not a seal export with case heads (yishi seal --export)")]
    digest = hashlib.sha256()
    events = 0
    for case_id, count, head in heads:
        digest.update(f"{case_id}:{count}:{head}\n".encode("ascii"))
        events += count
    expected = keys.mac(str(export.get("key_id")), _seal_message(str(export.get("created_at")), len(heads), events,
                                                                 digest.hexdigest()))
    if expected is None:
        return [Text("签章所用的密钥“{key}”未配置", "the seal's key '{key}' is not configured",
                     key=export.get("key_id"))]
    if not hmac.compare_digest(expected, str(export.get("signature"))) or digest.hexdigest() != export.get("digest"):
        return [Text("签章文件的签名不符（文件被改动，或不是用这把密钥签的）",
                     "the seal file's signature does not match (the file was edited, or signed with another key)")]
    problems: list[Text] = []
    current = {row.id: (row.event_count, row.head_hash) for row in _heads(conn)}
    for case_id, count, head in heads:
        if case_id not in current:
            problems.append(Text("签章时存在的事项 {case} 已不在数据库中", "case {case}, sealed at {at}, is gone from "
                                 "the database", case=case_id, at=export["created_at"]))
            continue
        now_count, now_head = current[case_id]
        at_seal = now_head if now_count == count else head if count == 0 else conn.execute(
            sa.select(case_events.c.hash).where(case_events.c.case_id == case_id, case_events.c.seq == count)).scalar()
        if now_count < count:
            problems.append(Text("事项 {case} 的档案退回了：签章时 {sealed} 条，现在 {now} 条",
                                 "case {case}'s file was rolled back: {sealed} events when sealed, {now} now",
                                 case=case_id, sealed=count, now=now_count))
        elif at_seal != head:
            problems.append(Text("事项 {case} 第 {seq} 条记录与签章时不同（档案被改写）",
                                 "case {case}'s event {seq} differs from the sealed head (the file was rewritten)",
                                 case=case_id, seq=count))
    return problems


def reseal(conn: sa.Connection, case_id: int, keys: Keyring | None = None) -> None:
    """Seal a case's current head with the current key (``yishi seal --rekey``, after its checks passed)."""
    keys = keys or keyring()
    row = conn.execute(sa.select(cases.c.event_count, cases.c.head_hash).where(cases.c.id == case_id)).one()
    key_id, seal = keys.seal_head(case_id, row.event_count, row.head_hash)
    conn.execute(sa.update(cases).where(cases.c.id == case_id).values(head_seal=seal, seal_key_id=key_id))
