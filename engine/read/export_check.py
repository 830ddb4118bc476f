"""Check an exported case file offline (``yishi verify --file export.zip``), without Yishi's database.

The checks, in order; the first that fails is named with the reason:

- ``manifest``: the archive has a manifest of this format and every file it lists has the hash it lists;
- ``chain``: each event's content matches its hash and links to the previous one (a masked event — personal data
  left out of the export — is checked only for its links, and the result says how many were);
- ``count``: the archive holds as many events as the manifest says, numbered 1…n;
- ``head``: the last event's hash is the manifest's head hash;
- ``attachments``: every file the case file names is in the archive and its content has that SHA-256;
- ``seal``: the server seal over the head, when the verifier has the key (else not checked, and said so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.domain.texts import Text
from engine.read.export import ATTACHMENTS_DIR, EVENTS, FORMAT, MANIFEST
from engine.store import audit

MANIFEST_CHECK, CHAIN, COUNT, HEAD, ATTACHMENTS, SEAL = "manifest", "chain", "count", "head", "attachments", "seal"
CHECKS = (MANIFEST_CHECK, CHAIN, COUNT, HEAD, ATTACHMENTS, SEAL)


@dataclass
class ExportCheck:
    ok: bool
    case: str | None = None
    events: int = 0
    attachments: int = 0
    failed: str | None = None
    reason: Text | None = None
    checks: dict[str, bool | None] = field(default_factory=dict)  # None: not checked (e.g. the seal without key)
    notes: list[Text] = field(default_factory=list)


def _fail(result: ExportCheck, check: str, reason: Text) -> ExportCheck:
    result.ok, result.failed, result.reason = False, check, reason
    result.checks[check] = False
    return result


def verify_file(path: Path | str, keys: audit.Keyring | None = None) -> ExportCheck:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return _fail(ExportCheck(False), MANIFEST_CHECK, Text("不是可读的 ZIP 文件（{e}）",
                                                              "not a readable ZIP file ({e})", e=str(exc)))
    with archive:
        return verify_archive(archive, keys)


def verify_archive(archive: zipfile.ZipFile, keys: audit.Keyring | None = None) -> ExportCheck:
    result = ExportCheck(False)
    names = set(archive.namelist())
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as exc:
        return _fail(result, MANIFEST_CHECK, Text("清单 manifest.json 缺失或无法读取（{e}）",
                                                  "manifest.json is missing or unreadable ({e})", e=str(exc)[:200]))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return _fail(result, MANIFEST_CHECK, Text("不是议事事项档案导出（格式应为 {format}）",
                                                  "not a Yishi case export (format {format} expected)", format=FORMAT))
    result.case = (manifest.get("case") or {}).get("reference")
    for name, expected in (manifest.get("files") or {}).items():
        if name not in names:
            return _fail(result, MANIFEST_CHECK, Text("清单列出的文件 {name} 不在导出包中",
                                                      "{name}, listed in the manifest, is missing", name=name))
        if hashlib.sha256(archive.read(name)).hexdigest() != expected:
            return _fail(result, MANIFEST_CHECK, Text("文件 {name} 的内容与清单记录的哈希不符（文件被改动）",
                                                      "{name} does not match the hash in the manifest (it was changed)",
                                                      name=name))
    if EVENTS not in (manifest.get("files") or {}):
        return _fail(result, MANIFEST_CHECK, Text("清单没有列出 events.jsonl",
                                                  "the manifest does not list events.jsonl"))
    result.checks[MANIFEST_CHECK] = True

    try:
        rows = [_row(json.loads(line)) for line in archive.read(EVENTS).decode("utf-8").splitlines() if line.strip()]
    except (ValueError, KeyError, TypeError) as exc:
        return _fail(result, CHAIN, Text("events.jsonl 无法读取（{e}）", "events.jsonl cannot be read ({e})",
                                         e=str(exc)[:200]))
    result.events = len(rows)
    broken = _chain(rows)
    if broken is not None:
        return _fail(result, CHAIN, broken)
    masked = [r["seq"] for r in rows if r.get("masked")]
    if masked:
        result.notes.append(Text("{n} 条记录的个人信息已遮盖（第 {seqs} 条）：核对了它们在记录链中的位置"
                                 "（链接、条数、链头、签章），未核对其内容；含个人信息的导出（管理员）可逐条核对",
                                 "{n} event(s) had personal data masked (events {seqs}): their place in the chain "
                                 "(links, count, head, seal) was checked, not their content; an export with "
                                 "personal data (administrators) checks them too",
                                 n=len(masked), seqs=", ".join(str(q) for q in masked[:20])))
    result.checks[CHAIN] = True

    recorded = manifest.get("events")
    if recorded != len(rows) or [r["seq"] for r in rows] != list(range(1, len(rows) + 1)):
        return _fail(result, COUNT, Text("清单记为 {n} 条记录，导出包中有 {m} 条",
                                         "the manifest records {n} events, the archive holds {m}",
                                         n=recorded, m=len(rows)))
    result.checks[COUNT] = True
    last = rows[-1]["hash"] if rows else audit.GENESIS
    if last != manifest.get("head_hash"):
        return _fail(result, HEAD, Text("最后一条记录的哈希与清单记录的链头不符",
                                        "the last event's hash does not match the head hash in the manifest"))
    result.checks[HEAD] = True

    named = {r["data"].get("sha256") for r in rows if r["kind"] == "attachment_added" and isinstance(r["data"], dict)}
    named |= {a.get("sha256") for a in manifest.get("attachments") or []}
    for sha in sorted(s for s in named if s):
        path = f"{ATTACHMENTS_DIR}{sha}"
        if path not in names:
            return _fail(result, ATTACHMENTS, Text("档案记载的附件 {sha} 不在导出包中",
                                                   "attachment {sha}, named in the case file, is missing", sha=sha))
        digest = hashlib.sha256()
        with archive.open(path) as stream:
            while chunk := stream.read(1 << 16):
                digest.update(chunk)
        if digest.hexdigest() != sha:
            return _fail(result, ATTACHMENTS, Text("附件 {sha} 的内容与其哈希不符（文件被改动）",
                                                   "attachment {sha}: its content does not match its hash (the file "
                                                   "was changed)", sha=sha))
    result.attachments = len(named - {None})
    result.checks[ATTACHMENTS] = True

    seal = manifest.get("seal")
    case_id = (manifest.get("case") or {}).get("id")
    keys = keys or audit.keyring()
    if not seal:
        result.checks[SEAL] = None
        result.notes.append(Text("导出包没有服务器签章", "the export carries no server seal"))
    elif seal.get("key_id") not in keys.keys:
        result.checks[SEAL] = None
        result.notes.append(Text("签章用的密钥“{key}”不在本机，未核对签章",
                                 "the seal's key '{key}' is not configured here: the seal was not checked",
                                 key=seal.get("key_id")))
    elif keys.head_sealed(seal.get("key_id"), seal.get("seal"), case_id, len(rows), last):
        result.checks[SEAL] = True
        if seal.get("key_id") == audit.DEVELOPMENT_KEY_ID:
            result.notes.append(audit.DEVELOPMENT_WARNING)
    else:
        return _fail(result, SEAL, Text("链头的服务器签章不符：记录链是在没有密钥的情况下重新计算的",
                                        "the server seal of the head does not match: the chain was recomputed "
                                        "without the key"))
    result.ok = True
    return result


def _row(line: dict[str, Any]) -> dict[str, Any]:
    at = dt.datetime.fromisoformat(line["at"])
    return {**line, "at": at if at.tzinfo else at.replace(tzinfo=dt.UTC)}


def _chain(rows: list[dict]) -> Text | None:
    prev = audit.GENESIS
    for expected, row in enumerate(rows, start=1):
        if row["seq"] != expected:
            return Text("缺少第 {seq} 条记录", "event {seq} is missing", seq=expected)
        if row["prev_hash"] != prev:
            return Text("第 {seq} 条记录与上一条的链接对不上（之前的记录被改动或删除）",
                        "event {seq} does not link to the previous one (an earlier event was changed or removed)",
                        seq=row["seq"])
        if not row.get("masked") and audit.event_hash(row["case_id"], row["seq"], row["at"], row, prev) != row["hash"]:
            return Text("第 {seq} 条记录的内容与其哈希不符（记录被改动）",
                        "event {seq}: its content does not match its hash (the event was changed)", seq=row["seq"])
        prev = row["hash"]
    return None
